import type { Clock } from '../clock.ts';
import type { EffectiveRateLimit, RateLimitDecision, RateLimiter, RateLimitLabel } from './ports.ts';
import { msUntilNextUtcMidnight, utcDayNumber } from './utc-day.ts';

interface Bucket {
  tokens: number;
  refilledAt: number;
  day: number;
  takenToday: number;
}

/**
 * A token bucket per (Zoom account, label) for the per-second limit, plus a counter per UTC day
 * for the daily one, held in this process. Right for a single process (the CLI, tests, one
 * container); Lambda containers share the DynamoDB-backed limiter instead.
 *
 * The bucket holds at most `perSecond` tokens (at least one, so a fractional rate still grants)
 * and refills continuously, so any window of T seconds grants at most `capacity + perSecond * T`.
 */
export class InProcessRateLimiter implements RateLimiter {
  readonly #limits: Readonly<Record<RateLimitLabel, EffectiveRateLimit>>;
  readonly #clock: Clock;
  readonly #buckets = new Map<string, Bucket>();

  constructor(limits: Readonly<Record<RateLimitLabel, EffectiveRateLimit>>, clock: Clock) {
    for (const [label, limit] of Object.entries(limits)) {
      if (!(limit.perSecond > 0) || (limit.perDay !== undefined && !(limit.perDay >= 1))) {
        throw new RangeError(
          `Rate limit for ${label} must allow at least one call (perSecond > 0, perDay >= 1)`,
        );
      }
    }
    this.#limits = limits;
    this.#clock = clock;
  }

  async tryTake(accountId: string, label: RateLimitLabel): Promise<RateLimitDecision> {
    return this.#take(accountId, label);
  }

  /** Synchronous on purpose: no await between reading and updating a bucket, so concurrent callers cannot both take the last token. */
  #take(accountId: string, label: RateLimitLabel): RateLimitDecision {
    const limit = this.#limits[label];
    const capacity = Math.max(1, limit.perSecond);
    const now = this.#clock.now();
    const bucket = this.#bucket(`${accountId}\u0000${label}`, capacity, now);

    const elapsedMs = Math.max(0, now - bucket.refilledAt);
    bucket.tokens = Math.min(capacity, bucket.tokens + (elapsedMs / 1_000) * limit.perSecond);
    bucket.refilledAt = Math.max(bucket.refilledAt, now);
    const today = utcDayNumber(now);
    if (bucket.day !== today) {
      bucket.day = today;
      bucket.takenToday = 0;
    }

    if (limit.perDay !== undefined && bucket.takenToday >= limit.perDay) {
      return { granted: false, retryAfterMs: msUntilNextUtcMidnight(now), kind: 'daily' };
    }
    if (bucket.tokens < 1) {
      return {
        granted: false,
        retryAfterMs: Math.ceil(((1 - bucket.tokens) / limit.perSecond) * 1_000),
        kind: 'qps',
      };
    }
    bucket.tokens -= 1;
    bucket.takenToday += 1;
    return { granted: true };
  }

  #bucket(key: string, capacity: number, now: number): Bucket {
    const existing = this.#buckets.get(key);
    if (existing !== undefined) {
      return existing;
    }
    const created: Bucket = { tokens: capacity, refilledAt: now, day: utcDayNumber(now), takenToday: 0 };
    this.#buckets.set(key, created);
    return created;
  }
}
