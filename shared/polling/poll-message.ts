import * as z from '../zod.ts';

const nonEmptyString = z.string().check(z.minLength(1));
const nonNegativeInt = z.int().check(z.nonnegative());
const positiveInt = z.int().check(z.positive());

/**
 * The body of a message on the poll queue: a wake-up call for one recording. It carries the
 * `pollSeq` it was scheduled with, so the poller drops it when the recording has moved on since
 * (a duplicate, or a message superseded by a newer schedule), and its due time, so a wait longer
 * than SQS's 15-minute delay is re-sent until due.
 */
export const pollMessageSchema = z.strictObject({
  kind: z.literal('poll'),
  recordingId: nonEmptyString,
  pollSeq: nonNegativeInt,
  dueAt: positiveInt,
});

export type PollMessage = z.output<typeof pollMessageSchema>;

/**
 * The result an `evaluation_completed` event carries (Zoom's scorecard_name, scoring_format,
 * total_possible_score, evaluation_score, evaluation_score_ratio): enough to complete an automated
 * evaluation already known from the interaction's detail without reading it again.
 */
export const reportedEvaluationSchema = z.strictObject({
  scorecardName: z.optional(z.string()),
  scoringFormat: z.optional(z.string()),
  score: z.optional(z.number()),
  totalScore: z.optional(z.number()),
  scoreRate: z.optional(z.number()),
});

export type ReportedEvaluation = z.output<typeof reportedEvaluationSchema>;

/**
 * What a verified Zoom webhook said about one recording, handed over by the webhook receiver
 * (shared/webhooks/receiver.ts) so that it answers Zoom at once and the poll function does the
 * work: a poll now (claimed like any other, so a duplicate event finds it taken), or an amendment
 * of a finished recording's results. `dueAt` is when it was received (the queue sends it at once).
 */
export const webhookSignalSchema = z.strictObject({
  kind: z.literal('webhook'),
  recordingId: nonEmptyString,
  signal: z.enum(['analysis-completed', 'evaluation-completed']),
  /** The evaluation the event is about (evaluation-completed only). */
  evaluationId: z.optional(nonEmptyString),
  /** Zoom's `evaluation_type` (MANUAL or AUTOMATED), as sent. */
  evaluationType: z.optional(z.string()),
  /** The evaluation's result as the event reported it (evaluation-completed only). */
  reported: z.optional(reportedEvaluationSchema),
  /** Zoom's `event_ts`: when Zoom says it happened. */
  occurredAt: nonNegativeInt,
  dueAt: positiveInt,
});

export type WebhookSignal = z.output<typeof webhookSignalSchema>;

/**
 * A finished recording to look at again for manual evaluations completed since (accounts without
 * webhooks), queued by the reconciler from the recording's `lateEvaluationCheck`.
 */
export const lateCheckMessageSchema = z.strictObject({
  kind: z.literal('late-check'),
  recordingId: nonEmptyString,
  dueAt: positiveInt,
});

export type LateCheckMessage = z.output<typeof lateCheckMessageSchema>;

export const pollQueueMessageSchema = z.discriminatedUnion('kind', [
  pollMessageSchema,
  webhookSignalSchema,
  lateCheckMessageSchema,
]);

export type PollQueueMessage = z.output<typeof pollQueueMessageSchema>;
