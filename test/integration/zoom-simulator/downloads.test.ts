import { describe, expect, it } from 'vitest';
import {
  accessToken,
  callApi,
  hours,
  interactionBody,
  json,
  ManualClock,
  postInteraction,
} from './helpers.ts';
import { useSimulatorHooks } from './simulator-hooks.ts';

describe('zoom simulator: the recording download after a POST', () => {
  const hooks = useSimulatorHooks({ recordingBytes: 200_000 });
  const { recordings } = hooks;
  const clock = new ManualClock();

  async function postAndSettle(url: string) {
    const simulator = await hooks.start({
      clock,
      scenario: {
        oauth: { tokenLifetimeSeconds: 604_800 },
        processing: { timeScale: 0.01, analysis: 60 },
        downloads: { timeoutSeconds: 0.2 },
      },
    });
    const token = await accessToken(simulator);
    const posted = await postInteraction(simulator, token, interactionBody(url));
    await simulator.control.downloadsSettled();
    const id = String(posted.body.interaction_id);
    const download = simulator.inspect().downloads.find((record) => record.interactionId === id);
    return { token, id, posted, download };
  }

  it('downloads a valid URL, counting its bytes, and the interaction progresses', async () => {
    // Prepare
    const url = recordings.url('/ok/call.mp3?X-Amz-Signature=abcdef0123456789');

    // Act
    const { token, id, posted, download } = await postAndSettle(url);
    clock.advance(hours(1));
    const detail = await callApi(hooks.simulator, token, `/qm/interactions/${id}`);

    // Assess
    expect(posted.status).toBe(201);
    expect(download).toMatchObject({
      state: 'finished',
      result: { outcome: 'ok', status: 200, bytes: 200_000 },
    });
    expect(download?.url).toBe(`${recordings.url('/ok/call.mp3')}?<redacted>`);
    expect(recordings.requests).toContain('/ok/call.mp3?X-Amz-Signature=abcdef0123456789');
    expect(detail.status).toBe(200);
  });

  it.each([
    [
      'an expired presigned URL (S3 403)',
      '/expired/call.mp3?X-Amz-Expires=1',
      403,
      'HTTP 403 AccessDenied: Request has expired',
    ],
    ['a wrong URL (404)', '/missing/call.mp3', 404, 'HTTP 404 NoSuchKey: The specified key does not exist.'],
  ])('records %s and the interaction never progresses, as with Zoom', async (_, path, status, error) => {
    // Prepare
    const url = recordings.url(path);

    // Act
    const { token, id, posted, download } = await postAndSettle(url);
    clock.advance(hours(48));
    const byId = await json(callApi(hooks.simulator, token, `/qm/interactions/${id}`));
    const list = await json(callApi(hooks.simulator, token, '/qm/interactions'));

    // Assess
    expect(posted.status).toBe(201);
    expect(download).toMatchObject({ state: 'finished', result: { outcome: 'http-error', status, error } });
    expect(byId.status).toBe(404);
    expect(list.body).toMatchObject({ total_records: 0 });
    expect(hooks.simulator.inspect().interactions).toEqual([
      expect.objectContaining({ id, stage: 'download_failed' }),
    ]);
    expect(JSON.stringify(hooks.simulator.inspect())).not.toContain('X-Amz-Expires=1');
  });

  it('records a broken URL (the connection drops) as a network error', async () => {
    // Prepare
    const url = recordings.url('/broken/call.mp3');

    // Act
    const { token, id, download } = await postAndSettle(url);
    clock.advance(hours(1));
    const byId = await callApi(hooks.simulator, token, `/qm/interactions/${id}`);

    // Assess
    expect(download?.result).toMatchObject({ outcome: 'network-error', status: undefined, bytes: 0 });
    expect(download?.result?.error).toEqual(expect.any(String));
    expect(byId.status).toBe(404);
  });

  it.each([
    ['a URL that never answers', '/stalled/call.mp3', 'timeout', 'no complete answer within 200 ms'],
    ['an empty file', '/empty/call.mp3', 'too-small', 'downloaded 0 bytes, fewer than the 1 required'],
  ])('records %s as a failed download', async (_, path, outcome, error) => {
    // Act
    const { download } = await postAndSettle(recordings.url(path));

    // Assess
    expect(download?.result).toMatchObject({ outcome, bytes: 0, error });
    expect(hooks.simulator.inspect().interactions[0]?.stage).toBe('download_failed');
  });
});
