import type { Recording } from '../recordings/recording.ts';
import { isTerminal, type RecordingStatus } from '../recordings/state-machine.ts';
import type { EvaluationResults, RecordingResults } from './results.ts';

/**
 * What the report and the BI export say about one recording, derived once, the same way for
 * both, so a score the report shows is the score a BI query over the export finds. Pure.
 */

/** One evaluation that has a score, as a percentage. */
export interface ScoredEvaluation {
  readonly evaluationId: string;
  readonly type: EvaluationResults['type'];
  /** The scorecard's name; '(unknown)' when Zoom gave none. */
  readonly scorecard: string;
  readonly scorePercent: number;
}

export interface RecordingFacts {
  readonly recordingId: string;
  readonly profile: string;
  readonly status: RecordingStatus;
  /** When the recording entered its current status (what the by-status index orders by). */
  readonly statusChangedAt: number;
  /** The agent as people know them: Zoom's agent name, else the email or user id sent with the call. */
  readonly agent: string | undefined;
  /** Zoom's queue name, else the queue id sent with the call. */
  readonly queue: string | undefined;
  /** For a terminal status other than EVALUATED: the reason, without its particulars (see {@link failureReasonOf}). */
  readonly failureReason: string | undefined;
  readonly droppedAt: number;
  /** When Zoom first accepted the recording (its first SUBMITTED). */
  readonly submittedAt: number | undefined;
  /** When the recording first reached a terminal status (its first result, even if later retried). */
  readonly firstResultAt: number | undefined;
  /** When it reached its current terminal status. */
  readonly terminalAt: number | undefined;
  readonly evaluations: readonly ScoredEvaluation[];
  /**
   * The Zoom calls the stored state proves were made: one POST per submission that reached Zoom
   * and one call per counted poll of the current submission. A lower bound (429s, the final
   * detail and scorecard reads are not stored per recording); undefined before any submission.
   */
  readonly zoomCallsAtLeast: number | undefined;
}

export const UNKNOWN = '(unknown)';

export function recordingFacts(recording: Recording, results: RecordingResults | undefined): RecordingFacts {
  const { metadata, history } = recording;
  const submissions = history.filter((entry) => entry.to === 'SUBMITTED').length;
  const terminal = isTerminal(recording.status);
  return {
    recordingId: recording.recordingId,
    profile: recording.profile,
    status: recording.status,
    statusChangedAt: recording.statusChangedAt,
    agent: results?.interaction.agentName ?? metadata.agentEmail ?? metadata.agentId,
    queue: results?.interaction.queueName ?? metadata.queueId,
    failureReason:
      terminal && recording.status !== 'EVALUATED' ? failureReasonOf(recording.reason) : undefined,
    droppedAt: recording.receivedAt,
    submittedAt: history.find((entry) => entry.to === 'SUBMITTED')?.at,
    firstResultAt: history.find((entry) => isTerminal(entry.to))?.at,
    terminalAt: terminal ? recording.statusChangedAt : undefined,
    evaluations: (results?.evaluations ?? []).flatMap((evaluation) => {
      const percent = scorePercent(evaluation);
      return percent === undefined
        ? []
        : [
            {
              evaluationId: evaluation.id,
              type: evaluation.type,
              scorecard: scorecardOf(evaluation),
              scorePercent: percent,
            },
          ];
    }),
    zoomCallsAtLeast: submissions === 0 ? undefined : submissions + recording.poll.attempts,
  };
}

/** The scorecard an evaluation was scored on, by name. */
export function scorecardOf(evaluation: Pick<EvaluationResults, 'scorecardName' | 'name'>): string {
  return evaluation.scorecardName ?? evaluation.name ?? UNKNOWN;
}

/**
 * An evaluation's score as a percentage: Zoom's score rate (a share of 1, or already a
 * percentage above 1), else score / total. Undefined for an evaluation without a score yet.
 */
export function scorePercent(
  evaluation: Pick<EvaluationResults, 'score' | 'totalScore' | 'scoreRate'>,
): number | undefined {
  if (evaluation.scoreRate !== undefined) {
    return roundTo(rateAsPercent(evaluation.scoreRate));
  }
  if (evaluation.score !== undefined && evaluation.totalScore !== undefined && evaluation.totalScore > 0) {
    return roundTo((evaluation.score / evaluation.totalScore) * 100);
  }
  return undefined;
}

/**
 * A reason without its particulars, so reasons can be counted: its first clause (up to the first
 * ': ', '; ', ' (' or sentence end), numbers replaced by `#`, e-mails and quoted names dropped.
 * "Stuck in RECEIVED: 3 h since ..." and "2 of 3 automated evaluations failed" count as
 * "Stuck in RECEIVED" and "# of # automated evaluations failed".
 */
export function failureReasonOf(reason: string): string {
  const clause = reason.split(/: |; | \(|\. /)[0] ?? reason;
  const general = clause
    .replace(/"[^"]*"|'[^']*'/g, '…')
    .replace(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+/g, '…')
    .replace(/\d+(?:[.,]\d+)*/g, '#')
    .replace(/\.$/, '')
    .trim();
  return general === '' ? UNKNOWN : general.slice(0, 120);
}

/** Zoom's score rate as a percentage: a share of 1, or already a percentage when above 1. */
export function rateAsPercent(scoreRate: number): number {
  return scoreRate <= 1 ? scoreRate * 100 : scoreRate;
}

/** Two decimals: the precision a score is read at, the same in the report and the export. */
function roundTo(value: number): number {
  return Math.round(value * 100) / 100;
}
