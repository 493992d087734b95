import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { parseQueueMessage } from '../../../shared/ingest/events.ts';
import { IngestMetric } from '../../../shared/ingest/outcomes.ts';
import { eventually, type IngestPipeline, startIngestPipeline } from '../../helpers/ingest-pipeline.ts';

/**
 * Zoom's rate limits delay recordings, never fail them: a storm of per-second 429s is waited out
 * with re-sends, and a daily limit holds a recording until Zoom's reset at midnight UTC, its
 * re-sends carrying that due time.
 */

let pipeline: IngestPipeline | undefined;

afterEach(async () => {
  await pipeline?.stop();
  pipeline = undefined;
});

/** A clock that stands still until the test moves it. */
class StillClock {
  #now: number;

  constructor(start: string) {
    this.#now = Date.parse(start);
  }

  now(): number {
    return this.#now;
  }

  advance(ms: number): void {
    this.#now += ms;
  }
}

describe('rate limits', () => {
  it('a 429 storm delays the recordings without failing any', { timeout: 60_000 }, async () => {
    // Prepare
    pipeline = await startIngestPipeline({
      scenario: { rateLimits: { limits: { HEAVY: { perSecond: 1 } } } },
      ingest: { retries: { rateLimitJitterSeconds: 1 } },
    });
    const keys = Array.from(
      { length: 6 },
      (_, index) => `calls/2026-11-24/jane.doe@example.com/inbound-storm-${index}.mp3`,
    );

    // Act
    await Promise.all(keys.map((key) => pipeline?.put(key, randomBytes(512))));
    const recordings = await pipeline.waitForRecordings(
      (all) => all.filter((item) => item.status === 'SUBMITTED').length === keys.length,
      45_000,
    );

    // Assess
    const snapshot = pipeline.simulator.inspect();
    expect(snapshot.rateLimited.qps.HEAVY).toBeGreaterThan(0);
    expect(snapshot.calls.addInteraction.byStatus['201']).toBe(keys.length);
    expect(new Set(recordings.map((item) => item.interactionId)).size).toBe(keys.length);
    expect(pipeline.metrics.total(IngestMetric.delayed, { cause: 'rate-limited' })).toBeGreaterThan(0);
    expect(pipeline.metrics.total(IngestMetric.failed)).toBe(0);
    expect(await pipeline.dlqMessages()).toEqual([]);
  });

  it('a daily-limit 429 holds the recording until the reset, without failing it', {
    timeout: 60_000,
  }, async () => {
    // Prepare: one POST a day, one second before Zoom's midnight UTC reset; the clock only moves when told.
    const clock = new StillClock('2026-11-24T23:59:59Z');
    const reset = Date.parse('2026-11-25T00:00:00Z');
    pipeline = await startIngestPipeline({
      clock,
      scenario: { rateLimits: { limits: { HEAVY: { perSecond: null, perDay: 1 } } } },
      ingest: { retries: { rateLimitJitterSeconds: 0 } },
    });
    await pipeline.put('calls/2026-11-24/jane.doe@example.com/inbound-first.mp3', randomBytes(512));
    await pipeline.waitForRecordings((all) => all.some((item) => item.status === 'SUBMITTED'));
    const heldKey = 'calls/2026-11-24/jane.doe@example.com/inbound-held.mp3';

    // Act: the second recording meets the daily limit, and is re-sent while its due time has not come.
    await pipeline.put(heldKey, randomBytes(512));
    const resends = () =>
      (pipeline?.delivered ?? [])
        .map(parseQueueMessage)
        .flatMap((message) =>
          message.kind === 'retry' && message.retry.object.key === heldKey ? [message.retry] : [],
        );
    await eventually(() => resends().length >= 2, 20_000, 'the held recording to be re-sent twice');
    const [held] = (await pipeline.recordings()).filter((item) => item.key === heldKey);
    const refusedBeforeReset = pipeline.simulator.inspect().calls.addInteraction.byStatus['429'];
    clock.advance(2_000);
    const recordings = await pipeline.waitForRecordings((all) =>
      all.some((item) => item.key === heldKey && item.status === 'SUBMITTED'),
    );

    // Assess
    expect(resends().slice(0, 2)).toMatchObject([
      { cause: 'rate-limited', dueAt: reset, recordingId: held?.recordingId },
      { cause: 'rate-limited', dueAt: reset, recordingId: held?.recordingId },
    ]);
    expect(held?.status).toBe('SUBMITTING');
    // The hold is on the recording itself, so the reconciler's sweep of stuck recordings leaves it be;
    // and nothing reached Zoom, so posting again at the reset is safe on any account.
    expect(held?.ingestWork).toMatchObject({
      mayHavePosted: false,
      waiting: { until: reset, cause: 'rate-limited' },
    });
    expect(refusedBeforeReset).toBe(1);
    expect(pipeline.simulator.inspect().rateLimited.daily.HEAVY).toBe(1);
    expect(recordings.filter((item) => item.status === 'SUBMITTED')).toHaveLength(2);
    expect(pipeline.metrics.total(IngestMetric.failed)).toBe(0);
    expect(await pipeline.dlqMessages()).toEqual([]);
  });
});
