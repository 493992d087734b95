import { describe, expect, it } from 'vitest';
import { planLimits, RateLimitWindows, resolveLimits } from '../../../local/zoom-simulator/rate-limits.ts';

function clockAt(iso: string) {
  let now = Date.parse(iso);
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('zoom simulator: rate-limit windows', () => {
  it("uses Zoom's published plan table, with per-label overrides", () => {
    // Act
    const limits = resolveLimits('pro', { LIGHT: { perSecond: 5 }, HEAVY: { perDay: null } });

    // Assess
    expect(planLimits.free.MEDIUM).toEqual({ perSecond: 2, perDay: 2000 });
    expect(planLimits.business.HEAVY).toEqual({ perSecond: 40, perDay: 60_000 });
    expect(limits).toEqual({
      LIGHT: { perSecond: 5, perDay: null },
      MEDIUM: { perSecond: 20, perDay: null },
      HEAVY: { perSecond: 10, perDay: null },
    });
  });

  it('refuses the request over the per-second limit until the next second', () => {
    // Prepare
    const clock = clockAt('2026-03-02T09:00:00.900Z');
    const windows = new RateLimitWindows(clock, resolveLimits('free', {}));
    const first = windows.take('HEAVY');

    // Act
    const second = windows.take('HEAVY');
    clock.advance(100);
    const third = windows.take('HEAVY');

    // Assess
    expect(first).toEqual({
      allowed: true,
      headers: {
        'X-RateLimit-Category': 'Heavy',
        'X-RateLimit-Limit': '1000',
        'X-RateLimit-Remaining': '999',
      },
    });
    expect(second).toMatchObject({
      allowed: false,
      type: 'QPS',
      response: { status: 429, headers: { 'Retry-After': '1' } },
    });
    expect(third.allowed).toBe(true);
  });

  it('refuses the request over the daily limit until the next UTC midnight', () => {
    // Prepare
    const clock = clockAt('2026-12-31T23:59:58Z');
    const windows = new RateLimitWindows(
      clock,
      resolveLimits('pro', { MEDIUM: { perSecond: null, perDay: 1 } }),
    );
    windows.take('MEDIUM');

    // Act
    const refused = windows.take('MEDIUM');
    clock.advance(2000);
    const nextDay = windows.take('MEDIUM');

    // Assess
    expect(refused).toMatchObject({
      allowed: false,
      type: 'Daily-limit',
      response: { headers: { 'Retry-After': '2027-01-01T00:00:00Z', 'X-RateLimit-Type': 'Daily-limit' } },
    });
    expect(nextDay.allowed).toBe(true);
  });

  it('keeps labels apart and does not limit an unlimited label', () => {
    // Prepare
    const clock = clockAt('2026-03-02T09:00:00Z');
    const windows = new RateLimitWindows(
      clock,
      resolveLimits('free', { LIGHT: { perSecond: null, perDay: null } }),
    );
    windows.take('MEDIUM');
    windows.take('MEDIUM');

    // Act
    const medium = windows.take('MEDIUM');
    const light = Array.from({ length: 50 }, () => windows.take('LIGHT').allowed);

    // Assess
    expect(medium.allowed).toBe(false);
    expect(light.every(Boolean)).toBe(true);
  });
});
