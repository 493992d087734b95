import type { Clock } from '../clock.ts';
import type { PollSettings } from '../config/polling.ts';
import { finishedDetails } from '../notify/details.ts';
import type { OutboxPublisher } from '../notify/outbox-publisher.ts';
import { type Instrumented, InstrumentedService } from '../observability/instrumented.ts';
import { recordingKeys } from '../observability/logger.ts';
import { pendingNotificationFor } from '../recordings/notification.ts';
import type { RecordingQueries } from '../recordings/queries.ts';
import type { Recording } from '../recordings/recording.ts';
import type { RecordingRepository } from '../recordings/repository.ts';
import { exportEnding, type ResultsExportPort } from '../results/bi-export.ts';
import { formatDuration } from './decision.ts';
import { PollMetric } from './metrics.ts';
import type { LateCheckMessage } from './poll-message.ts';
import { isLostRace } from './poll-recording.ts';
import type { PollScheduler } from './ports.ts';
import { StuckRecordingSweep, type StuckSweepSummary } from './stuck-sweep.ts';

/**
 * The safety net, run on a schedule. Every SUBMITTED recording carries its next poll's due time in
 * the due-poll index (never after its deadline), so this finds every one whose poll went missing:
 * a lost message, a crash between the state write and the enqueue, a poller that died holding a
 * poll, a message in the DLQ. It re-queues those through the repository (the poll sequence moves
 * on, so the lost message, should it come back, is stale) and ends those past their deadline
 * TIMED_OUT: nothing stays SUBMITTED forever. It then ends the recordings stuck before submission
 * (stuck-sweep.ts: nothing stays RECEIVED, SUBMITTING or RESUBMITTED forever either), and
 * publishes the notifications still pending in the outbox. Work per run is bounded (counts, and
 * the time the function has left).
 */

export interface ReconcilerDependencies extends Instrumented {
  readonly queries: Pick<RecordingQueries, 'duePolls' | 'stuckCandidates' | 'lateChecksDue'>;
  readonly repository: Pick<RecordingRepository, 'schedulePoll' | 'transition' | 'setLateEvaluationCheck'>;
  readonly scheduler: PollScheduler;
  /** Where finished recordings due a look for late manual evaluations go: the poll queue. */
  readonly lateChecks: { send(message: LateCheckMessage): Promise<void> };
  readonly publisher: Pick<OutboxPublisher, 'publishPending' | 'publishOrLeavePending'>;
  /** Writes each ending to the BI export; absent when the environment turned it off. */
  readonly exporter?: ResultsExportPort | undefined;
  readonly settings: PollSettings;
  readonly clock: Clock;
}

export interface ReconcileOptions {
  /** Asked before each item: true ends the run early (the function is running out of time). */
  readonly shouldStop?: (() => boolean) | undefined;
}

export interface ReconcileSummary extends StuckSweepSummary {
  /** Overdue polls put back on the queue. */
  readonly requeued: number;
  /** Recordings ended TIMED_OUT past their deadline. */
  readonly timedOut: number;
  /** Overdue recordings another writer moved first. */
  readonly skipped: number;
  /** Overdue recordings this run could not handle (the next run tries again). */
  readonly failed: number;
  readonly notificationsPublished: number;
  readonly notificationsFailed: number;
  /** Finished recordings queued for a look at their late manual evaluations, and checks ended at their window's end. */
  readonly lateChecksQueued: number;
  readonly lateChecksEnded: number;
}

type ItemOutcome = 'requeued' | 'timedOut' | 'skipped' | 'failed';

export class Reconciler extends InstrumentedService<ReconcilerDependencies> {
  readonly #stuck: StuckRecordingSweep;

  constructor(dependencies: ReconcilerDependencies) {
    super(dependencies);
    this.#stuck = new StuckRecordingSweep({
      queries: dependencies.queries,
      repository: dependencies.repository,
      publisher: dependencies.publisher,
      exporter: dependencies.exporter,
      settings: dependencies.settings.reconciler.stuck,
      clock: dependencies.clock,
      logger: this.logger,
      metrics: this.metrics,
    });
  }

  async run(options: ReconcileOptions = {}): Promise<ReconcileSummary> {
    const { reconciler } = this.deps.settings;
    const now = this.deps.clock.now();
    const counts: Record<ItemOutcome, number> = { requeued: 0, timedOut: 0, skipped: 0, failed: 0 };
    let handled = 0;
    for await (const recording of this.deps.queries.duePolls(now - reconciler.overdueSlackSeconds * 1_000)) {
      if (handled >= reconciler.maxPollsPerRun || options.shouldStop?.() === true) {
        break;
      }
      handled += 1;
      counts[await this.#reconcile(recording)] += 1;
    }
    const stuck = await this.#stuck.run(options.shouldStop);
    const lateChecks = await this.#queueLateChecks(options.shouldStop);
    const notifications = await this.deps.publisher.publishPending({
      limit: reconciler.maxNotificationsPerRun,
      createdBefore: this.deps.clock.now() - reconciler.notificationMinAgeSeconds * 1_000,
      shouldStop: options.shouldStop,
    });
    this.metrics.count(PollMetric.requeuedPolls, counts.requeued);
    this.metrics.count(PollMetric.reconcilerTimedOut, counts.timedOut);
    const summary: ReconcileSummary = {
      ...counts,
      ...stuck,
      notificationsPublished: notifications.published,
      notificationsFailed: notifications.failed,
      ...lateChecks,
    };
    this.logger.info('Reconciler run finished', { ...summary });
    return summary;
  }

  /**
   * Finished recordings whose next look for late manual evaluations is due (accounts without
   * webhooks): each is moved to its next look, then queued for the poll function, which reads
   * Zoom; past its window, its check ends. Bounded per run; one failure never stops the others.
   */
  async #queueLateChecks(
    shouldStop: (() => boolean) | undefined,
  ): Promise<Pick<ReconcileSummary, 'lateChecksQueued' | 'lateChecksEnded'>> {
    const { lateEvaluations } = this.deps.settings;
    const counts = { lateChecksQueued: 0, lateChecksEnded: 0 };
    let handled = 0;
    for await (const recording of this.deps.queries.lateChecksDue(this.deps.clock.now())) {
      const check = recording.lateEvaluationCheck;
      if (handled >= lateEvaluations.maxPerRun || shouldStop?.() === true) {
        break;
      }
      handled += 1;
      if (check === undefined) {
        continue;
      }
      const now = this.deps.clock.now();
      try {
        if (now >= check.until) {
          await this.deps.repository.setLateEvaluationCheck(recording, undefined);
          counts.lateChecksEnded += 1;
          continue;
        }
        await this.deps.repository.setLateEvaluationCheck(recording, {
          nextAt: Math.min(check.until, now + lateEvaluations.intervalSeconds * 1_000),
          until: check.until,
        });
        await this.deps.lateChecks.send({
          kind: 'late-check',
          recordingId: recording.recordingId,
          dueAt: now,
        });
        counts.lateChecksQueued += 1;
      } catch (error) {
        if (!isLostRace(error)) {
          this.logger.error('Late evaluation check not queued; the next run tries again', {
            ...recordingKeys(recording.recordingId),
            error,
          });
        }
      }
    }
    return counts;
  }

  async #reconcile(recording: Recording): Promise<ItemOutcome> {
    // The index lags its items by a moment: a recording may have finished since it was listed.
    if (recording.status !== 'SUBMITTED') {
      return 'skipped';
    }
    try {
      const { deadlineAt } = recording.poll;
      if (deadlineAt !== undefined && this.deps.clock.now() >= deadlineAt) {
        await this.#timeOut(recording, deadlineAt);
        return 'timedOut';
      }
      const next = await this.deps.repository.schedulePoll(recording, {
        nextPollDueAt: this.deps.clock.now(),
        countsAsAttempt: false,
      });
      await this.deps.scheduler.schedule(next);
      this.logger.info('Overdue poll re-queued', {
        ...recordingKeys(recording.recordingId),
        wasDueAt: recording.poll.nextPollDueAt,
        pollSeq: next.poll.pollSeq,
      });
      return 'requeued';
    } catch (error) {
      if (isLostRace(error)) {
        return 'skipped';
      }
      this.logger.error('Overdue poll not reconciled; the next run tries again', {
        ...recordingKeys(recording.recordingId),
        error,
      });
      return 'failed';
    }
  }

  async #timeOut(recording: Recording, deadlineAt: number): Promise<void> {
    const draft = { details: finishedDetails({ polls: recording.poll.attempts }) };
    const finished = await this.deps.repository.transition(recording, {
      to: 'TIMED_OUT',
      reason: `Not final ${formatDuration(deadlineAt - recording.statusChangedAt)} after submission (deadline ${new Date(deadlineAt).toISOString()}); its last poll never ran, so the reconciler ended it`,
      notification: draft,
    });
    this.metrics.count(PollMetric.timedOut);
    this.logger.warn('Recording past its deadline ended TIMED_OUT by the reconciler', {
      ...recordingKeys(recording.recordingId),
      deadlineAt,
    });
    await this.deps.publisher.publishOrLeavePending(pendingNotificationFor(finished, draft));
    await exportEnding(this.deps.exporter, finished, undefined, {
      logger: this.logger,
      metrics: this.metrics,
    });
  }
}
