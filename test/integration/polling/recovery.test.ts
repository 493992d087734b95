import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PollServiceDependencies } from '../../../shared/polling/poller.ts';
import { isTerminal } from '../../../shared/recordings/state-machine.ts';
import { type PollingPipeline, startPollingPipeline } from '../../helpers/polling-pipeline.ts';

/**
 * What the reconciler recovers: a poll message that never arrives, and a poller that dies between
 * the terminal state write and the publish of its notification.
 */

const CRASH_MARK = 'crash-after-write';

/**
 * The state table as a poller sees it when its process dies right after writing a final status:
 * the write lands, then the invocation fails (once per recording whose key carries the mark).
 */
function crashingAfterTerminalWrite(
  repository: PollServiceDependencies['repository'],
): PollServiceDependencies['repository'] {
  const crashed = new Set<string>();
  return {
    get: (recordingId) => repository.get(recordingId),
    schedulePoll: (current, schedule) => repository.schedulePoll(current, schedule),
    setResults: (recordingId, results) => repository.setResults(recordingId, results),
    setLateEvaluationCheck: (current, check) => repository.setLateEvaluationCheck(current, check),
    async transition(current, transition) {
      const written = await repository.transition(current, transition);
      if (
        isTerminal(transition.to) &&
        current.key.includes(CRASH_MARK) &&
        !crashed.has(current.recordingId)
      ) {
        crashed.add(current.recordingId);
        throw new Error('Simulated crash: the poller died after writing the final status');
      }
      return written;
    },
  };
}

let pipeline: PollingPipeline;

beforeAll(async () => {
  pipeline = await startPollingPipeline({ pollRuntime: { recordings: crashingAfterTerminalWrite } });
});

afterAll(async () => {
  await pipeline?.stop();
});

describe('the reconciler', () => {
  it('recovers a lost poll message: the recording is re-queued and reaches its end', async () => {
    // Prepare
    const submitted = await pipeline.submit(`calls/recovery/lost-${randomUUID()}.mp3`, {
      loseFirstPoll: true,
    });

    // Act
    const finished = await pipeline.waitForEnd(submitted.recordingId);

    // Assess
    expect(finished.status).toBe('EVALUATED');
    const requeued = pipeline.logs
      .withMessage('Overdue poll re-queued')
      .filter((line) => line.fields['recordingId'] === submitted.recordingId);
    expect(requeued.length).toBeGreaterThanOrEqual(1);
    expect(requeued[0]?.fields['wasDueAt']).toBe(submitted.poll.nextPollDueAt);
    expect(await pipeline.notifications(finished.recordingId)).toHaveLength(1);
  });

  it('publishes the notification of a poller that crashed between the state write and the publish', async () => {
    // Prepare
    const submitted = await pipeline.submit(`calls/recovery/${CRASH_MARK}-${randomUUID()}.mp3`);
    const finished = await pipeline.waitForEnd(submitted.recordingId);

    // Act: the reconciler's next runs find the notification pending.
    const deadline = Date.now() + 15_000;
    while ((await pipeline.outboxEntry(finished))?.state !== 'SENT' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }

    // Assess
    expect(finished.status).toBe('EVALUATED');
    expect(
      pipeline.logs
        .withMessage('Poll failed; the message will be retried')
        .some((line) => line.fields['recordingId'] === submitted.recordingId),
    ).toBe(true);
    expect((await pipeline.outboxEntry(finished))?.state).toBe('SENT');
    const published = await pipeline.notifications(finished.recordingId);
    expect(published).toHaveLength(1);
    expect(JSON.parse(published[0]?.message ?? '{}')).toMatchObject({
      notificationId: `${finished.recordingId}-1`,
      status: 'EVALUATED',
    });
  });
});
