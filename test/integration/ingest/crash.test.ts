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

  it('ends NEEDS_REVIEW instead of posting again where Zoom ignores the key: one interaction', async () => {
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
    expect(snapshot.calls.listInteractions.total).toBeGreaterThanOrEqual(1);
    expect(snapshot.interactions.filter((item) => item.source === 'api')).toHaveLength(1);
    expect(recording?.reason).toMatch(
      /does not honour Idempotency-Key, so posting again could create a duplicate/,
    );
    expect(await pipeline.dlqMessages()).toEqual([]);
  });
});
