import { describe, expect, it } from 'vitest';
import { effectiveRateLimits, parseZoomProfile } from '../../../shared/config/zoom-profile.ts';
import { ZoomRateLimitedError } from '../../../shared/zoom/errors.ts';
import { InProcessRateLimiter } from '../../../shared/zoom/in-process-rate-limiter.ts';
import type { EffectiveRateLimit, RateLimitLabel } from '../../../shared/zoom/ports.ts';
import { json } from '../../helpers/fake-fetch.ts';
import { FakeClock } from './support/fake-clock.ts';
import { Harness, rejectionOf } from './support/harness.ts';

const limits = (heavy: EffectiveRateLimit): Record<RateLimitLabel, EffectiveRateLimit> => ({
  LIGHT: { perSecond: 100 },
  MEDIUM: { perSecond: 50 },
  HEAVY: heavy,
});

async function takeConcurrently(
  limiter: InProcessRateLimiter,
  count: number,
  account = 'acct-1',
  label: RateLimitLabel = 'HEAVY',
) {
  const decisions = await Promise.all(Array.from({ length: count }, () => limiter.tryTake(account, label)));
  return decisions;
}

describe('InProcessRateLimiter', () => {
  it('grants a burst of at most the per-second rate, then refuses with the wait until the next token', async () => {
    // Prepare
    const clock = new FakeClock();
    const limiter = new InProcessRateLimiter(limits({ perSecond: 5 }), clock);

    // Act
    const decisions = await takeConcurrently(limiter, 12);

    // Assess
    expect(decisions.filter((decision) => decision.granted)).toHaveLength(5);
    expect(decisions.filter((decision) => !decision.granted)).toEqual(
      Array.from({ length: 7 }, () => ({ granted: false, retryAfterMs: 200, kind: 'qps' })),
    );
  });

  it('holds the configured rate over a long window under concurrent callers', async () => {
    // Prepare: 5/s; every 50 ms, 20 callers at once, for 10 simulated seconds.
    const clock = new FakeClock();
    const limiter = new InProcessRateLimiter(limits({ perSecond: 5 }), clock);
    const grantsPerSecond = new Map<number, number>();
    const start = clock.now();

    // Act
    for (let tick = 0; tick < 200; tick += 1) {
      const decisions = await takeConcurrently(limiter, 20);
      const second = Math.floor((clock.now() - start) / 1_000);
      grantsPerSecond.set(
        second,
        (grantsPerSecond.get(second) ?? 0) + decisions.filter((d) => d.granted).length,
      );
      clock.advance(50);
    }

    // Assess: a token bucket grants at most capacity + rate * elapsed over the run (5 + 5 * 9.95 s),
    // the first second may spend the initial burst on top of the rate, every later second the rate.
    const total = [...grantsPerSecond.values()].reduce((sum, grants) => sum + grants, 0);
    expect(total).toBe(Math.floor(5 + 5 * 9.95));
    expect(grantsPerSecond.get(0)).toBeLessThanOrEqual(5 + 5);
    for (let second = 1; second < 10; second += 1) {
      expect(grantsPerSecond.get(second)).toBe(5);
    }
  });

  it('a fractional rate still grants, one call per 1/rate seconds', async () => {
    // Prepare
    const clock = new FakeClock();
    const limiter = new InProcessRateLimiter(limits({ perSecond: 0.5 }), clock);

    // Act
    const first = await limiter.tryTake('acct-1', 'HEAVY');
    const second = await limiter.tryTake('acct-1', 'HEAVY');
    clock.advance(2_000);
    const third = await limiter.tryTake('acct-1', 'HEAVY');

    // Assess
    expect(first).toEqual({ granted: true });
    expect(second).toEqual({ granted: false, retryAfterMs: 2_000, kind: 'qps' });
    expect(third).toEqual({ granted: true });
  });

  it('keeps a separate bucket per account and per label', async () => {
    // Prepare
    const clock = new FakeClock();
    const limiter = new InProcessRateLimiter(limits({ perSecond: 1 }), clock);
    await limiter.tryTake('acct-1', 'HEAVY');

    // Act
    const sameBucket = await limiter.tryTake('acct-1', 'HEAVY');
    const otherAccount = await limiter.tryTake('acct-2', 'HEAVY');
    const otherLabel = await limiter.tryTake('acct-1', 'MEDIUM');

    // Assess
    expect(sameBucket.granted).toBe(false);
    expect(otherAccount.granted).toBe(true);
    expect(otherLabel.granted).toBe(true);
  });

  it('stops at the daily limit until the next UTC midnight, then starts again', async () => {
    // Prepare
    const clock = new FakeClock('2026-03-10T23:59:00Z');
    const limiter = new InProcessRateLimiter(limits({ perSecond: 100, perDay: 3 }), clock);
    await takeConcurrently(limiter, 3);

    // Act
    const refused = await limiter.tryTake('acct-1', 'HEAVY');
    clock.set('2026-03-11T00:00:00Z');
    const nextDay = await limiter.tryTake('acct-1', 'HEAVY');

    // Assess
    expect(refused).toEqual({ granted: false, retryAfterMs: 60_000, kind: 'daily' });
    expect(nextDay).toEqual({ granted: true });
  });

  it('a per-second refusal does not count against the daily limit', async () => {
    // Prepare
    const clock = new FakeClock();
    const limiter = new InProcessRateLimiter(limits({ perSecond: 1, perDay: 2 }), clock);

    // Act
    await takeConcurrently(limiter, 10);
    clock.advance(1_000);
    const afterRefill = await limiter.tryTake('acct-1', 'HEAVY');

    // Assess
    expect(afterRefill).toEqual({ granted: true });
  });

  it('refuses a limit that could never grant', () => {
    // Act
    const build = () => new InProcessRateLimiter(limits({ perSecond: 0 }), new FakeClock());

    // Assess
    expect(build).toThrow(RangeError);
  });

  it('is sized to the configured fraction of the plan', async () => {
    // Prepare
    const profile = parseZoomProfile({
      name: 'p',
      secretName: 's',
      planLimits: {
        LIGHT: { perSecond: 80 },
        MEDIUM: { perSecond: 60 },
        HEAVY: { perSecond: 40, perDay: 60_000 },
      },
      limitFraction: 0.25,
    });
    const limiter = new InProcessRateLimiter(effectiveRateLimits(profile), new FakeClock());

    // Act
    const decisions = await takeConcurrently(limiter, 20);

    // Assess
    expect(effectiveRateLimits(profile).HEAVY).toEqual({ perSecond: 10, perDay: 15_000 });
    expect(decisions.filter((decision) => decision.granted)).toHaveLength(10);
  });
});

describe('the client and the local limiter', () => {
  it('takes a token per call under the operation label, and refuses without calling Zoom when there is none', async () => {
    // Prepare
    const mediumLimiter = new InProcessRateLimiter(
      { LIGHT: { perSecond: 1000 }, MEDIUM: { perSecond: 3 }, HEAVY: { perSecond: 1000 } },
      new FakeClock(),
    );
    const limited = new Harness({ rateLimiter: mediumLimiter });
    limited.http.route(
      'GET',
      '/v2/qm/interactions/int-1',
      json(200, { interaction_info: { interaction_id: 'int-1' } }),
    );

    // Act
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, () => limited.client.getInteraction('int-1')),
    );

    // Assess
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(3);
    expect(limited.apiRequests()).toHaveLength(3);
    const refusals = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
    expect(refusals).toHaveLength(7);
    for (const refusal of refusals) {
      expect(refusal).toBeInstanceOf(ZoomRateLimitedError);
      expect((refusal as ZoomRateLimitedError).rateLimit).toMatchObject({
        source: 'local-limiter',
        kind: 'qps',
        label: 'MEDIUM',
      });
      expect((refusal as ZoomRateLimitedError).rateLimit.retryAfterMs).toBeGreaterThan(0);
      expect((refusal as ZoomRateLimitedError).retryable).toBe(true);
    }
  });

  it('uses the configured label: the POST defaults to HEAVY', async () => {
    // Prepare
    const taken: RateLimitLabel[] = [];
    const harness = new Harness({
      rateLimiter: {
        tryTake: async (_account, label) => {
          taken.push(label);
          return { granted: true };
        },
      },
    });
    harness.http.route('POST', '/v2/qm/interactions', json(201, { interaction_id: 'i-1' }));
    harness.http.route('GET', '/v2/qm/automated_evaluations', json(200, { data: [] }));

    // Act
    await harness.client.createInteraction(
      { download_url: 'https://example.com/a.mp3' },
      { idempotencyKey: 'k' },
    );
    await harness.client.listAutomatedEvaluationsPage();

    // Assess
    expect(taken).toEqual(['HEAVY', 'LIGHT']);
  });

  it('a daily refusal says daily and the wait until midnight', async () => {
    // Prepare
    const harness = new Harness({
      rateLimiter: { tryTake: async () => ({ granted: false, retryAfterMs: 3_600_000, kind: 'daily' }) },
    });

    // Act
    const error = await rejectionOf(harness.client.getInteraction('int-1'));

    // Assess
    expect(error).toBeInstanceOf(ZoomRateLimitedError);
    expect((error as ZoomRateLimitedError).rateLimit).toMatchObject({
      kind: 'daily',
      retryAfterMs: 3_600_000,
    });
    expect(harness.apiRequests()).toHaveLength(0);
  });

  it('waits for the limiter only up to maxLimiterWaitMs', async () => {
    // Prepare
    const harness = new Harness({
      profile: {
        maxLimiterWaitMs: 500,
        planLimits: { LIGHT: { perSecond: 1 }, MEDIUM: { perSecond: 4 }, HEAVY: { perSecond: 1 } },
        limitFraction: 1,
      },
    });
    harness.http.route(
      'GET',
      '/v2/qm/interactions/int-1',
      json(200, { interaction_info: { interaction_id: 'int-1' } }),
    );

    // Act: 4 immediate, then one after a 250 ms wait.
    for (let call = 0; call < 5; call += 1) {
      await harness.client.getInteraction('int-1');
    }

    // Assess
    expect(harness.sleeps).toEqual([250]);
    expect(harness.apiRequests()).toHaveLength(5);
  });
});
