import * as z from 'zod';
import { SPEC_OPERATION_LABELS, type ZoomOperation } from '../zoom/operations.ts';
import type { EffectiveRateLimit, RateLimitLabel } from '../zoom/ports.ts';
import { credentialedBaseUrlSchema } from '../zoom/urls.ts';
import { parseConfig } from './parse.ts';

/**
 * One Zoom account as qm-ingest talks to it: where its credentials live, which URLs to call (real
 * Zoom or the local simulator: the client has no other notion of "local"), its plan's rate limits
 * and how the client behaves on failures. Validated once at cold start.
 */

export const RATE_LIMIT_LABELS = ['LIGHT', 'MEDIUM', 'HEAVY'] as const satisfies readonly RateLimitLabel[];

const planLimitSchema = z.strictObject({
  /** Requests per second the plan allows for the label. */
  perSecond: z.number().positive(),
  /** Requests per UTC day the plan allows for the label, when it has a daily cap. */
  perDay: z.int().positive().optional(),
});

export type PlanLimit = z.output<typeof planLimitSchema>;

/**
 * Zoom's Pro plan limits (https://developers.zoom.us/docs/api/rate-limits/): the lowest paid plan,
 * so a profile that does not state its plan never exceeds it. Business and above allow
 * LIGHT 80/s, MEDIUM 60/s, HEAVY 40/s and 60,000 HEAVY calls a day.
 */
export const PRO_PLAN_LIMITS: Readonly<Record<RateLimitLabel, PlanLimit>> = {
  LIGHT: { perSecond: 30 },
  MEDIUM: { perSecond: 20 },
  HEAVY: { perSecond: 10, perDay: 30_000 },
};

const labelSchema = z.enum(RATE_LIMIT_LABELS);

const labelDefaultingTo = (operation: ZoomOperation) => labelSchema.default(SPEC_OPERATION_LABELS[operation]);

const operationLabelsSchema = z.strictObject({
  createInteraction: labelDefaultingTo('createInteraction'),
  listInteractions: labelDefaultingTo('listInteractions'),
  getInteraction: labelDefaultingTo('getInteraction'),
  listAutomatedEvaluations: labelDefaultingTo('listAutomatedEvaluations'),
  listEvaluations: labelDefaultingTo('listEvaluations'),
  getEvaluation: labelDefaultingTo('getEvaluation'),
}) satisfies z.ZodType<Record<ZoomOperation, RateLimitLabel>>;

export const zoomProfileSchema = z.strictObject({
  /** The profile's name, used in logs, metrics and stored keys. */
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, "_", "." or "-", at most 64'),
  /** Secrets Manager secret id (name or ARN) holding the account's S2S OAuth credentials. */
  secretName: z.string().min(1),
  /** The QM API base URL, with its version path. A token's `api_url` (regional accounts) overrides it. */
  apiBaseUrl: z._default(credentialedBaseUrlSchema, 'https://api.zoom.us/v2'),
  /** Zoom's OAuth token endpoint. */
  oauthUrl: z._default(credentialedBaseUrlSchema, 'https://zoom.us/oauth/token'),
  /** The account plan's limits per label; Pro when not given. */
  planLimits: z
    .strictObject({ LIGHT: planLimitSchema, MEDIUM: planLimitSchema, HEAVY: planLimitSchema })
    .default(PRO_PLAN_LIMITS),
  /**
   * The share of the plan qm-ingest may use: Zoom's limits are per account and shared with every
   * other app installed on it, so qm-ingest leaves the rest to them.
   */
  limitFraction: z.number().gt(0).lte(1).default(0.5),
  /** Each operation's rate-limit label; defaults from Zoom's reference (POST: HEAVY). */
  operationLabels: operationLabelsSchema.prefault({}),
  /** Upper bound of one HTTP request, response body included. */
  requestTimeoutMs: z.int().min(1).max(120_000).default(10_000),
  /** How many times a GET is retried on a transient failure (5xx, timeout, reset, malformed JSON). */
  getRetries: z.int().min(0).max(5).default(2),
  /** First backoff of those retries; each next one doubles, with full jitter. */
  retryBaseDelayMs: z.int().min(0).max(10_000).default(200),
  /** A token is refreshed when it has less than this left, so no request goes out on a dying token. */
  tokenRefreshMarginMs: z.int().min(0).max(1_800_000).default(300_000),
  /**
   * How long the client may wait for the local rate limiter instead of failing at once. The
   * callers are queue consumers that re-queue with a delay, so the default is not to wait.
   */
  maxLimiterWaitMs: z.int().min(0).max(5_000).default(0),
  /** How many times a listing restarts from the first page when Zoom says its page token expired. */
  maxPageTokenRestarts: z.int().min(0).max(10).default(3),
  /** How long credentials read from Secrets Manager are reused before being read again. */
  credentialsCacheTtlMs: z.int().min(0).max(86_400_000).default(300_000),
  /**
   * Whether this Zoom account honours `Idempotency-Key` on POST /qm/interactions. Zoom's published
   * API documents no such header, so the default is false: a POST whose answer was lost is then
   * resolved by looking the interaction up, never by posting again. Set true only for an account
   * whose Zoom has confirmed it; a retried POST then reuses the key.
   */
  honoursIdempotencyKey: z.boolean().default(false),
  /**
   * Zoom's QM webhooks for this account (`interaction_analysis_completed`, `evaluation_completed`),
   * received by the webhook function and verified with the secret's `webhook_secret_token`. On,
   * the events drive each recording to its result and polling becomes the safety net: a
   * submitted recording is checked every `safetyIntervalSeconds` (capped by its deadline and the
   * NO_EVALUATION grace) in case an event never comes. Off, polling follows its backoff as before.
   */
  webhooks: z
    .strictObject({
      enabled: z.boolean().default(false),
      safetyIntervalSeconds: z
        .number()
        .min(1)
        .max(6 * 3_600)
        .default(1_800),
    })
    .prefault({}),
});

/** A validated profile, defaults applied. */
export type ZoomProfile = z.output<typeof zoomProfileSchema>;
/** A profile as written in configuration, before defaults. */
export type ZoomProfileInput = z.input<typeof zoomProfileSchema>;

/**
 * Validates a profile. Throws a {@link ConfigError} that names every invalid field as
 * `<fieldPrefix>.<path>` (never its value: a misplaced secret must not end up in a log).
 */
export function parseZoomProfile(input: unknown, fieldPrefix = 'zoomProfile'): ZoomProfile {
  return parseConfig(zoomProfileSchema, input, fieldPrefix, 'Zoom profile');
}

/**
 * The limits qm-ingest holds itself to for each label: the plan's, times `limitFraction`. A daily
 * cap never drops below one call, so a tiny fraction slows the pipeline rather than stopping it.
 */
export function effectiveRateLimits(
  profile: ZoomProfile,
): Readonly<Record<RateLimitLabel, EffectiveRateLimit>> {
  const scale = (limit: PlanLimit): EffectiveRateLimit => ({
    perSecond: limit.perSecond * profile.limitFraction,
    perDay:
      limit.perDay === undefined ? undefined : Math.max(1, Math.floor(limit.perDay * profile.limitFraction)),
  });
  return {
    LIGHT: scale(profile.planLimits.LIGHT),
    MEDIUM: scale(profile.planLimits.MEDIUM),
    HEAVY: scale(profile.planLimits.HEAVY),
  };
}
