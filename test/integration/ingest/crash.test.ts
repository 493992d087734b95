import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordingStore } from '../../../shared/ingest/ports.ts';
import { type IngestPipeline, startIngestPipeline } from '../../helpers/ingest-pipeline.ts';

/**
 * A crash between the POST and its record (the state write after a successful POST fails once,
 * the invocation reports the message failed, SQS redelivers it) never yields two interactions,
 * whether Zoom honours Idempotency-Key or not.
 */

/** The state table, with the first write to SUBMITTED failing as if the container died right after the POST. */
function crashingOnceAfterPost(store: RecordingStore): RecordingStore {
  let crashed = false;
  return {
    claim: (input) => store.claim(input),
    get: (recordingId) => store.get(recordingId),
    updateIngestWork: (current, work) => store.updateIngestWork(current, work),
    findByInteraction: (accountId, interactionId) => store.findByInteraction(accountId, interactionId),
    transition: async (current, transition) => {
      if (transition.to === 'SUBMITTED' && !crashed) {
        crashed = true;
        throw new Error('simulated crash between the POST and its record');
      }
      return store.transition(current, transition);
    },
  };
}

const KEY = 'calls/2026-11-24/jane.doe@example.com/inbound-crash.mp3';
let pipeline: IngestPipeline | undefined;

afterEach(async () => {
  await pipeline?.stop();
  pipeline = undefined;
});

describe('a crash between the POST and its record', () => {
  it('is recovered by posting again with the same key where Zoom honours it: one interaction', async () => {
    // Prepare
    pipeline = await startIngestPipeline({
      scenario: { idempotency: { mode: 'honour' } },
      profile: { honoursIdempotencyKey: true },
      runtime: { recordings: crashingOnceAfterPost },
      visibilityTimeoutSeconds: 2,
    });

    // Act
    await pipeline.put(KEY, randomBytes(1024));
    const [recording] = await pipeline.waitForRecordings((all) =>
      all.some((item) => item.status === 'SUBMITTED'),
    );

    // Assess
    const snapshot = pipeline.simulator.inspect();
    expect(snapshot.calls.addInteraction.byStatus).toEqual({ '201': 2 });
    expect(snapshot.idempotentReplays).toBe(1);
    expect(snapshot.interactions.filter((item) => item.source === 'api').map((item) => item.id)).toEqual([
      recording?.interactionId,
    ]);
    expect(await pipeline.dlqMessages()).toEqual([]);
  });

  it('finds the interaction in Zoom instead of posting again where Zoom ignores the key: one interaction, adopted', async () => {
    // Prepare
    pipeline = await startIngestPipeline({
      // Zoom lists the interaction once analysed, 1.2 s after its download here.
      scenario: { idempotency: { mode: 'ignore' }, processing: { timeScale: 0.01, analysis: 120 } },
      profile: { honoursIdempotencyKey: false },
      ingest: { uncertainPost: { patienceSeconds: 120, minRecheckSeconds: 1, maxRecheckSeconds: 2 } },
      runtime: { recordings: crashingOnceAfterPost },
      visibilityTimeoutSeconds: 2,
    });

    // Act
    await pipeline.put(KEY, randomBytes(1024), { metadata: { 'start-time': '2026-11-24T09:45:00Z' } });
    const [recording] = await pipeline.waitForRecordings((all) =>
      all.some((item) => item.status === 'SUBMITTED'),
    );

    // Assess
    const snapshot = pipeline.simulator.inspect();
    const created = snapshot.interactions.filter((item) => item.source === 'api');
    expect(snapshot.calls.addInteraction.total).toBe(1);
    expect(snapshot.calls.listInteractions.total).toBeGreaterThanOrEqual(1);
    expect(created.map((item) => item.id)).toEqual([recording?.interactionId]);
    expect(recording?.history.map((entry) => entry.to)).toEqual(['RECEIVED', 'SUBMITTING', 'SUBMITTED']);
    expect(await pipeline.dlqMessages()).toEqual([]);
  });

  it('ends NEEDS_REVIEW at once, never posting again, when the recording has no start time to match on', async () => {
    // Prepare
    pipeline = await startIngestPipeline({
      scenario: { idempotency: { mode: 'ignore' } },
      profile: { honoursIdempotencyKey: false },
      runtime: { recordings: crashingOnceAfterPost },
      visibilityTimeoutSeconds: 2,
    });

    // Act
    await pipeline.put(KEY, randomBytes(1024));
    const [recording] = await pipeline.waitForRecordings((all) =>
      all.some((item) => item.status === 'NEEDS_REVIEW'),
    );

    // Assess
    const snapshot = pipeline.simulator.inspect();
    expect(snapshot.calls.addInteraction.total).toBe(1);
    expect(snapshot.interactions.filter((item) => item.source === 'api')).toHaveLength(1);
    expect(recording?.reason).toMatch(
      /does not honour Idempotency-Key, so posting again could create a duplicate/,
    );
    expect(recording?.reason).toContain('Without start time');
    expect(await pipeline.dlqMessages()).toEqual([]);
  });
});
