import { describe, expect, it } from 'vitest';
import { createRandom, sampleDurationMs, stableZoomId } from '../../../local/zoom-simulator/random.ts';

describe('zoom simulator: seeded randomness', () => {
  it('replays the same stream for the same seed and labels', () => {
    // Prepare
    const first = createRandom(42, 'content', 7);
    const second = createRandom(42, 'content', 7);

    // Act
    const drawsA = Array.from({ length: 20 }, () => first.next());
    const drawsB = Array.from({ length: 20 }, () => second.next());

    // Assess
    expect(drawsB).toEqual(drawsA);
  });

  it('gives different streams different draws', () => {
    // Act
    const seven = createRandom(42, 'content', 7).next();
    const eight = createRandom(42, 'content', 8).next();
    const otherSeed = createRandom(43, 'content', 7).next();

    // Assess
    expect(new Set([seven, eight, otherSeed]).size).toBe(3);
  });

  it('never picks a zero-weight key and follows the weights', () => {
    // Prepare
    const random = createRandom('weights');
    const counts = { often: 0, rarely: 0, never: 0 };

    // Act
    for (let draw = 0; draw < 10_000; draw += 1)
      counts[random.weighted({ often: 9, rarely: 1, never: 0 })] += 1;

    // Assess
    expect(counts.never).toBe(0);
    expect(counts.often / 10_000).toBeGreaterThan(0.85);
    expect(counts.often / 10_000).toBeLessThan(0.95);
  });

  it('draws integers within bounds, both included', () => {
    // Prepare
    const random = createRandom('ints');

    // Act
    const draws = new Set(Array.from({ length: 2000 }, () => random.int(3, 6)));

    // Assess
    expect([...draws].sort()).toEqual([3, 4, 5, 6]);
  });

  it("makes ids shaped like Zoom's", () => {
    // Prepare
    const random = createRandom('ids');

    // Act
    const zoomId = random.zoomId();
    const hexId = random.hexId();

    // Assess
    expect(zoomId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(hexId).toMatch(/^[0-9a-f]{32}$/);
    expect(stableZoomId(1, 'scorecard', 0)).toBe(stableZoomId(1, 'scorecard', 0));
    expect(stableZoomId(1, 'scorecard', 0)).not.toBe(stableZoomId(1, 'scorecard', 1));
  });

  it('samples fixed durations exactly and long-tailed ones around their median, capped', () => {
    // Prepare
    const random = createRandom('durations');
    const spec = { kind: 'lognormal', medianSeconds: 600, sigma: 1.2, maxSeconds: 7200 } as const;

    // Act
    const fixed = sampleDurationMs({ kind: 'fixed', seconds: 90 }, random);
    const draws = Array.from({ length: 5000 }, () => sampleDurationMs(spec, random)).sort((a, b) => a - b);

    // Assess
    expect(fixed).toBe(90_000);
    const median = draws[2500] ?? 0;
    expect(median).toBeGreaterThan(500_000);
    expect(median).toBeLessThan(720_000);
    expect(draws.at(-1)).toBe(7_200_000);
    expect(draws.at(-50) ?? 0).toBeGreaterThan(4 * median);
  });
});
