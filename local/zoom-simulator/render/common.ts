/**
 * What every response renderer shares: the render context (seed, account, origin, now, content
 * source) and the evaluations of an interaction as they stand at a given moment.
 */
import type { InteractionContent } from '../content/interaction-content.ts';
import {
  automatedStatusAt,
  type Evaluation,
  type InteractionRecord,
  manualStatusAt,
} from '../interactions.ts';

export interface RenderContext {
  readonly seed: number | string;
  readonly accountId: string;
  /** The simulator's origin, for recording URLs that point back at it. */
  readonly origin: string;
  readonly now: number;
  /** The interaction's generated content (cached by the caller). */
  readonly contentOf: (record: InteractionRecord) => InteractionContent;
}

/** A response body under construction. */
export type Body = Record<string, unknown>;

/** An evaluation as it stands at a given moment. */
export interface EvaluationView {
  readonly evaluation: Evaluation;
  readonly status: string;
  readonly completed: boolean;
}

/** The evaluations of an interaction that exist at `now` (created, or assigned), with their status then. */
export function evaluationsAt(record: InteractionRecord, now: number): EvaluationView[] {
  const views: EvaluationView[] = [];
  for (const evaluation of record.automated) {
    const status = automatedStatusAt(evaluation, now);
    if (status !== undefined) views.push({ evaluation, status, completed: status === 'COMPLETED' });
  }
  if (record.manual !== undefined) {
    const status = manualStatusAt(record.manual, now);
    if (status !== undefined)
      views.push({ evaluation: record.manual, status, completed: status === 'Completed' });
  }
  return views;
}

/** The evaluation_type enum value of an evaluation. */
export const evaluationType = (evaluation: Evaluation): 'Automated' | 'Manual' =>
  evaluation.kind === 'automated' ? 'Automated' : 'Manual';
