import type { Clock } from '../clock.ts';
import type { PollSettings } from '../config/polling.ts';
import { finishedDetails } from '../notify/details.ts';
import type { OutboxPublisher } from '../notify/outbox-publisher.ts';
import { type Instrumented, InstrumentedService } from '../observability/instrumented.ts';
import { StaleWriteError } from '../recordings/errors.ts';
import { pendingNotificationFor } from '../recordings/notification.ts';
import type { Recording, ResultsReference } from '../recordings/recording.ts';
import type { RecordingRepository } from '../recordings/repository.ts';
import { exportEnding, type ResultsExportPort } from '../results/bi-export.ts';
import {
  type CollectedResults,
  collectResults,
  completedManualEvaluationIds,
  pendingManualEvaluationIds,
  type ResultsInput,
} from '../results/collect.ts';
import type { RecordingResults } from '../results/results.ts';
import type { ResultsStore } from '../results/results-store.ts';
import { resultsTag } from '../results/storage-plan.ts';
import type { AutomatedEvaluation, EvaluationDetail, InteractionDetail } from '../zoom/schemas.ts';
import type { PollFinalStatus } from './decision.ts';
import { PollMetric } from './metrics.ts';
import { interactionIdOf, isLostRace, pollLogFields } from './poll-recording.ts';
import type { PollZoomReader } from './zoom-reader.ts';

/**
 * The end of a recording's polling: its results collected and stored (when the interaction
 * exists in Zoom), then its final status written with the notification in the same transaction
 * (the outbox), then the notification published. Results come first: a crash after them leaves
 * the recording SUBMITTED, and the next poll collects them again under a newer revision; a crash
 * after the status leaves the notification pending, and the reconciler publishes it.
 */

/** What a poll read from Zoom that the results are built from. */
export interface ZoomReadings {
  readonly automated: readonly AutomatedEvaluation[];
  /** The interaction's detail, when this poll already read it. */
  readonly detail: InteractionDetail | undefined;
  /** For the reads still to make: the full detail, the manual evaluations' scorecards. */
  readonly reader: PollZoomReader;
}

export interface Ending {
  readonly status: PollFinalStatus;
  readonly reason: string;
  /** The results to collect, when the interaction exists in Zoom. */
  readonly readings?: ZoomReadings | undefined;
  /** Results already collected (an evaluation snapshot completed by events): stored as they are. */
  readonly collected?: CollectedResults | undefined;
}

/** Results stored at the end; `reference` is the recording's reference to them, unless newer ones won. */
interface StoredResults {
  readonly results: RecordingResults;
  readonly revision: number;
  readonly reference: ResultsReference | undefined;
}

export type FinishOutcome =
  | { readonly kind: 'finished'; readonly status: PollFinalStatus; readonly notified: boolean }
  | { readonly kind: 'dropped'; readonly why: 'stale' };

export interface RecordingFinisherDependencies extends Instrumented {
  readonly repository: Pick<RecordingRepository, 'transition' | 'setResults' | 'setLateEvaluationCheck'>;
  readonly results: Pick<ResultsStore, 'save'>;
  readonly publisher: Pick<OutboxPublisher, 'publishOrLeavePending'>;
  /** Writes each finished recording to the BI export; absent when the environment turned it off. */
  readonly exporter?: ResultsExportPort | undefined;
  readonly settings: PollSettings;
  readonly clock: Clock;
}

const FINISH_METRICS: Readonly<Record<PollFinalStatus, string>> = {
  EVALUATED: PollMetric.evaluated,
  EVALUATION_FAILED: PollMetric.evaluationFailed,
  NO_EVALUATION: PollMetric.noEvaluation,
  TIMED_OUT: PollMetric.timedOut,
  FAILED: PollMetric.failed,
};

export class RecordingFinisher extends InstrumentedService<RecordingFinisherDependencies> {
  /** Ends the claimed recording. Zoom is read before anything is written, so a Zoom failure changes nothing. */
  async finish(claimed: Recording, ending: Ending): Promise<FinishOutcome> {
    const stored = await this.#storeResults(claimed, ending);
    const polls = claimed.poll.attempts + 1;
    const draft = {
      details: finishedDetails({ results: stored?.results, polls, resultsRevision: stored?.revision }),
    };
    let finished: Recording;
    try {
      finished = await this.deps.repository.transition(claimed, {
        to: ending.status,
        reason: ending.reason,
        notification: draft,
      });
    } catch (error) {
      if (isLostRace(error)) {
        return { kind: 'dropped', why: 'stale' };
      }
      throw error;
    }
    this.metrics.count(FINISH_METRICS[ending.status]);
    this.metrics.count(PollMetric.pollsPerRecording, polls);
    this.metrics.duration(
      PollMetric.dropToResult,
      Math.max(0, finished.statusChangedAt - finished.receivedAt),
    );
    this.logger.info('Recording finished', { ...pollLogFields(finished), polls });
    const notified = await this.deps.publisher.publishOrLeavePending(pendingNotificationFor(finished, draft));
    // Results that lost to newer ones are not the recording's: the writer of the newer ones exports them.
    if (stored === undefined || stored.reference !== undefined) {
      await exportEnding(this.deps.exporter, { ...finished, results: stored?.reference }, stored?.results, {
        logger: this.logger,
        metrics: this.metrics,
      });
    }
    if (stored !== undefined && ending.readings !== undefined) {
      await this.#watchForLateEvaluations(
        finished,
        stored.results,
        ending.readings.reader.profile.webhooks.enabled,
      );
    }
    return { kind: 'finished', status: ending.status, notified };
  }

  /**
   * A recording that finished with manual evaluations still pending, on an account without
   * webhooks (whose events would tell), is looked at again later (the reconciler queues it). A
   * failure to record that is logged, not thrown: the recording has finished, only its later
   * amendment is lost.
   */
  async #watchForLateEvaluations(
    finished: Recording,
    results: RecordingResults,
    webhooksEnabled: boolean,
  ): Promise<void> {
    const { lateEvaluations } = this.deps.settings;
    if (!lateEvaluations.enabled || webhooksEnabled || pendingManualEvaluationIds(results).length === 0) {
      return;
    }
    const now = this.deps.clock.now();
    try {
      await this.deps.repository.setLateEvaluationCheck(finished, {
        nextAt: now + lateEvaluations.intervalSeconds * 1_000,
        until: now + lateEvaluations.windowSeconds * 1_000,
      });
    } catch (error) {
      this.logger.warn('Late manual evaluations of this recording will not be looked for', {
        ...pollLogFields(finished),
        error,
      });
    }
  }

  async #storeResults(claimed: Recording, ending: Ending): Promise<StoredResults | undefined> {
    const collected =
      ending.collected ??
      (ending.readings === undefined
        ? undefined
        : await this.#collect(claimed, ending.status, ending.readings));
    if (collected === undefined) {
      return undefined;
    }
    const location = await this.deps.results.save(
      collected,
      resultsTag(claimed.submission, claimed.poll.pollSeq),
    );
    const revision = (claimed.results?.revision ?? 0) + 1;
    try {
      const referenced = await this.deps.repository.setResults(claimed.recordingId, { revision, location });
      return { results: collected.results, revision, reference: referenced.results };
    } catch (error) {
      if (!(error instanceof StaleWriteError)) {
        throw error;
      }
      // Newer results were stored meanwhile (an amendment): they stay the current ones.
      this.logger.info('Newer results already stored; these are kept unreferenced', pollLogFields(claimed));
      return { results: collected.results, revision, reference: undefined };
    }
  }

  /** The results of what the poll read (the detail read now if it was not). */
  async #collect(
    claimed: Recording,
    status: PollFinalStatus,
    readings: ZoomReadings,
  ): Promise<CollectedResults | undefined> {
    const interactionId = interactionIdOf(claimed);
    const detail = readings.detail ?? (await readings.reader.interaction(interactionId));
    if (detail === undefined) {
      return undefined;
    }
    return collectWithScorecards(
      {
        recording: claimed,
        interactionId,
        status,
        collectedAt: this.deps.clock.now(),
        detail,
        automated: readings.automated,
      },
      readings.reader,
      this.deps.settings,
    );
  }
}

/** The results of what Zoom showed, with the scorecards of the completed manual evaluations read now. */
export async function collectWithScorecards(
  input: Omit<ResultsInput, 'manualDetails'>,
  reader: PollZoomReader,
  settings: PollSettings,
): Promise<CollectedResults> {
  return collectResults({ ...input, manualDetails: await manualScorecards(input.detail, reader, settings) });
}

/** The scorecards of the completed manual evaluations: recorded as they are, never waited for. */
async function manualScorecards(
  detail: InteractionDetail,
  reader: PollZoomReader,
  settings: PollSettings,
): Promise<Map<string, EvaluationDetail>> {
  const scorecards = new Map<string, EvaluationDetail>();
  if (!settings.results.fetchManualEvaluationDetails) {
    return scorecards;
  }
  for (const evaluationId of completedManualEvaluationIds(detail)) {
    const scorecard = await reader.evaluation(evaluationId);
    if (scorecard !== undefined) {
      scorecards.set(evaluationId, scorecard);
    }
  }
  return scorecards;
}
