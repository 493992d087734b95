import type { JsonValue } from '../recordings/notification.ts';
import type { RecordingResults } from '../results/results.ts';

/**
 * The `details` of the notification a poll writes with a final status: the scores a subscriber
 * acts on, small and free of personal data (no transcript, no agent or customer names, no phone
 * numbers). The full results stay in the state table and the results bucket.
 */

export interface FinishedDetailsInput {
  /** The results collected at the end, when the interaction exists in Zoom. */
  readonly results?: RecordingResults | undefined;
  /** Counted polls of the submission. */
  readonly polls: number;
  /** The results revision the recording points at, when results were stored. */
  readonly resultsRevision?: number | undefined;
}

export function finishedDetails(input: FinishedDetailsInput): Record<string, JsonValue> {
  const { results } = input;
  const interaction = results?.interaction;
  return jsonSafe({
    polls: input.polls,
    resultsRevision: input.resultsRevision,
    evaluations: (results?.evaluations ?? []).map((evaluation) => ({
      evaluationId: evaluation.id,
      type: evaluation.type,
      status: evaluation.status,
      scorecardName: evaluation.scorecardName ?? evaluation.name,
      scoringFormat: evaluation.scoringFormat,
      score: evaluation.score,
      totalScore: evaluation.totalScore,
      scoreRate: evaluation.scoreRate,
    })),
    summary:
      interaction === undefined
        ? undefined
        : {
            evaluationScore: interaction.summary.evaluationScore,
            sentimentScore: interaction.summary.sentimentScore,
            engagementScore: interaction.summary.engagementScore,
          },
    durationMinutes: interaction?.durationMinutes,
    direction: interaction?.direction,
    language: interaction?.language,
    queueName: interaction?.queueName,
  });
}

/** Drops undefined members (JSON has none), as the outbox's schema requires. */
function jsonSafe(value: Record<string, unknown>): Record<string, JsonValue> {
  return JSON.parse(JSON.stringify(value)) as Record<string, JsonValue>;
}
