import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PollMetric } from '../../../shared/polling/metrics.ts';
import { type PollingPipeline, startPollingPipeline } from '../../helpers/polling-pipeline.ts';
import { POLLING_TEST_SCENARIO } from '../../helpers/polling-scenario.ts';

/**
 * A 429 storm: Zoom allows two LIGHT and one MEDIUM call per second while several recordings are
 * polled at once. The refused polls wait Retry-After and do not count; every recording still ends.
 */

const RECORDINGS = 4;

let pipeline: PollingPipeline;

beforeAll(async () => {
  pipeline = await startPollingPipeline({
    scenario: {
      ...POLLING_TEST_SCENARIO,
      rateLimits: { limits: { LIGHT: { perSecond: 2 }, MEDIUM: { perSecond: 1 } } },
    },
  });
});

afterAll(async () => {
  await pipeline?.stop();
});

describe('a storm of 429s', () => {
  it('delays the recordings without failing any', { timeout: 60_000 }, async () => {
    // Prepare
    const submitted = await Promise.all(
      Array.from({ length: RECORDINGS }, () => pipeline.submit(`calls/storm/completed-${randomUUID()}.mp3`)),
    );

    // Act
    const finished = await Promise.all(
      submitted.map((recording) => pipeline.waitForEnd(recording.recordingId, 50_000)),
    );

    // Assess
    expect(finished.map((recording) => recording.status)).toEqual(
      Array.from({ length: RECORDINGS }, () => 'EVALUATED'),
    );
    expect(pipeline.simulator.inspect().rateLimited.total).toBeGreaterThan(0);
    const refusedPolls = pipeline.logs.withMessage('Poll refused by a rate limit; checking again later');
    expect(refusedPolls.length).toBeGreaterThan(0);
    expect(refusedPolls.every((line) => Number(line.fields['retryAfterMs']) > 0)).toBe(true);
    expect(pipeline.metrics.total(PollMetric.zoomRateLimited, { source: 'zoom' })).toBe(refusedPolls.length);
    expect(await pipeline.dlqMessages()).toEqual([]);
    for (const recording of finished) {
      const [notification] = await pipeline.notifications(recording.recordingId);
      const polls: number = JSON.parse(notification?.message ?? '{}').details.polls;
      const waits = pipeline.logs
        .withMessage('Poll decided')
        .filter((line) => line.fields['recordingId'] === recording.recordingId)
        .filter((line) => (line.fields['decision'] as { action: string }).action === 'wait').length;
      // A refused poll does not count: the counted polls are those that ended in a wait, plus the last.
      expect(polls).toBe(waits + 1);
    }
  });
});
