import { describe, expect, it } from 'vitest';
import {
  type BucketState,
  bucketCapacity,
  burstToleranceMs,
  refillIntervalMs,
  takeFromBucket,
} from '../../../shared/zoom/dynamo-rate-limiter.ts';
import type { EffectiveRateLimit } from '../../../shared/zoom/ports.ts';

/**
 * The arithmetic of the rate-limit bucket items the DynamoDB limiter keeps in the state table
 * (a token bucket in its GCRA form: `tat` is when the bucket would be full again).
 */
const NOON = Date.parse('2026-11-24T12:00:00Z');
const TODAY = Math.floor(NOON / 86_400_000);
const perSecond5 = { perSecond: 5 };

/** Takes `count` times at `now`, carrying the state along; returns the grants and the final state. */
function takeRepeatedly(
  state: BucketState | undefined,
  limit: EffectiveRateLimit,
  now: number,
  count: number,
): { granted: number; state: BucketState | undefined } {
  let current = state;
  let granted = 0;
  for (let call = 0; call < count; call += 1) {
    const result = takeFromBucket(current, limit, now);
    if (result.next !== undefined) {
      granted += 1;
      current = result.next;
    }
  }
  return { granted, state: current };
}

describe('takeFromBucket', () => {
  it('starts a bucket never used full, and grants its capacity at one instant', () => {
    // Prepare
    const neverUsed = undefined;

    // Act
    const { granted } = takeRepeatedly(neverUsed, perSecond5, NOON, 8);

    // Assess
    expect(granted).toBe(5);
  });

  it('refills continuously at the per-second rate', () => {
    // Prepare
    const { state: empty } = takeRepeatedly(undefined, perSecond5, NOON, 5);

    // Act
    const after100ms = takeFromBucket(empty, perSecond5, NOON + 100);
    const after200ms = takeFromBucket(empty, perSecond5, NOON + 200);

    // Assess
    expect(after100ms.decision).toEqual({ granted: false, retryAfterMs: 100, kind: 'qps' });
    expect(after200ms.decision).toEqual({ granted: true });
  });

  it('never holds more than its capacity, however long it rested', () => {
    // Prepare
    const { state: empty } = takeRepeatedly(undefined, perSecond5, NOON, 5);

    // Act
    const { granted } = takeRepeatedly(empty, perSecond5, NOON + 3_600_000, 20);

    // Assess
    expect(granted).toBe(bucketCapacity(perSecond5));
  });

  it('says how long until the deficit is refilled', () => {
    // Prepare
    const halfPerSecond = { perSecond: 0.5 };
    const { state: empty } = takeRepeatedly(undefined, halfPerSecond, NOON, 1);

    // Act
    const result = takeFromBucket(empty, halfPerSecond, NOON + 500);

    // Assess
    expect(result.decision).toEqual({ granted: false, retryAfterMs: 1_500, kind: 'qps' });
  });

  it('holds at least one token so a fractional rate still grants', () => {
    // Prepare
    const slow = { perSecond: 0.2 };

    // Act
    const capacity = bucketCapacity(slow);

    // Assess
    expect(capacity).toBe(1);
    expect(burstToleranceMs(slow)).toBe(0);
    expect(refillIntervalMs(slow)).toBe(5_000);
  });

  it('grants a fractional capacity by whole tokens, carrying the fraction over', () => {
    // Prepare
    const limit = { perSecond: 2.5 };

    // Act
    const first = takeRepeatedly(undefined, limit, NOON, 4);
    const second = takeRepeatedly(first.state, limit, NOON + 400, 4);
    const third = takeRepeatedly(second.state, limit, NOON + 800, 4);

    // Assess
    expect([first.granted, second.granted, third.granted]).toEqual([2, 1, 1]);
  });

  it('refuses past the daily cap until the next UTC midnight', () => {
    // Prepare
    const capped = { perSecond: 10, perDay: 2 };
    const { state } = takeRepeatedly(undefined, capped, NOON, 2);

    // Act
    const third = takeFromBucket(state, capped, NOON);

    // Assess
    expect(state?.takenToday).toBe(2);
    expect(third.decision).toEqual({ granted: false, retryAfterMs: 12 * 3_600_000, kind: 'daily' });
  });

  it('starts a new daily count on a new UTC day', () => {
    // Prepare
    const capped = { perSecond: 10, perDay: 1 };
    const { state: yesterday } = takeRepeatedly(undefined, capped, NOON, 1);

    // Act
    const sameDay = takeFromBucket(yesterday, capped, NOON + 1_000);
    const tomorrow = takeFromBucket(yesterday, capped, NOON + 12 * 3_600_000);

    // Assess
    expect(sameDay.decision.granted).toBe(false);
    expect(tomorrow.decision).toEqual({ granted: true });
    expect(tomorrow.next).toMatchObject({ day: TODAY + 1, takenToday: 1 });
  });

  it('counts on the day another container with a clock ahead already started', () => {
    // Prepare
    const startedTomorrow = { tat: NOON, day: TODAY + 1, takenToday: 1 };

    // Act
    const result = takeFromBucket(startedTomorrow, { perSecond: 10, perDay: 2 }, NOON);

    // Assess
    expect(result.next).toMatchObject({ day: TODAY + 1, takenToday: 2 });
  });

  it('moves tat on from now for an idle bucket and from tat for a busy one', () => {
    // Prepare
    const idle = { tat: NOON - 10_000, day: TODAY, takenToday: 0 };
    const busy = { tat: NOON + 300, day: TODAY, takenToday: 0 };

    // Act
    const fromIdle = takeFromBucket(idle, perSecond5, NOON);
    const fromBusy = takeFromBucket(busy, perSecond5, NOON);

    // Assess
    expect(fromIdle.next?.tat).toBe(NOON + 200);
    expect(fromBusy.next?.tat).toBe(NOON + 500);
  });
});
