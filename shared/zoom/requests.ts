import * as z from '../zod.ts';
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

const nonEmpty = z.string().check(z.trim(), z.minLength(1));

/** E.164: "+" then up to 15 digits, no leading zero. */
const e164Schema = z
  .string()
  .check(z.regex(/^\+[1-9]\d{1,14}$/, 'must be an E.164 phone number like +12053546173'));

/** The body of POST /qm/interactions (requestBody of the OpenAPI). Unknown fields are refused. */
export const createInteractionRequestSchema = z.strictObject({
  /** Where Zoom downloads the recording: a presigned S3 GET URL. */
  download_url: z.url({ protocol: /^https?$/ }),
  interaction_info: z.optional(
    z.strictObject({
      channel_type: z.enum(['video', 'voice']),
      agent_email: z.optional(z.email()),
      agent_id: z.optional(nonEmpty),
      consumer_name: z.optional(nonEmpty),
      from: z.optional(e164Schema),
      to: z.optional(e164Schema),
    }),
  ),
  start_time: z.optional(zoomTimestampSchema),
  direction: z.optional(z.enum(DIRECTIONS.values)),
  queue_id: z.optional(nonEmpty),
  disposition: z.optional(nonEmpty),
  /** Empty: Zoom detects the language; set: Zoom transcribes in it. */
  primary_language: z.optional(z.enum(LANGUAGES.values)),
});

export type CreateInteractionRequest = z.input<typeof createInteractionRequestSchema>;

/** An element of a comma-separated query list: a comma inside it would split it in two. */
const listElement = z.string().check(z.trim(), z.minLength(1), z.regex(/^[^,]*$/, 'must not contain ","'));

const pageSizeUpTo = (maximum: number) => z.int().check(z.minimum(1), z.maximum(maximum));

/** A list query parameter: absent, or at least one element. */
const optionalNonEmptyList = <TItem extends z.ZodMiniType>(item: TItem) =>
  z.optional(z.array(item).check(z.minLength(1)));

/**
 * GET /qm/interactions. List parameters are arrays (sent comma-separated). `page_size` stops at 99:
 * the OpenAPI says `maximum: 100, exclusiveMaximum: true` although its text says "Maximum: 100".
 */
export const listInteractionsQuerySchema = z.strictObject({
  from: z.optional(zoomTimestampSchema),
  to: z.optional(zoomTimestampSchema),
  page_size: z.optional(pageSizeUpTo(99)),
  user_ids: optionalNonEmptyList(listElement),
  queues: optionalNonEmptyList(listElement),
  channels: optionalNonEmptyList(z.enum(INTERACTION_CHANNEL_TYPES.values)),
  direction: z.optional(z.enum(DIRECTIONS.values)),
  dispositions: optionalNonEmptyList(listElement),
  /** Language codes as Zoom reports them (e.g. "en", "ja"). */
  language: optionalNonEmptyList(listElement),
  scored: z.optional(z.boolean()),
  indicator_id: z.optional(nonEmpty),
  topic: z.optional(nonEmpty),
  engagement_id: z.optional(nonEmpty),
  /** An IANA time zone (e.g. America/Los_Angeles) Zoom interprets `from`/`to` in. */
  time_zone: z.optional(nonEmpty.check(z.refine(isKnownTimeZone, 'must be an IANA time zone'))),
});

export type ListInteractionsQuery = z.input<typeof listInteractionsQuerySchema>;

/** GET /qm/automated_evaluations. */
export const listAutomatedEvaluationsQuerySchema = z.strictObject({
  status: z.optional(z.enum(AUTOMATED_EVALUATION_STATUSES.values)),
  agent_id: z.optional(nonEmpty),
  interaction_id: z.optional(nonEmpty),
  from: z.optional(zoomTimestampSchema),
  to: z.optional(zoomTimestampSchema),
  page_size: z.optional(pageSizeUpTo(100)),
});

export type ListAutomatedEvaluationsQuery = z.input<typeof listAutomatedEvaluationsQuerySchema>;

/** GET /qm/evaluation. */
export const listEvaluationsQuerySchema = z.strictObject({
  status: z.optional(z.enum(MANUAL_EVALUATION_STATUSES.values)),
  agent_ids: optionalNonEmptyList(listElement),
  evaluator_id: z.optional(nonEmpty),
  acknowledgement_status: z.optional(z.enum(ACKNOWLEDGEMENT_STATUSES.values)),
  interaction_id: z.optional(nonEmpty),
  from: z.optional(zoomTimestampSchema),
  to: z.optional(zoomTimestampSchema),
  page_size: z.optional(pageSizeUpTo(100)),
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
