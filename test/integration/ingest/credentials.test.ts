import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type IngestPipeline, startIngestPipeline } from '../../helpers/ingest-pipeline.ts';

/** Credentials Zoom no longer accepts (a rotated or revoked client secret) fail fast, alert-worthy, with no loop. */

let pipeline: IngestPipeline;

beforeAll(async () => {
  pipeline = await startIngestPipeline({
    secret: {
      account_id: 'simAccount0000000000001',
      client_id: 'simClientId00000000001',
      client_secret: 'revoked-secret',
    },
  });
});

afterAll(async () => {
  await pipeline.stop();
});

describe('revoked Zoom credentials', () => {
  it('end the recording FAILED at once with a reason a person can act on', async () => {
    // Prepare
    const key = 'calls/2026-11-24/jane.doe@example.com/inbound-revoked.mp3';

    // Act
    await pipeline.put(key, randomBytes(512));
    const [recording] = await pipeline.waitForRecordings((all) =>
      all.some((item) => item.key === key && item.status === 'FAILED'),
    );
    // The message is deleted once the handler returns, after it published the alert: no re-send, no retry loop.
    await eventually(
      async () => (await pipeline.ingestQueueDepth()) === 0,
      10_000,
      'the ingest queue to drain',
    );

    // Assess
    expect(recording?.reason).toMatch(
      /^Zoom refused qm-ingest's credentials for Zoom profile main: .*Fix the Server-to-Server OAuth app or the secret/,
    );
    expect(recording?.reason).not.toContain('revoked-secret');
    const snapshot = pipeline.simulator.inspect();
    expect(snapshot.calls.requestToken.byStatus).toEqual({ '400': 1 });
    expect(snapshot.calls.addInteraction.total).toBe(0);
    expect(pipeline.metrics.total('RecordingsFailed', { reason: 'zoom-credentials' })).toBe(1);
    expect(await pipeline.topics.alerts(recording?.recordingId)).toHaveLength(1);
    expect(await pipeline.dlqMessages()).toEqual([]);
  });
});
