import * as z from '../zod.ts';

/**
 * The webhook bodies qm-ingest reads (Zoom's QM webhook reference, ../shared/zoom-qm-webhooks.json,
 * and the URL validation of https://developers.zoom.us/docs/api/webhooks/). Only the fields the
 * receiver acts on are required; the rest pass through unread, so a field Zoom adds breaks
 * nothing. The event name is taken from the `event` field as sent; note that the reference's own
 * example of `evaluation_completed` wrongly says `interaction_analysis_completed` there, and its
 * schema (an `evaluation_id`, no `interaction_info`) is what tells the two apart.
 */

export const WebhookEvent = {
  urlValidation: 'endpoint.url_validation',
  analysisCompleted: 'quality_management.interaction_analysis_completed',
  evaluationCompleted: 'quality_management.evaluation_completed',
} as const;

const id = z.string().check(z.trim(), z.minLength(1));
const optionalString = z.optional(z.string());
const optionalNumber = z.optional(z.number());
const nonNegativeInt = z.int().check(z.nonnegative());

/** What every request carries: enough to pick the account whose secret token verifies it. */
export const webhookEnvelopeSchema = z.object({
  event: z.string().check(z.minLength(1)),
  event_ts: z.optional(nonNegativeInt),
  payload: z.looseObject({ account_id: z.optional(id) }),
});

export const urlValidationSchema = z.object({
  event: z.literal(WebhookEvent.urlValidation),
  payload: z.looseObject({ plainToken: z.string().check(z.minLength(1), z.maxLength(256)) }),
});

export const analysisCompletedSchema = z.object({
  event: z.literal(WebhookEvent.analysisCompleted),
  event_ts: nonNegativeInt,
  payload: z.looseObject({
    account_id: id,
    object: z.looseObject({ interaction_info: z.looseObject({ interaction_id: id }) }),
  }),
});

export const evaluationCompletedSchema = z.object({
  event: z.literal(WebhookEvent.evaluationCompleted),
  event_ts: nonNegativeInt,
  payload: z.looseObject({
    account_id: id,
    object: z.looseObject({
      evaluation_id: id,
      /** Optional in Zoom's schema: an event without it cannot be matched to a recording. */
      interaction_id: z.optional(id),
      /** MANUAL or AUTOMATED; a value Zoom adds later is kept and treated as neither. */
      evaluation_type: optionalString,
      /** The evaluation's result as Zoom reports it in the event (all optional in Zoom's schema). */
      scorecard_name: optionalString,
      scoring_format: optionalString,
      total_possible_score: optionalNumber,
      evaluation_score: optionalNumber,
      evaluation_score_ratio: optionalNumber,
    }),
  }),
});

export type WebhookEnvelope = z.output<typeof webhookEnvelopeSchema>;
export type AnalysisCompleted = z.output<typeof analysisCompletedSchema>;
export type EvaluationCompleted = z.output<typeof evaluationCompletedSchema>;
