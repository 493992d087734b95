import * as z from 'zod';
import { rateAsPercent } from '../../shared/results/result-facts.ts';

/**
 * What a notification's `details` say about a finished recording, as far as the local runtime
 * shows it: the reason code of a rejection or failure (written by ingest) and each evaluation's
 * score (written by the poller). Read leniently: details are free-form JSON, and a field this
 * display does not know never hides the rest.
 */

/** One evaluation's score, as the notification reports it. */
export interface EvaluationScore {
  readonly type?: string | undefined;
  readonly score?: number | undefined;
  readonly totalScore?: number | undefined;
  /** A share (0-1) or a percentage, as Zoom gives it. */
  readonly scoreRate?: number | undefined;
}

export interface OutcomeDetails {
  readonly code: string | undefined;
  readonly scores: readonly EvaluationScore[];
}

const optionalNumber = z.number().optional().catch(undefined);
const optionalString = z.string().optional().catch(undefined);

const detailsSchema = z.object({
  code: optionalString,
  evaluations: z
    .array(
      z.object({
        type: optionalString,
        score: optionalNumber,
        totalScore: optionalNumber,
        scoreRate: optionalNumber,
      }),
    )
    .optional()
    .catch(undefined),
});

export function outcomeDetails(details: unknown): OutcomeDetails {
  const parsed = detailsSchema.safeParse(details);
  if (!parsed.success) {
    return { code: undefined, scores: [] };
  }
  return {
    code: parsed.data.code,
    scores: (parsed.data.evaluations ?? []).map((evaluation) => ({
      type: evaluation.type,
      score: evaluation.score,
      totalScore: evaluation.totalScore,
      scoreRate: evaluation.scoreRate,
    })),
  };
}

/** Each evaluation's score: `points/total` where both are given, else its rate as a percentage; `-` for none. */
export function formatScores(scores: readonly EvaluationScore[]): string {
  const shown = scores.map((score) => {
    if (score.score !== undefined && score.totalScore !== undefined) {
      return `${round(score.score)}/${round(score.totalScore)}`;
    }
    if (score.scoreRate !== undefined) {
      return `${round(rateAsPercent(score.scoreRate))}%`;
    }
    return '-';
  });
  return shown.length === 0 ? '-' : shown.join(' ');
}

function round(value: number): string {
  return String(Math.round(value * 10) / 10);
}
