import { describe, expect, it } from 'vitest';
import type { ScenarioInput } from '../../../local/zoom-simulator/index.ts';
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

describe('zoom simulator: POST /qm/interactions', () => {
  const { recordings, start: startSimulator } = useSimulatorHooks({ settleDownloads: true });
  const clock = new ManualClock();

  async function start(scenario: ScenarioInput = {}) {
    const simulator = await startSimulator({
      clock,
      scenario: {
        oauth: { tokenLifetimeSeconds: 86_400 },
        processing: { timeScale: 0.01, analysis: 60 },
        ...scenario,
      },
    });
    return { sim: simulator, token: await accessToken(simulator) };
  }

  describe('validation, as Zoom answers it', () => {
    it.each([
      [
        'a missing download_url',
        { interaction_info: { channel_type: 'voice' } },
        [{ field: 'download_url', message: 'download_url is required.' }],
      ],
      [
        'a download_url that is not an http(s) URL',
        { download_url: 'ftp://host/file.mp3' },
        [{ field: 'download_url', message: 'Invalid download URL.' }],
      ],
      [
        'a channel_type outside the enum',
        { download_url: 'http://127.0.0.1:1/x.mp3', interaction_info: { channel_type: 'phone' } },
        [{ field: 'interaction_info.channel_type', message: 'Invalid value, must be one of: video, voice.' }],
      ],
      [
        'interaction_info without its required channel_type',
        { download_url: 'http://127.0.0.1:1/x.mp3', interaction_info: { agent_id: 'a' } },
        [{ field: 'interaction_info.channel_type', message: 'channel_type is required.' }],
      ],
      [
        'several bad fields at once',
        { download_url: 42, direction: 'sideways', primary_language: 'xx-XX', queue_id: 7 },
        [
          { field: 'download_url', message: 'Invalid field type, a string is expected.' },
          { field: 'direction', message: 'Invalid value, must be one of: inbound, outbound.' },
          {
            field: 'primary_language',
            message: expect.stringMatching(/^Invalid value, must be one of: en-GB, en-US/),
          },
          { field: 'queue_id', message: 'Invalid field type, a string is expected.' },
        ],
      ],
    ])('answers 400 code 300 "Validation Failed." for %s', async (_, body, errors) => {
      // Prepare
      const { sim, token } = await start();

      // Act
      const response = await postInteraction(sim, token, body);

      // Assess
      expect(response).toEqual({ status: 400, body: { code: 300, message: 'Validation Failed.', errors } });
      expect(sim.inspect().interactions).toEqual([]);
    });

    it.each(['2025-09-01 19:13:02', '2025-09-01T19:13:02.000Z', '2025-02-30T10:00:00Z', 1_700_000_000])(
      'answers 400 code 1001 for the start time %s',
      async (startTime) => {
        // Prepare
        const { sim, token } = await start();

        // Act
        const response = await postInteraction(
          sim,
          token,
          interactionBody(recordings.url('/ok/a.mp3'), { start_time: startTime }),
        );

        // Assess
        expect(response).toEqual({
          status: 400,
          body: { code: 1001, message: 'The interaction start time is invalid.' },
        });
      },
    );

    it('answers 400 code 300 for a body that is not a JSON object', async () => {
      // Prepare
      const { sim, token } = await start();

      // Act
      const broken = await postInteraction(sim, token, '{"download_url": ');
      const array = await postInteraction(sim, token, '[]');

      // Assess
      for (const response of [broken, array]) {
        expect(response).toEqual({
          status: 400,
          body: { code: 300, message: 'Request Body should be a valid JSON object.' },
        });
      }
    });

    it('accepts the documented example with only download_url required, ignoring unknown fields', async () => {
      // Prepare
      const { sim, token } = await start();

      // Act
      const minimal = await postInteraction(sim, token, {
        download_url: recordings.url('/ok/min.mp3'),
        surprise: true,
      });
      const full = await postInteraction(sim, token, interactionBody(recordings.url('/ok/full.mp3')));

      // Assess
      expect(minimal).toEqual({
        status: 201,
        body: { interaction_id: expect.stringMatching(/^[\w-]{22}$/) },
      });
      expect(full.status).toBe(201);
    });
  });

  describe('with a directory of agents and queues', () => {
    const directory = {
      agents: [{ id: 'agent-1', email: 'ann.lee@example.com', displayName: 'Ann Lee' }],
      queues: [{ id: 'queue-1', name: 'Billing' }],
    };

    it.each([
      [{ interaction_info: { channel_type: 'voice', agent_id: 'nobody' } }, 'User does not exist: nobody.'],
      [
        { interaction_info: { channel_type: 'voice', agent_email: 'ghost@example.com' } },
        'User does not exist: ghost@example.com.',
      ],
      [{ queue_id: 'queue-404' }, 'Queue does not exist: queue-404.'],
    ])('answers 404 for an unknown agent or queue: %o', async (fields, message) => {
      // Prepare
      const { sim, token } = await start({ directory });

      // Act
      const response = await postInteraction(sim, token, {
        download_url: recordings.url('/ok/a.mp3'),
        ...fields,
      });

      // Assess
      expect(response).toEqual({ status: 404, body: { code: 1001, message } });
    });

    it('attributes the interaction to the directory agent and queue', async () => {
      // Prepare
      const { sim, token } = await start({ directory });
      const posted = await postInteraction(sim, token, {
        download_url: recordings.url('/ok/a.mp3'),
        interaction_info: { channel_type: 'voice', agent_email: 'ANN.LEE@example.com' },
        queue_id: 'queue-1',
      });
      await sim.control.downloadsSettled();
      clock.advance(hours(1));

      // Act
      const detail = await json(
        callApi(sim, token, `/qm/interactions/${String(posted.body.interaction_id)}`),
      );

      // Assess
      expect(detail.body).toMatchObject({
        queue_id: 'queue-1',
        queue_name: 'Billing',
        interaction_info: { agent_name: 'Ann Lee' },
        transcript_body: { host_id: 'agent-1' },
      });
    });
  });

  it('accepts any agent and queue when no directory is configured', async () => {
    // Prepare
    const { sim, token } = await start();

    // Act
    const response = await postInteraction(
      sim,
      token,
      interactionBody(recordings.url('/ok/a.mp3'), { queue_id: 'anything' }),
    );

    // Assess
    expect(response.status).toBe(201);
  });

  describe('Idempotency-Key', () => {
    it('in honour mode, the same key returns the same interaction and downloads once', async () => {
      // Prepare
      const { sim, token } = await start({ idempotency: { mode: 'honour' } });
      const body = interactionBody(recordings.url('/ok/idem.mp3'));

      // Act
      const first = await postInteraction(sim, token, body, { 'Idempotency-Key': 'key-1' });
      const again = await postInteraction(sim, token, body, { 'Idempotency-Key': 'key-1' });
      const other = await postInteraction(sim, token, body, { 'Idempotency-Key': 'key-2' });
      await sim.control.downloadsSettled();

      // Assess
      expect(again).toEqual(first);
      expect(other.body.interaction_id).not.toBe(first.body.interaction_id);
      expect(sim.inspect().interactions).toHaveLength(2);
      expect(sim.inspect().downloads).toHaveLength(2);
      expect(sim.inspect().idempotentReplays).toBe(1);
    });

    it('forgets a key after its lifetime', async () => {
      // Prepare
      const { sim, token } = await start({ idempotency: { mode: 'honour', keyTtlSeconds: 60 } });
      const body = interactionBody(recordings.url('/ok/idem.mp3'));
      const first = await postInteraction(sim, token, body, { 'Idempotency-Key': 'key-1' });
      clock.advance(60_000);

      // Act
      const later = await postInteraction(sim, token, body, { 'Idempotency-Key': 'key-1' });

      // Assess
      expect(later.status).toBe(201);
      expect(later.body.interaction_id).not.toBe(first.body.interaction_id);
    });

    it('in ignore mode, the same key creates a new interaction each time', async () => {
      // Prepare
      const { sim, token } = await start({ idempotency: { mode: 'ignore' } });
      const body = interactionBody(recordings.url('/ok/idem.mp3'));

      // Act
      const first = await postInteraction(sim, token, body, { 'Idempotency-Key': 'key-1' });
      const again = await postInteraction(sim, token, body, { 'Idempotency-Key': 'key-1' });

      // Assess
      expect(again.body.interaction_id).not.toBe(first.body.interaction_id);
      expect(sim.inspect().interactions).toHaveLength(2);
      expect(sim.inspect().idempotentReplays).toBe(0);
    });

    it('switches between the modes at run time', async () => {
      // Prepare
      const { sim, token } = await start({ idempotency: { mode: 'ignore' } });
      const body = interactionBody(recordings.url('/ok/idem.mp3'));
      const modes = sim.control.setModes({ idempotency: 'honour' });

      // Act
      const first = await postInteraction(sim, token, body, { 'Idempotency-Key': 'key-9' });
      const again = await postInteraction(sim, token, body, { 'Idempotency-Key': 'key-9' });

      // Assess
      expect(modes.idempotency).toBe('honour');
      expect(again.body.interaction_id).toBe(first.body.interaction_id);
    });
  });
});
