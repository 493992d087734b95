import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type Clock, systemClock } from '../clock.ts';
import { ConfigError } from '../errors.ts';
import { documentClientOf } from '../table/document-client.ts';
import {
  conditionFailedItem,
  isConditionalCheckFailed,
  translateDynamoError,
} from '../table/dynamo-errors.ts';
import { ExpressionAttributes, updateExpression } from '../table/expressions.ts';
import { ItemType, type PrimaryKey, rateLimitBucketKey } from '../table/keys.ts';
import * as z from '../zod.ts';
import type { EffectiveRateLimit, RateLimitDecision, RateLimiter, RateLimitLabel } from './ports.ts';
import {
  type BucketState,
  burstToleranceMs,
  refillIntervalMs,
  takeFromBucket,
  unusableLimitProblem,
} from './rate-limit-bucket.ts';
import { utcDayNumber } from './utc-day.ts';

/**
 * Zoom's rate limits shared by every container: one token bucket per (Zoom account, label) in
 * the state table, plus a count per UTC day for labels with a daily cap, decided by the
 * arithmetic of rate-limit-bucket.ts.
 *
 * Because the bucket's GCRA form moves on by an atomic `tat = tat + interval` that DynamoDB
 * applies under a range condition, concurrent takes from any number of containers all succeed in
 * turn without knowing each other's values: there is no read-modify-write race, so no container
 * is starved by a faster one. A conditional write fails only when this container's guess of the
 * bucket's phase was wrong (it was busy, not idle; another container started the day) or the
 * bucket is really empty; the item DynamoDB returns with the failure is then the state to decide
 * from.
 *
 * A refusal costs nothing once the bucket is known: other containers' takes only ever move `tat`
 * and the daily count up, so a refusal decided from this container's last view is always right.
 */

/** Re-exported: the bucket arithmetic was first defined here, and callers import it from here. */
export {
  type BucketState,
  bucketCapacity,
  burstToleranceMs,
  refillIntervalMs,
  type TakeResult,
  takeFromBucket,
} from './rate-limit-bucket.ts';

const BUCKET_ITEM_SCHEMA_VERSION = 1;

const bucketItemSchema = z.object({
  tat: z.number(),
  day: z.int(),
  takenToday: z.int().check(z.nonnegative()),
});

export interface DynamoRateLimiterOptions {
  readonly tableName: string;
  /** The limits of each label, after the profile's fraction (see effectiveRateLimits). */
  readonly limits: Readonly<Record<RateLimitLabel, EffectiveRateLimit>>;
  readonly clock?: Clock | undefined;
  /**
   * Conditional writes tried per take. Each failed variant is ruled out for good (create, idle
   * bucket, same day), so a take needs at most four; the bound guards against a malformed item.
   */
  readonly maxAttempts?: number | undefined;
}

/** The result of one conditional write: stored with the bucket as it now is, or refused with the bucket as it was. */
type WriteOutcome =
  | { readonly stored: true; readonly state: BucketState | undefined }
  | { readonly stored: false; readonly current: BucketState | undefined };

export class DynamoRateLimiter implements RateLimiter {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #limits: Readonly<Record<RateLimitLabel, EffectiveRateLimit>>;
  readonly #clock: Clock;
  readonly #maxAttempts: number;
  /** The bucket as this container last saw it; absent until its first take. */
  readonly #known = new Map<string, BucketState>();

  constructor(client: DynamoDBClient, options: DynamoRateLimiterOptions) {
    const problem = unusableLimitProblem(options.limits);
    if (problem !== undefined) {
      throw new ConfigError(problem);
    }
    this.#client = documentClientOf(client);
    this.#tableName = options.tableName;
    this.#limits = options.limits;
    this.#clock = options.clock ?? systemClock;
    this.#maxAttempts = options.maxAttempts ?? 5;
  }

  async tryTake(accountId: string, label: RateLimitLabel): Promise<RateLimitDecision> {
    const limit = this.#limits[label];
    const key = rateLimitBucketKey(accountId, label);
    const cacheKey = `${key.pk}\u0000${key.sk}`;
    let known = this.#known.get(cacheKey);
    // One instant for every attempt of this take: `tat`, the day and the count only ever grow, so
    // each failed condition rules its variant out for good and the attempts cannot flip-flop.
    const now = this.#clock.now();
    for (let attempt = 1; attempt <= this.#maxAttempts; attempt += 1) {
      const { decision } = takeFromBucket(known, limit, now);
      if (!decision.granted) {
        return decision;
      }
      const outcome = await this.#write(key, known, limit, now);
      const seen = outcome.stored ? outcome.state : outcome.current;
      if (seen === undefined) {
        this.#known.delete(cacheKey);
      } else {
        this.#known.set(cacheKey, laterView(this.#known.get(cacheKey), seen));
      }
      if (outcome.stored) {
        return decision;
      }
      known = seen;
    }
    // Unreachable with a well-formed item (each variant fails at most once); a hand-edited one
    // that matches no variant is refused rather than granted beyond the limit.
    return { granted: false, retryAfterMs: Math.ceil(refillIntervalMs(limit)), kind: 'qps' };
  }

  /**
   * One take as a conditional update chosen from `known`: create the bucket; restart an idle one
   * (`tat` in the past) at now; or move a busy one's `tat` on by one interval, atomically. The
   * daily count either goes up within the day or restarts on a new day. Each variant's condition
   * states exactly the case it is right for, so a wrong guess fails instead of over-granting.
   */
  async #write(
    key: PrimaryKey,
    known: BucketState | undefined,
    limit: EffectiveRateLimit,
    now: number,
  ): Promise<WriteOutcome> {
    const names = new ExpressionAttributes();
    const tat = names.name('tat');
    const day = names.name('day');
    const takenToday = names.name('takenToday');
    const interval = refillIntervalMs(limit);
    const today = Math.max(utcDayNumber(now), known?.day ?? 0);
    const set = [
      `${names.name('type')} = ${names.value(ItemType.rateLimitBucket)}`,
      `${names.name('schemaVersion')} = ${names.value(BUCKET_ITEM_SCHEMA_VERSION)}`,
    ];
    const conditions: string[] = [];
    if (known === undefined) {
      conditions.push(`attribute_not_exists(${names.name('pk')})`);
      set.push(`${tat} = ${names.value(now + interval)}`, `${day} = ${names.value(today)}`);
      set.push(`${takenToday} = ${names.value(1)}`);
    } else {
      if (known.tat < now) {
        conditions.push(`${tat} < ${names.value(now)}`);
        set.push(`${tat} = ${names.value(now + interval)}`);
      } else {
        conditions.push(
          `${tat} BETWEEN ${names.value(now)} AND ${names.value(now + burstToleranceMs(limit))}`,
        );
        set.push(`${tat} = ${tat} + ${names.value(interval)}`);
      }
      if (known.day === today) {
        conditions.push(`${day} = ${names.value(today)}`);
        if (limit.perDay !== undefined) {
          conditions.push(`${takenToday} < ${names.value(limit.perDay)}`);
        }
        set.push(`${takenToday} = ${takenToday} + ${names.value(1)}`);
      } else {
        conditions.push(`${day} < ${names.value(today)}`);
        set.push(`${day} = ${names.value(today)}`, `${takenToday} = ${names.value(1)}`);
      }
    }
    try {
      const output = await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: key,
          UpdateExpression: updateExpression(set),
          ConditionExpression: conditions.join(' AND '),
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ...names.toInput(),
        }),
      );
      return { stored: true, state: bucketStateOf(output.Attributes) };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) {
        throw translateDynamoError(error, `taking a rate-limit token (${key.pk} ${key.sk})`);
      }
      return { stored: false, current: bucketStateOf(conditionFailedItem(error)) };
    }
  }
}

/**
 * The later of two views of one bucket. Concurrent takes of this container answer in any order;
 * every write only moves the day, the day's count and `tat` forward, so the later view is the
 * truer one, and keeping it stops an older answer from making an empty bucket look refillable.
 */
function laterView(current: BucketState | undefined, seen: BucketState): BucketState {
  if (current === undefined) {
    return seen;
  }
  if (current.day !== seen.day) {
    return current.day > seen.day ? current : seen;
  }
  if (current.takenToday !== seen.takenToday) {
    return current.takenToday > seen.takenToday ? current : seen;
  }
  return current.tat > seen.tat ? current : seen;
}

/**
 * The bucket in an item DynamoDB returned. An unreadable item (written by hand) reads as absent,
 * so the next take fails its create condition, and the limiter keeps refusing with a short wait
 * rather than granting beyond the limit.
 */
function bucketStateOf(item: Record<string, unknown> | undefined): BucketState | undefined {
  const parsed = bucketItemSchema.safeParse(item);
  return parsed.success ? parsed.data : undefined;
}
