import { describe, expect, it } from 'vitest';
import { RetryableError } from '../../../shared/errors.ts';
import { InMemoryMetrics } from '../../../shared/observability/metrics.ts';
import { PollMetric } from '../../../shared/polling/metrics.ts';
import type { LateCheckMessage } from '../../../shared/polling/poll-message.ts';
import { Reconciler } from '../../../shared/polling/reconciler.ts';
import type { Notification } from '../../../shared/recordings/notification.ts';
import type { Recording } from '../../../shared/recordings/recording.ts';
import { RecordingPublisher } from '../../helpers/polling-publisher.ts';
import { RecordingScheduler, TestClock } from './support/fakes.ts';
import { aSubmittedRecording, HOUR, MINUTE, pollSettings, SUBMITTED_AT } from './support/fixtures.ts';
import { InMemoryRecordings } from './support/in-memory-recordings.ts';
import { lateChecksOf, stuckWatchOf } from './support/status-index.ts';

/**
 * The due-poll and status indexes over the recordings as they were when listed (an index lags its
 * items): SUBMITTED ones due by `dueBy`, most overdue first; those of a status within a range.
 */
function indexesOf(listed: readonly Recording[], store: InMemoryRecordings) {
  return {
    lateChecksDue: lateChecksOf(() => listed.map((recording) => store.current(recording.recordingId))),
    async *duePolls(dueBy: number): AsyncGenerator<Recording> {
      yield* listed
        .filter(
          (recording) => recording.poll.nextPollDueAt !== undefined && recording.poll.nextPollDueAt <= dueBy,
        )
        .sort((left, right) => (left.poll.nextPollDueAt ?? 0) - (right.poll.nextPollDueAt ?? 0));
    },
    stuckCandidates: stuckWatchOf(listed),
  };
}

class PendingOutbox extends RecordingPublisher {
  readonly pendingRuns: { limit: number; createdBefore: number }[] = [];

  async publishPending(run: { limit: number; createdBefore: number }) {
    this.pendingRuns.push({ limit: run.limit, createdBefore: run.createdBefore });
    return { published: 2, failed: 1 };
  }
}

function reconcilerHarness(recordings: readonly Recording[], now: number) {
  const clock = new TestClock(now);
  const store = new InMemoryRecordings(clock, ...recordings);
  const scheduler = new RecordingScheduler();
  const publisher = new PendingOutbox();
  const metrics = new InMemoryMetrics();
  const settings = pollSettings({
    reconciler: {
      overdueSlackSeconds: 120,
      maxPollsPerRun: 3,
      maxNotificationsPerRun: 50,
      notificationMinAgeSeconds: 60,
    },
  });
  const lateChecks: LateCheckMessage[] = [];
  const reconciler = new Reconciler({
    queries: indexesOf(recordings, store),
    repository: store,
    scheduler,
    lateChecks: { send: async (message) => void lateChecks.push(message) },
    publisher,
    settings,
    clock,
    metrics,
  });
  return { clock, store, scheduler, publisher, metrics, reconciler, lateChecks, settings };
}

function dueAt(id: string, nextPollDueAt: number, deadlineAt = SUBMITTED_AT + 24 * HOUR): Recording {
  return aSubmittedRecording({
    recordingId: id,
    poll: { pollSeq: 7, attempts: 3, nextPollDueAt, deadlineAt },
  });
}

describe('the reconciler, for late manual evaluations (no webhooks)', () => {
  const finishedAwaiting = (id: string, nextAt: number, until: number): Recording =>
    aSubmittedRecording({
      recordingId: id,
      status: 'EVALUATED',
      poll: { pollSeq: 9, attempts: 4, deadlineAt: SUBMITTED_AT + 24 * HOUR },
      lateEvaluationCheck: { nextAt, until },
    });

  it('queues a finished recording whose check is due and moves its next check on', async () => {
    // Prepare
    const now = SUBMITTED_AT + 48 * HOUR;
    const until = now + 10 * 24 * HOUR;
    const harness = reconcilerHarness(
      [finishedAwaiting('due', now - MINUTE, until), finishedAwaiting('later', now + HOUR, until)],
      now,
    );

    // Act
    const summary = await harness.reconciler.run();
    const again = await harness.reconciler.run();

    // Assess
    expect(summary).toMatchObject({ lateChecksQueued: 1, lateChecksEnded: 0 });
    expect(harness.lateChecks).toEqual([{ kind: 'late-check', recordingId: 'due', dueAt: now }]);
    expect(harness.store.current('due').lateEvaluationCheck).toEqual({
      nextAt: now + harness.settings.lateEvaluations.intervalSeconds * 1_000,
      until,
    });
    expect(again).toMatchObject({ lateChecksQueued: 0 });
  });

  it('ends a check whose window is over, without a Zoom look', async () => {
    // Prepare
    const now = SUBMITTED_AT + 30 * 24 * HOUR;
    const harness = reconcilerHarness([finishedAwaiting('expired', now - HOUR, now - MINUTE)], now);

    // Act
    const summary = await harness.reconciler.run();

    // Assess
    expect(summary).toMatchObject({ lateChecksQueued: 0, lateChecksEnded: 1 });
    expect(harness.lateChecks).toEqual([]);
    expect(harness.store.current('expired').lateEvaluationCheck).toBeUndefined();
  });
});

describe('the reconciler', () => {
  it('re-queues a poll overdue by more than the slack, moving its sequence on so the lost message is stale', async () => {
    // Prepare
    const now = SUBMITTED_AT + HOUR;
    const harness = reconcilerHarness([dueAt('lost', now - 10 * MINUTE)], now);

    // Act
    const summary = await harness.reconciler.run();

    // Assess
    expect(summary).toMatchObject({ requeued: 1, timedOut: 0, skipped: 0, failed: 0 });
    expect(harness.store.current('lost').poll).toMatchObject({ pollSeq: 8, attempts: 3, nextPollDueAt: now });
    expect(harness.scheduler.scheduled.map((recording) => recording.poll.pollSeq)).toEqual([8]);
    expect(harness.metrics.total(PollMetric.requeuedPolls)).toBe(1);
  });

  it('leaves alone a poll due within the slack (its message is on its way)', async () => {
    // Prepare
    const now = SUBMITTED_AT + HOUR;
    const harness = reconcilerHarness([dueAt('on-time', now - MINUTE)], now);

    // Act
    const summary = await harness.reconciler.run();

    // Assess
    expect(summary.requeued).toBe(0);
    expect(harness.scheduler.scheduled).toEqual([]);
  });

  it('ends a recording past its deadline TIMED_OUT and publishes its notification', async () => {
    // Prepare
    const deadline = SUBMITTED_AT + 24 * HOUR;
    const harness = reconcilerHarness([dueAt('forgotten', deadline, deadline)], deadline + 10 * MINUTE);

    // Act
    const summary = await harness.reconciler.run();

    // Assess
    expect(summary.timedOut).toBe(1);
    expect(harness.store.current('forgotten').status).toBe('TIMED_OUT');
    expect(harness.store.outbox.map((notification: Notification) => notification.status)).toEqual([
      'TIMED_OUT',
    ]);
    expect(harness.publisher.published.map((notification) => notification.recordingId)).toEqual([
      'forgotten',
    ]);
    expect(harness.metrics.total(PollMetric.timedOut)).toBe(1);
  });

  it('does bounded work: at most maxPollsPerRun recordings, the most overdue first', async () => {
    // Prepare
    const now = SUBMITTED_AT + 2 * HOUR;
    const recordings = [5, 50, 30, 40, 20].map((minutes) => dueAt(`r-${minutes}`, now - minutes * MINUTE));
    const harness = reconcilerHarness(recordings, now);

    // Act
    const summary = await harness.reconciler.run();

    // Assess
    expect(summary.requeued).toBe(3);
    expect(harness.scheduler.scheduled.map((recording) => recording.recordingId)).toEqual([
      'r-50',
      'r-40',
      'r-30',
    ]);
  });

  it('stops early when the function runs out of time', async () => {
    // Prepare
    const now = SUBMITTED_AT + 2 * HOUR;
    const harness = reconcilerHarness([dueAt('a', now - HOUR), dueAt('b', now - HOUR)], now);
    let asked = 0;

    // Act
    const summary = await harness.reconciler.run({ shouldStop: () => ++asked > 1 });

    // Assess
    expect(summary.requeued).toBe(1);
  });

  it('skips a recording moved by someone else since it was listed, and goes on after a failure', async () => {
    // Prepare
    const now = SUBMITTED_AT + 2 * HOUR;
    const harness = reconcilerHarness(
      [dueAt('moved', now - HOUR), dueAt('failing', now - 50 * MINUTE), dueAt('fine', now - 40 * MINUTE)],
      now,
    );
    const listed = harness.store.current('moved');
    harness.store.put({ ...listed, poll: { ...listed.poll, pollSeq: 99 } });
    const original = harness.scheduler.schedule.bind(harness.scheduler);
    harness.scheduler.schedule = async (recording) => {
      if (recording.recordingId === 'failing')
        throw new RetryableError('SQS SendMessage failed: InternalError');
      await original(recording);
    };

    // Act
    const summary = await harness.reconciler.run();

    // Assess
    expect(summary).toMatchObject({ requeued: 1, skipped: 1, failed: 1 });
    expect(harness.scheduler.scheduled.map((recording) => recording.recordingId)).toEqual(['fine']);
    expect(harness.store.current('moved').poll.pollSeq).toBe(99);
  });

  it('publishes pending notifications older than the minimum age, up to the limit', async () => {
    // Prepare
    const now = SUBMITTED_AT + HOUR;
    const harness = reconcilerHarness([], now);

    // Act
    const summary = await harness.reconciler.run();

    // Assess
    expect(harness.publisher.pendingRuns).toEqual([{ limit: 50, createdBefore: now - MINUTE }]);
    expect(summary).toMatchObject({ notificationsPublished: 2, notificationsFailed: 1 });
  });

  it('also ends the recordings stuck before submission, reporting them in its summary', async () => {
    // Prepare
    const now = SUBMITTED_AT + 8 * HOUR;
    const stuck = aSubmittedRecording({
      recordingId: 'stuck',
      status: 'SUBMITTING',
      statusChangedAt: SUBMITTED_AT,
      updatedAt: SUBMITTED_AT,
      ingestWork: { ownerDelivery: 'message-1', mayHavePosted: true },
    });
    const harness = reconcilerHarness([stuck, dueAt('lost', now - 10 * MINUTE, now + HOUR)], now);

    // Act
    const summary = await harness.reconciler.run();

    // Assess
    expect(summary).toMatchObject({ requeued: 1, stuckEnded: 1, stuckLeftAlone: 0 });
    expect(harness.store.current('stuck').status).toBe('NEEDS_REVIEW');
    expect(harness.publisher.published.map((notification) => notification.status)).toEqual(['NEEDS_REVIEW']);
  });
});
