import type { Clock } from '../clock.ts';
import type { PollSettings } from '../config/polling.ts';
import { RetryableError } from '../errors.ts';
import { finishedDetails } from '../notify/details.ts';
import type { OutboxPublisher } from '../notify/outbox-publisher.ts';
import { type Instrumented, InstrumentedService } from '../observability/instrumented.ts';
import { evaluationUpdatedNotificationFor } from '../recordings/notification.ts';
import type { OutboxRepository } from '../recordings/outbox.ts';
import type { Recording } from '../recordings/recording.ts';
import type { RecordingRepository } from '../recordings/repository.ts';
import { isTerminal, type TerminalStatus } from '../recordings/state-machine.ts';
import { exportEnding, type ResultsExportPort } from '../results/bi-export.ts';
import { type CollectedResults, pendingManualEvaluationIds } from '../results/collect.ts';
import {
  type EvaluationResults,
  evaluationResultsSchema,
  type RecordingResults,
} from '../results/results.ts';
import type { ResultsStore } from '../results/results-store.ts';
import { shortHash } from '../table/keys.ts';
import { collectWithScorecards } from './finisher.ts';
import { PollMetric } from './metrics.ts';
import { isLostRace, pollLogFields } from './poll-recording.ts';
import type { PollZoomReader } from './zoom-reader.ts';

/**
 * Amends a finished recording's results when Zoom's evaluations of its interaction changed after
 * it finished: a manual evaluation completed days later, a re-score, a dispute resolved. Reads the
 * interaction's detail (and the completed manual evaluations' scorecards), compares each manual
 * evaluation with the stored results (automated ones stay as stored: they were final at the end), and when one changed: stores the results as a new revision,
 * writes an `evaluation_updated` notification per changed evaluation (its id names the evaluation
 * and its new version, so the same change is notified once however often it is found), publishes
 * it, and writes the amended result to the BI export. Nothing changed: nothing is written.
 */

/** The statuses whose results an evaluation may amend: those with an interaction Zoom evaluates. */
const AMENDABLE_STATUSES: readonly TerminalStatus[] = [
  'EVALUATED',
  'EVALUATION_FAILED',
  'NO_EVALUATION',
  'TIMED_OUT',
];

/** What came of an amendment; `pendingManual` counts the manual evaluations Zoom shows still to complete. */
export type AmendOutcome =
  | {
      readonly kind: 'amended';
      readonly revision: number;
      readonly changedEvaluations: readonly string[];
      readonly pendingManual: number;
    }
  | { readonly kind: 'unchanged'; readonly why: string; readonly pendingManual: number };

export interface ResultsAmenderDependencies extends Instrumented {
  readonly repository: Pick<RecordingRepository, 'setResults'>;
  readonly results: Pick<ResultsStore, 'save' | 'read'>;
  readonly outbox: Pick<OutboxRepository, 'addIfAbsent'>;
  readonly publisher: Pick<OutboxPublisher, 'publishOrLeavePending'>;
  readonly exporter?: ResultsExportPort | undefined;
  readonly settings: PollSettings;
  readonly clock: Clock;
}

/** Whether a recording's results may be amended (it finished with an interaction Zoom evaluates). */
export function isAmendable(recording: Recording): boolean {
  return (
    isTerminal(recording.status) &&
    AMENDABLE_STATUSES.includes(recording.status) &&
    recording.interactionId !== undefined
  );
}

export class ResultsAmender extends InstrumentedService<ResultsAmenderDependencies> {
  /** Reads Zoom and amends the results of a finished recording when an evaluation changed. */
  async amend(recording: Recording, reader: PollZoomReader): Promise<AmendOutcome> {
    const { interactionId } = recording;
    if (!isAmendable(recording) || interactionId === undefined || !isTerminal(recording.status)) {
      return {
        kind: 'unchanged',
        why: `a ${recording.status} recording has no results to amend`,
        pendingManual: 0,
      };
    }
    const detail = await reader.interaction(interactionId);
    if (detail === undefined) {
      return { kind: 'unchanged', why: 'Zoom no longer shows the interaction', pendingManual: 0 };
    }
    const now = this.deps.clock.now();
    const stored =
      recording.results === undefined
        ? undefined
        : await this.deps.results.read(recording.recordingId, recording.results.location);
    const fresh = await collectWithScorecards(
      { recording, interactionId, status: recording.status, collectedAt: now, detail, automated: [] },
      reader,
      this.deps.settings,
    );
    const collected = withStoredAutomatedEvaluations(fresh, stored);
    const changed = changedEvaluations(stored, collected.results.evaluations);
    const pendingManual = pendingManualEvaluationIds(collected.results).length;
    if (changed.length === 0) {
      return { kind: 'unchanged', why: 'every evaluation is as stored', pendingManual };
    }
    const revision = (recording.results?.revision ?? 0) + 1;
    const location = await this.deps.results.save(collected, `s${recording.submission}-r${revision}`);
    let amended: Recording;
    try {
      amended = await this.deps.repository.setResults(recording.recordingId, { revision, location });
    } catch (error) {
      if (isLostRace(error)) {
        // Another writer amended it meanwhile: the retried message compares with theirs.
        throw new RetryableError(`Results of recording ${recording.recordingId} amended concurrently`, {
          cause: error,
        });
      }
      throw error;
    }
    const { results } = collected;
    const details = finishedDetails({ results, polls: recording.poll.attempts, resultsRevision: revision });
    for (const evaluation of changed) {
      const notification = evaluationUpdatedNotificationFor(
        amended,
        { details: { ...details, updatedEvaluationId: evaluation.id } },
        { evaluationId: evaluation.id, version: evaluation.version, occurredAt: now },
      );
      if (await this.deps.outbox.addIfAbsent(notification)) {
        await this.deps.publisher.publishOrLeavePending(notification);
      }
    }
    this.metrics.count(PollMetric.resultsAmended);
    this.logger.info('Results amended: an evaluation changed after the recording finished', {
      ...pollLogFields(amended),
      revision,
      changedEvaluations: changed.map((evaluation) => evaluation.id),
    });
    await exportEnding(this.deps.exporter, amended, results, {
      logger: this.logger,
      metrics: this.metrics,
    });
    return {
      kind: 'amended',
      revision,
      changedEvaluations: changed.map((evaluation) => evaluation.id),
      pendingManual,
    };
  }
}

/**
 * The fresh results with the automated evaluations as stored at the end: they were final then
 * (and, without webhooks, were read with the automated-evaluations list, which adds fields the
 * detail lacks), so only manual evaluations, whose late completion, re-score or dispute this is
 * about, are taken from the fresh read.
 */
function withStoredAutomatedEvaluations(
  fresh: CollectedResults,
  stored: RecordingResults | undefined,
): CollectedResults {
  const storedAutomated = new Map(
    (stored?.evaluations ?? [])
      .filter((evaluation) => evaluation.type === 'automated')
      .map((evaluation) => [evaluation.id, evaluation]),
  );
  const evaluations = fresh.results.evaluations.map((evaluation) =>
    evaluation.type === 'automated' ? (storedAutomated.get(evaluation.id) ?? evaluation) : evaluation,
  );
  return { ...fresh, results: { ...fresh.results, evaluations } };
}

/** The evaluations whose content differs from the stored results (new ones included), each with its version. */
function changedEvaluations(
  stored: RecordingResults | undefined,
  current: readonly EvaluationResults[],
): { readonly id: string; readonly version: string }[] {
  const before = new Map(
    (stored?.evaluations ?? []).map((evaluation) => [evaluation.id, versionOf(evaluation)]),
  );
  return current
    .map((evaluation) => ({ id: evaluation.id, version: versionOf(evaluation) }))
    .filter((evaluation) => before.get(evaluation.id) !== evaluation.version);
}

/** A digest of an evaluation's results, in the stored schema's field order, so stored and fresh compare equal. */
function versionOf(evaluation: EvaluationResults): string {
  return shortHash(JSON.stringify(evaluationResultsSchema.parse(evaluation)));
}
