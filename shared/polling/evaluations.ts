import {
  AUTOMATED_EVALUATION_STATUSES,
  type AutomatedEvaluationStatus,
  type Lenient,
} from '../zoom/enums.ts';
import type { AutomatedEvaluation, InteractionDetail } from '../zoom/schemas.ts';

/**
 * What Zoom's automated evaluations say about an interaction. Zoom has no status on the interaction
 * itself: it is finished when each of its automated evaluations is, and they alone decide the
 * outcome. Manual evaluations complete on a person's schedule and never count here.
 *
 * Statuses arrive already normalised by the client (Zoom's examples mix `COMPLETED` and
 * `Completed`); a value the client did not recognise is kept verbatim and treated as not final,
 * so a new Zoom status delays a recording rather than finishing it wrongly.
 */

/** One automated evaluation as the poller needs it, from either source. */
export interface AutomatedEvaluationState {
  readonly id: string;
  readonly status: Lenient<AutomatedEvaluationStatus> | undefined;
  /** Zoom says the interaction was deleted (automated evaluations list only). */
  readonly interactionDeleted: boolean;
}

/** The outcome of an interaction's automated evaluations, as far as it is known. */
export type AutomatedAssessment =
  /** Zoom lists no automated evaluation (not analysed yet, or none configured for it). */
  | { readonly kind: 'none' }
  /** Zoom reports the interaction deleted: nothing more will come. */
  | { readonly kind: 'deleted' }
  /** At least one is still PROCESSING (or has a status not known to be final). */
  | { readonly kind: 'pending'; readonly total: number; readonly pending: number }
  /** Every one is final: EVALUATED when all COMPLETED, EVALUATION_FAILED when any FAILED. */
  | {
      readonly kind: 'final';
      readonly outcome: 'EVALUATED' | 'EVALUATION_FAILED';
      readonly completed: number;
      readonly failed: number;
    };

/** The automated evaluations of `GET /qm/automated_evaluations?interaction_id=` (LIGHT). */
export function automatedStatesFromList(list: readonly AutomatedEvaluation[]): AutomatedEvaluationState[] {
  return list.map((evaluation) => ({
    id: evaluation.id,
    status: evaluation.status,
    interactionDeleted: evaluation.interaction_deleted === true,
  }));
}

/**
 * The automated evaluations in an interaction's detail (`interaction_info.evaluations[]`, MEDIUM),
 * whose statuses the client read with the automated vocabulary. An evaluation whose type Zoom left
 * out is not counted: only one known to be automated may hold a recording open.
 */
export function automatedStatesFromDetail(detail: InteractionDetail): AutomatedEvaluationState[] {
  return (detail.interaction_info.evaluations ?? [])
    .filter((evaluation) => evaluation.evaluation_type === 'Automated')
    .map((evaluation) => ({
      id: evaluation.evaluation_id,
      status: asAutomatedStatus(evaluation.evaluation_status_desc),
      interactionDeleted: false,
    }));
}

/** The automated evaluations an evaluation snapshot lists (statuses as the detail read or an event left them). */
export function automatedStatesFromSnapshot(
  evaluations: readonly { readonly id: string; readonly status?: string | undefined }[],
): AutomatedEvaluationState[] {
  return evaluations.map((evaluation) => ({
    id: evaluation.id,
    status: asAutomatedStatus(evaluation.status),
    interactionDeleted: false,
  }));
}

/** Decides what a set of automated evaluations says (see {@link AutomatedAssessment}). */
export function assessAutomatedEvaluations(
  evaluations: readonly AutomatedEvaluationState[],
): AutomatedAssessment {
  if (evaluations.length === 0) {
    return { kind: 'none' };
  }
  if (evaluations.some((evaluation) => evaluation.interactionDeleted)) {
    return { kind: 'deleted' };
  }
  const completed = evaluations.filter((evaluation) => evaluation.status === 'COMPLETED').length;
  const failed = evaluations.filter((evaluation) => evaluation.status === 'FAILED').length;
  const pending = evaluations.length - completed - failed;
  if (pending > 0) {
    return { kind: 'pending', total: evaluations.length, pending };
  }
  return { kind: 'final', outcome: failed > 0 ? 'EVALUATION_FAILED' : 'EVALUATED', completed, failed };
}

/**
 * A detail's status as an automated status. The client normalises it by the evaluation's type,
 * so for an automated evaluation it is already one of the automated spellings or kept verbatim.
 */
function asAutomatedStatus(status: string | undefined): Lenient<AutomatedEvaluationStatus> | undefined {
  if (status === undefined) {
    return undefined;
  }
  const known = AUTOMATED_EVALUATION_STATUSES.values.find((value) => value === status);
  return known ?? (status as Lenient<AutomatedEvaluationStatus>);
}
