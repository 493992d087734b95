import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoRateLimiter } from '../../../shared/zoom/dynamo-rate-limiter.ts';
import type { EffectiveRateLimit, RateLimitLabel } from '../../../shared/zoom/ports.ts';
import { ManualClock } from '../../helpers/shared-manual-clock.ts';
import { useStateTable } from './state-table-fixture.ts';

/**
 * The shared rate limiter on DynamoDB Local. Several limiter instances (as several containers)
 * share one controllable clock, so "one second" is exact: the count of grants per second is
 * asserted against the bucket's size without any timing in the test.
 */
const NOON = Date.parse('2026-11-24T12:00:00Z');
const limits: Readonly<Record<RateLimitLabel, EffectiveRateLimit>> = {
  LIGHT: { perSecond: 5 },
  MEDIUM: { perSecond: 2.5 },
  HEAVY: { perSecond: 2, perDay: 3 },
};
const fixture = useStateTable();

function limitersOn(clock: ManualClock, count: number): DynamoRateLimiter[] {
  return Array.from(
    { length: count },
    () => new DynamoRateLimiter(fixture.client, { tableName: fixture.tableName, limits, clock }),
  );
}

/** Every limiter asks `callsEach` times at once; returns how many were granted. */
async function grantsFrom(
  limiters: readonly DynamoRateLimiter[],
  accountId: string,
  label: RateLimitLabel,
  callsEach: number,
): Promise<number> {
  const decisions = await Promise.all(
    limiters.flatMap((limiter) => Array.from({ length: callsEach }, () => limiter.tryTake(accountId, label))),
  );
  return decisions.filter((decision) => decision.granted).length;
}

/** Counts the requests a client sends to DynamoDB until stopped. */
function countRequests(client: DynamoDBClient): { readonly count: () => number; stop(): void } {
  let requests = 0;
  const name = 'countRequests';
  client.middlewareStack.add(
    (next) => async (args) => {
      requests += 1;
      return next(args);
    },
    { step: 'initialize', name },
  );
  return { count: () => requests, stop: () => client.middlewareStack.remove(name) };
}

describe('the DynamoDB rate limiter', () => {
  it('keeps 40 concurrent callers on 4 instances to the bucket size in every second', async () => {
    // Prepare
    const clock = new ManualClock(NOON);
    const limiters = limitersOn(clock, 4);
    const grantsPerSecond: number[] = [];

    // Act
    for (let second = 0; second < 5; second += 1) {
      clock.set(NOON + second * 1_000);
      grantsPerSecond.push(await grantsFrom(limiters, 'acct-window', 'LIGHT', 10));
    }

    // Assess
    expect(grantsPerSecond).toEqual([5, 5, 5, 5, 5]);
  });

  it('grants every token of a large bucket to many racing instances, none refused while tokens remain', async () => {
    // Prepare
    const clock = new ManualClock(NOON);
    const wide = { ...limits, LIGHT: { perSecond: 200 } };
    const limiters = Array.from(
      { length: 8 },
      () => new DynamoRateLimiter(fixture.client, { tableName: fixture.tableName, limits: wide, clock }),
    );

    // Act
    const granted = await grantsFrom(limiters, 'acct-wide', 'LIGHT', 25);
    const oneMore = await limiters[0]?.tryTake('acct-wide', 'LIGHT');

    // Assess
    expect(granted).toBe(200);
    expect(oneMore).toEqual({ granted: false, retryAfterMs: 5, kind: 'qps' });
  });

  it('refills in proportion to the time elapsed, fractional rates included', async () => {
    // Prepare
    const clock = new ManualClock(NOON);
    const limiters = limitersOn(clock, 3);
    const full = await grantsFrom(limiters, 'acct-refill', 'MEDIUM', 4);

    // Act
    clock.advance(400);
    const after400ms = await grantsFrom(limiters, 'acct-refill', 'MEDIUM', 4);
    clock.advance(400);
    const after800ms = await grantsFrom(limiters, 'acct-refill', 'MEDIUM', 4);

    // Assess
    expect([full, after400ms, after800ms]).toEqual([2, 1, 1]);
  });

  it('says how long to wait, from the deficit', async () => {
    // Prepare
    const clock = new ManualClock(NOON);
    const [limiter] = limitersOn(clock, 1);
    if (limiter === undefined) {
      throw new Error('no limiter');
    }
    await grantsFrom([limiter], 'acct-wait', 'LIGHT', 5);
    clock.advance(50);

    // Act
    const refused = await limiter.tryTake('acct-wait', 'LIGHT');

    // Assess
    expect(refused).toEqual({ granted: false, retryAfterMs: 150, kind: 'qps' });
  });

  it('holds every instance to the daily cap until the next UTC midnight', async () => {
    // Prepare
    const clock = new ManualClock(Date.parse('2026-11-24T23:00:00Z'));
    const limiters = limitersOn(clock, 3);
    const granted: number[] = [];
    for (let second = 0; second < 3; second += 1) {
      clock.advance(1_000);
      granted.push(await grantsFrom(limiters, 'acct-daily', 'HEAVY', 3));
    }

    // Act
    const refusal = await limiters[0]?.tryTake('acct-daily', 'HEAVY');
    clock.set(Date.parse('2026-11-25T00:00:00Z'));
    const nextDay = await grantsFrom(limiters, 'acct-daily', 'HEAVY', 3);

    // Assess
    expect(granted.reduce((sum, count) => sum + count, 0)).toBe(3);
    expect(refusal).toEqual({ granted: false, retryAfterMs: 3_600_000 - 3_000, kind: 'daily' });
    expect(nextDay).toBe(2);
  });

  it('keeps a bucket per account and per label', async () => {
    // Prepare
    const clock = new ManualClock(NOON);
    const limiters = limitersOn(clock, 2);
    await grantsFrom(limiters, 'acct-a', 'LIGHT', 5);

    // Act
    const otherAccount = await grantsFrom(limiters, 'acct-b', 'LIGHT', 5);
    const otherLabel = await grantsFrom(limiters, 'acct-a', 'MEDIUM', 5);
    const sameBucket = await grantsFrom(limiters, 'acct-a', 'LIGHT', 5);

    // Assess
    expect([otherAccount, otherLabel, sameBucket]).toEqual([5, 2, 0]);
  });

  it('refuses from its own view of an empty bucket without asking DynamoDB', async () => {
    // Prepare
    const clock = new ManualClock(NOON);
    const [limiter] = limitersOn(clock, 1);
    if (limiter === undefined) {
      throw new Error('no limiter');
    }
    await grantsFrom([limiter], 'acct-quiet', 'LIGHT', 6);
    const requests = countRequests(fixture.client);

    // Act
    const refusals = await Promise.all(
      Array.from({ length: 20 }, () => limiter.tryTake('acct-quiet', 'LIGHT')),
    );
    requests.stop();

    // Assess
    expect(refusals.every((decision) => !decision.granted)).toBe(true);
    expect(requests.count()).toBe(0);
  });

  it('refuses a configuration that could never grant', () => {
    // Prepare
    const zeroRate = { ...limits, LIGHT: { perSecond: 0 } };

    // Act
    const attempt = () =>
      new DynamoRateLimiter(fixture.client, { tableName: fixture.tableName, limits: zeroRate });

    // Assess
    expect(attempt).toThrow('Rate limit for LIGHT must allow at least one call');
  });
});
