import type { EffectiveRateLimit, RateLimitDecision, RateLimitLabel } from './ports.ts';
import { msUntilNextUtcMidnight, utcDayNumber } from './utc-day.ts';

/**
 * The arithmetic of Zoom's rate limits, shared by the in-process and the DynamoDB limiter so
 * both grant exactly alike: a token bucket per (Zoom account, label) for the per-second limit,
 * plus a count per UTC day for labels with a daily cap.
 *
 * The bucket is kept in its GCRA form (the "virtual scheduling" form of a token bucket): one
 * number, `tat`, the time at which the bucket would be full again. A take is granted while
 * `tat <= now + tolerance`, and moves `tat` on by one interval. That one number is what lets the
 * DynamoDB limiter update a bucket atomically (`tat = tat + interval` under a range condition).
 */

/** The state of one bucket. */
export interface BucketState {
  /** Theoretical arrival time (epoch ms): when the bucket would be full again. */
  readonly tat: number;
  /** The UTC day (days since the epoch) `takenToday` counts. */
  readonly day: number;
  readonly takenToday: number;
}

/** The outcome of one take: the decision and, for a grant, the bucket after it. */
export type TakeResult =
  | { readonly decision: { readonly granted: true }; readonly next: BucketState }
  | { readonly decision: Extract<RateLimitDecision, { granted: false }>; readonly next?: undefined };

/**
 * The bucket holds at most `perSecond` tokens (at least one, so a fractional rate still grants):
 * any window of T seconds grants at most `capacity + perSecond * T`.
 */
export function bucketCapacity(limit: EffectiveRateLimit): number {
  return Math.max(1, limit.perSecond);
}

/** Milliseconds one token takes to refill. */
export function refillIntervalMs(limit: EffectiveRateLimit): number {
  return 1_000 / limit.perSecond;
}

/** How far ahead of now `tat` may be for a take to be granted: a full bucket's worth minus one token. */
export function burstToleranceMs(limit: EffectiveRateLimit): number {
  return (bucketCapacity(limit) - 1) * refillIntervalMs(limit);
}

/**
 * Decides one take at `now` from a bucket's state (undefined: never used, so full). Pure: the
 * arithmetic every limiter applies, and what DynamoDB's conditions re-check at write time.
 */
export function takeFromBucket(
  state: BucketState | undefined,
  limit: EffectiveRateLimit,
  now: number,
): TakeResult {
  const today = Math.max(utcDayNumber(now), state?.day ?? 0);
  const takenToday = state !== undefined && state.day === today ? state.takenToday : 0;
  if (limit.perDay !== undefined && takenToday >= limit.perDay) {
    return { decision: { granted: false, retryAfterMs: msUntilNextUtcMidnight(now), kind: 'daily' } };
  }
  const tat = Math.max(state?.tat ?? now, now);
  const waitMs = tat - burstToleranceMs(limit) - now;
  if (waitMs > 0) {
    return { decision: { granted: false, retryAfterMs: Math.ceil(waitMs), kind: 'qps' } };
  }
  return {
    decision: { granted: true },
    next: { tat: tat + refillIntervalMs(limit), day: today, takenToday: takenToday + 1 },
  };
}

/**
 * Why a limiter cannot be built on `limits`: the first label whose limit could never grant a
 * call (perSecond not above 0, or perDay below 1); undefined when every label can.
 */
export function unusableLimitProblem(
  limits: Readonly<Record<RateLimitLabel, EffectiveRateLimit>>,
): string | undefined {
  for (const [label, limit] of Object.entries(limits)) {
    if (!(limit.perSecond > 0) || (limit.perDay !== undefined && !(limit.perDay >= 1))) {
      return `Rate limit for ${label} must allow at least one call (perSecond > 0, perDay >= 1)`;
    }
  }
  return undefined;
}
