import * as z from 'zod';
import {
  ACKNOWLEDGEMENT_STATUSES,
  AUTOMATED_EVALUATION_STATUSES,
  DIRECTIONS,
  INTERACTION_CHANNEL_TYPES,
  LANGUAGES,
  MANUAL_EVALUATION_STATUSES,
} from './enums.ts';

/**
 * What the client sends: the POST body and the query of each list operation, typed and validated
 * before any network call (a bad request fails at once with the fields named, not after a
 * round-trip and a rate-limit token). Taken from zoom-qm-openapi.json.
 */

/** Zoom's time format everywhere: `yyyy-MM-dd'T'HH:mm:ss'Z'` (UTC, whole seconds). */
export const zoomTimestampSchema = z.iso.datetime({ precision: 0 });

/** Formats a date as Zoom expects it: `2025-09-01T19:13:02Z`. */
export function formatZoomTimestamp(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

const nonEmpty = z.string().trim().min(1);

/** E.164: "+" then up to 15 digits, no leading zero. */
const e164Schema = z.string().regex(/^\+[1-9]\d{1,14}$/, 'must be an E.164 phone number like +12053546173');

/** The body of POST /qm/interactions (requestBody of the OpenAPI). Unknown fields are refused. */
export const createInteractionRequestSchema = z.strictObject({
  /** Where Zoom downloads the recording: a presigned S3 GET URL. */
  download_url: z.url({ protocol: /^https?$/ }),
  interaction_info: z
    .strictObject({
      channel_type: z.enum(['video', 'voice']),
      agent_email: z.email().optional(),
      agent_id: nonEmpty.optional(),
      consumer_name: nonEmpty.optional(),
      from: e164Schema.optional(),
      to: e164Schema.optional(),
    })
    .optional(),
  start_time: zoomTimestampSchema.optional(),
  direction: z.enum(DIRECTIONS.values).optional(),
  queue_id: nonEmpty.optional(),
  disposition: nonEmpty.optional(),
  /** Empty: Zoom detects the language; set: Zoom transcribes in it. */
  primary_language: z.enum(LANGUAGES.values).optional(),
});

export type CreateInteractionRequest = z.input<typeof createInteractionRequestSchema>;

/** An element of a comma-separated query list: a comma inside it would split it in two. */
const listElement = z
  .string()
  .trim()
  .min(1)
  .regex(/^[^,]*$/, 'must not contain ","');

const pageSizeUpTo = (maximum: number) => z.int().min(1).max(maximum);

/**
 * GET /qm/interactions. List parameters are arrays (sent comma-separated). `page_size` stops at 99:
 * the OpenAPI says `maximum: 100, exclusiveMaximum: true` although its text says "Maximum: 100".
 */
export const listInteractionsQuerySchema = z.strictObject({
  from: zoomTimestampSchema.optional(),
  to: zoomTimestampSchema.optional(),
  page_size: pageSizeUpTo(99).optional(),
  user_ids: z.array(listElement).min(1).optional(),
  queues: z.array(listElement).min(1).optional(),
  channels: z.array(z.enum(INTERACTION_CHANNEL_TYPES.values)).min(1).optional(),
  direction: z.enum(DIRECTIONS.values).optional(),
  dispositions: z.array(listElement).min(1).optional(),
  /** Language codes as Zoom reports them (e.g. "en", "ja"). */
  language: z.array(listElement).min(1).optional(),
  scored: z.boolean().optional(),
  indicator_id: nonEmpty.optional(),
  topic: nonEmpty.optional(),
  engagement_id: nonEmpty.optional(),
  /** An IANA time zone (e.g. America/Los_Angeles) Zoom interprets `from`/`to` in. */
  time_zone: nonEmpty.refine(isKnownTimeZone, 'must be an IANA time zone').optional(),
});

export type ListInteractionsQuery = z.input<typeof listInteractionsQuerySchema>;

/** GET /qm/automated_evaluations. */
export const listAutomatedEvaluationsQuerySchema = z.strictObject({
  status: z.enum(AUTOMATED_EVALUATION_STATUSES.values).optional(),
  agent_id: nonEmpty.optional(),
  interaction_id: nonEmpty.optional(),
  from: zoomTimestampSchema.optional(),
  to: zoomTimestampSchema.optional(),
  page_size: pageSizeUpTo(100).optional(),
});

export type ListAutomatedEvaluationsQuery = z.input<typeof listAutomatedEvaluationsQuerySchema>;

/** GET /qm/evaluation. */
export const listEvaluationsQuerySchema = z.strictObject({
  status: z.enum(MANUAL_EVALUATION_STATUSES.values).optional(),
  agent_ids: z.array(listElement).min(1).optional(),
  evaluator_id: nonEmpty.optional(),
  acknowledgement_status: z.enum(ACKNOWLEDGEMENT_STATUSES.values).optional(),
  interaction_id: nonEmpty.optional(),
  from: zoomTimestampSchema.optional(),
  to: zoomTimestampSchema.optional(),
  page_size: pageSizeUpTo(100).optional(),
});

export type ListEvaluationsQuery = z.input<typeof listEvaluationsQuerySchema>;

/** The largest page each listing allows: the iterators ask for it, so a listing costs fewer rate-limit tokens. */
export const MAX_PAGE_SIZE = {
  listInteractions: 99,
  listAutomatedEvaluations: 100,
  listEvaluations: 100,
} as const;

function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

type QueryValue = string | number | boolean | readonly string[] | undefined;

/** A validated query as URL parameters: arrays comma-separated, absent values left out, in the schema's order. */
export function toSearchParams(query: Readonly<Record<string, QueryValue>>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) {
      continue;
    }
    params.set(name, Array.isArray(value) ? value.join(',') : String(value));
  }
  return params;
}
