import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PollScheduler } from '../../../shared/polling/ports.ts';
import { maxPollsWithin } from '../../../shared/polling/schedule.ts';
import { type PollingPipeline, startPollingPipeline } from '../../helpers/polling-pipeline.ts';

/**
 * Every poll message sent five times (SQS delivers at least once; here, always five times): the
 * poll claim and the poll sequence in DynamoDB must keep the Zoom calls to what the schedule
 * makes, and the notification to one. One recording per simulator, so its counters are the
 * recording's.
 */

const COPIES = 5;

/** A scheduler that sends every message five times. */
function fiveTimes(scheduler: PollScheduler): PollScheduler {
  return {
    async schedule(recording) {
      for (let copy = 0; copy < COPIES; copy += 1) {
        await scheduler.schedule(recording);
      }
    },
  };
}

let pipeline: PollingPipeline;

beforeAll(async () => {
  pipeline = await startPollingPipeline({ scheduler: fiveTimes });
});

afterAll(async () => {
  await pipeline?.stop();
});

describe('every poll message duplicated five times', () => {
  it("keeps Zoom calls within the policy's count + 1 and yields one notification", async () => {
    // Prepare
    const submitted = await pipeline.submit(`calls/duplicates/completed-${randomUUID()}.mp3`);
    const calls = () => pipeline.simulator.inspect().calls;

    // Act
    const finished = await pipeline.waitForEnd(submitted.recordingId);

    // Assess
    expect(finished.status).toBe('EVALUATED');
    const published = await pipeline.notifications(finished.recordingId);
    expect(published).toHaveLength(1);
    const polls: number = JSON.parse(published[0]?.message ?? '{}').details.polls;
    const policyCount = maxPollsWithin(
      finished.statusChangedAt - submitted.statusChangedAt,
      pipeline.config.settings.polling,
    );
    expect(polls).toBeLessThanOrEqual(policyCount);
    expect(calls().listAutomatedEvaluations.total).toBeLessThanOrEqual(polls + 1);
    expect(calls().getInteraction.total).toBeLessThanOrEqual(polls + 1);
    expect(
      pipeline.logs.withMessage('Stale or duplicate poll message dropped').length,
    ).toBeGreaterThanOrEqual((COPIES - 1) * polls);
  });
});
