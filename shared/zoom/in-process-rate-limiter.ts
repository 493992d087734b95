import type { Clock } from '../clock.ts';
import type { EffectiveRateLimit, RateLimitDecision, RateLimiter, RateLimitLabel } from './ports.ts';
import { type BucketState, takeFromBucket, unusableLimitProblem } from './rate-limit-bucket.ts';

/**
 * A token bucket per (Zoom account, label) for the per-second limit, plus a counter per UTC day
 * for the daily one, held in this process. Right for a single process (the CLI, tests, one
 * container); Lambda containers share the DynamoDB-backed limiter instead. Both decide with the
 * same arithmetic (rate-limit-bucket.ts), so a limit grants alike wherever it is kept.
 *
 * The bucket holds at most `perSecond` tokens (at least one, so a fractional rate still grants)
 * and refills continuously, so any window of T seconds grants at most `capacity + perSecond * T`.
 */
export class InProcessRateLimiter implements RateLimiter {
  readonly #limits: Readonly<Record<RateLimitLabel, EffectiveRateLimit>>;
  readonly #clock: Clock;
  readonly #buckets = new Map<string, BucketState>();

  constructor(limits: Readonly<Record<RateLimitLabel, EffectiveRateLimit>>, clock: Clock) {
    const problem = unusableLimitProblem(limits);
    if (problem !== undefined) {
      throw new RangeError(problem);
    }
    this.#limits = limits;
    this.#clock = clock;
  }

  async tryTake(accountId: string, label: RateLimitLabel): Promise<RateLimitDecision> {
    return this.#take(accountId, label);
  }

  /** Synchronous on purpose: no await between reading and updating a bucket, so concurrent callers cannot both take the last token. */
  #take(accountId: string, label: RateLimitLabel): RateLimitDecision {
    const key = `${accountId}\u0000${label}`;
    const { decision, next } = takeFromBucket(this.#buckets.get(key), this.#limits[label], this.#clock.now());
    if (next !== undefined) {
      this.#buckets.set(key, next);
    }
    return decision;
  }
}
