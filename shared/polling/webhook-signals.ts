import type { Clock } from '../clock.ts';
import type { PollSettings } from '../config/polling.ts';
import { type Instrumented, InstrumentedService } from '../observability/instrumented.ts';
import type { Recording } from '../recordings/recording.ts';
import type { RecordingRepository } from '../recordings/repository.ts';
import { type AmendOutcome, isAmendable, type ResultsAmender } from './amender.ts';
import { PollMetric } from './metrics.ts';
import type { PollObservations } from './observations.ts';
import type { LateCheckMessage, WebhookSignal } from './poll-message.ts';
import { isLostRace, pollLogFields } from './poll-recording.ts';
import { EARLY_TOLERANCE_MS, type PollOutcome, type PollService } from './poller.ts';
import type { PollScheduler, ZoomAccounts } from './ports.ts';
import { dueAtWithinDeadline } from './schedule.ts';
import { PollZoomReader } from './zoom-reader.ts';

/**
 * What the poll function does with a verified Zoom webhook (handed over by the receiver):
 *
 * - `evaluation_completed` (automated) for a SUBMITTED recording whose last detail read listed
 *   that evaluation as processing (the evaluation snapshot): no Zoom call. The event's own result
 *   (score, total, rate, scorecard, format) completes it, and the last one finishes the recording
 *   (an interaction with two automated evaluations costs one detail read, not two).
 * - `evaluation_completed` (automated) otherwise (the first, or one the snapshot does not list):
 *   polls it now. The poll is moved to now (its sequence moves on, so the message of its
 *   safety-net poll goes stale) and claimed like any other: with webhooks on, one detail read
 *   decides and gives the results.
 * - `interaction_analysis_completed` for a SUBMITTED recording: no Zoom call. The event is the
 *   fact a detail read would give (analysed), so it is recorded as such, and the next poll is
 *   brought forward to the end of the NO_EVALUATION grace in case no evaluation follows.
 * - `evaluation_completed` for a finished recording: its results are amended (a late manual
 *   evaluation, a re-score, a resolved dispute), with an `evaluation_updated` notification.
 * - a manual evaluation completed while the recording is still SUBMITTED: no call now; the
 *   results collected when it finishes include it (its evaluation snapshot, which shows no manual
 *   evaluation, is forgotten, so the finish reads the detail).
 *
 * Zoom retries an event it saw unacknowledged and may deliver one twice: an event already handled
 * (same name, subject and `event_ts`) is dropped, and the poll claim covers two copies at once.
 */

/** How long a handled event is remembered: past Zoom's retries of it (hours) with a wide margin. */
const SIGNAL_RETENTION_MS = 7 * 86_400_000;

export type SignalOutcome =
  | PollOutcome
  | AmendOutcome
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'analysis-noted'; readonly nextPollDueAt: number | undefined }
  | { readonly kind: 'left-for-finish' };

export interface WebhookSignalHandlerDependencies extends Instrumented {
  readonly repository: Pick<RecordingRepository, 'get' | 'schedulePoll' | 'setLateEvaluationCheck'>;
  readonly scheduler: PollScheduler;
  readonly observations: PollObservations;
  readonly zoom: ZoomAccounts;
  readonly poller: Pick<PollService, 'poll' | 'completeFromEvent'>;
  readonly amender: Pick<ResultsAmender, 'amend'>;
  readonly settings: PollSettings;
  readonly clock: Clock;
}

export class WebhookSignalHandler extends InstrumentedService<WebhookSignalHandlerDependencies> {
  /** Handles one signal. Throws only what a retry of the message may fix. */
  async handle(signal: WebhookSignal): Promise<SignalOutcome> {
    const key = signalKeyOf(signal);
    const recording = await this.deps.repository.get(signal.recordingId);
    let outcome: SignalOutcome;
    if (recording === undefined) {
      outcome = { kind: 'dropped', why: 'missing' };
    } else if (await this.deps.observations.signalHandled(recording.recordingId, key)) {
      outcome = { kind: 'duplicate' };
    } else {
      outcome = await this.#act(recording, signal);
      await this.deps.observations.recordSignalHandled(
        recording.recordingId,
        key,
        this.deps.clock.now() + SIGNAL_RETENTION_MS,
      );
    }
    this.metrics.count(PollMetric.webhookSignals, 1, { signal: signal.signal, outcome: outcome.kind });
    this.logger.info('Webhook signal handled', {
      recordingId: signal.recordingId,
      signal: signal.signal,
      evaluationId: signal.evaluationId,
      outcome: outcome.kind,
    });
    return outcome;
  }

  async #act(recording: Recording, signal: WebhookSignal): Promise<SignalOutcome> {
    if (recording.status === 'SUBMITTED') {
      if (signal.signal === 'analysis-completed') {
        return this.#noteAnalysis(recording, signal);
      }
      if (signal.evaluationType === 'MANUAL') {
        return this.#leaveForFinish(recording);
      }
      return (await this.#completeFromEvent(recording, signal)) ?? this.#pollNow(recording);
    }
    if (signal.signal === 'evaluation-completed' && isAmendable(recording)) {
      const reader = new PollZoomReader(this.deps.zoom.forProfile(recording.profile), this.metrics);
      return this.deps.amender.amend(recording, reader);
    }
    return { kind: 'dropped', why: 'stale' };
  }

  /**
   * Looks at a finished recording again for late manual evaluations (accounts without webhooks):
   * amends its results when one completed, and ends the check once none is pending.
   */
  async handleLateCheck(message: LateCheckMessage): Promise<SignalOutcome> {
    const recording = await this.deps.repository.get(message.recordingId);
    if (recording === undefined || recording.lateEvaluationCheck === undefined || !isAmendable(recording)) {
      return { kind: 'dropped', why: recording === undefined ? 'missing' : 'stale' };
    }
    const reader = new PollZoomReader(this.deps.zoom.forProfile(recording.profile), this.metrics);
    const outcome = await this.deps.amender.amend(recording, reader);
    if (outcome.pendingManual === 0) {
      try {
        await this.deps.repository.setLateEvaluationCheck(recording, undefined);
      } catch (error) {
        if (!isLostRace(error)) {
          throw error;
        }
      }
    }
    this.metrics.count(PollMetric.lateChecks, 1, { outcome: outcome.kind });
    return outcome;
  }

  /** An automated evaluation completed from the event's result, when the event has one the snapshot can take. */
  #completeFromEvent(recording: Recording, signal: WebhookSignal): Promise<SignalOutcome | undefined> {
    const { evaluationId, reported } = signal;
    if (
      signal.evaluationType !== 'AUTOMATED' ||
      evaluationId === undefined ||
      reported?.score === undefined
    ) {
      return Promise.resolve(undefined);
    }
    return this.deps.poller.completeFromEvent(recording, { evaluationId, reported });
  }

  async #leaveForFinish(recording: Recording): Promise<SignalOutcome> {
    await this.deps.observations.forgetEvaluationSnapshot(recording.recordingId, recording.submission);
    return { kind: 'left-for-finish' };
  }

  /** Brings the poll to now (unless it is due already) and runs it. */
  async #pollNow(recording: Recording): Promise<SignalOutcome> {
    const now = this.deps.clock.now();
    let due = recording;
    if ((recording.poll.nextPollDueAt ?? now) > now + EARLY_TOLERANCE_MS) {
      try {
        due = await this.deps.repository.schedulePoll(recording, {
          nextPollDueAt: now,
          countsAsAttempt: false,
        });
      } catch (error) {
        if (isLostRace(error)) {
          return { kind: 'dropped', why: 'stale' };
        }
        throw error;
      }
    }
    return this.deps.poller.poll({
      kind: 'poll',
      recordingId: due.recordingId,
      pollSeq: due.poll.pollSeq,
      dueAt: now,
    });
  }

  /**
   * Records the analysis as seen (when Zoom says it finished), and brings the next poll forward to
   * the end of the NO_EVALUATION grace when it was later: with webhooks on, the safety interval
   * may be longer than the grace.
   */
  async #noteAnalysis(recording: Recording, signal: WebhookSignal): Promise<SignalOutcome> {
    const { settings, clock } = this.deps;
    const now = clock.now();
    const deadlineAt = recording.poll.deadlineAt ?? now;
    const seenAt = await this.deps.observations.recordAnalysisSeen(
      recording.recordingId,
      recording.submission,
      Math.min(signal.occurredAt, now),
      deadlineAt + SIGNAL_RETENTION_MS,
    );
    const graceEndsAt = Math.max(now, seenAt + settings.noEvaluationGraceSeconds * 1_000);
    const dueAt = recording.poll.nextPollDueAt;
    if (dueAt !== undefined && dueAt <= graceEndsAt) {
      return { kind: 'analysis-noted', nextPollDueAt: dueAt };
    }
    try {
      const next = await this.deps.repository.schedulePoll(recording, {
        nextPollDueAt: dueAtWithinDeadline(now, graceEndsAt - now, recording.poll.deadlineAt),
        countsAsAttempt: false,
      });
      await this.deps.scheduler.schedule(next);
      this.logger.info(
        'Analysis completed (webhook): next poll at the end of the grace',
        pollLogFields(next),
      );
      return { kind: 'analysis-noted', nextPollDueAt: next.poll.nextPollDueAt };
    } catch (error) {
      if (isLostRace(error)) {
        return { kind: 'dropped', why: 'stale' };
      }
      throw error;
    }
  }
}

/** The identity of one event, the same on each of Zoom's deliveries of it. */
function signalKeyOf(signal: WebhookSignal): string {
  return [signal.signal, signal.evaluationId ?? '', signal.evaluationType ?? '', signal.occurredAt].join(
    '\n',
  );
}
