import { describe, expect, it } from 'vitest';
import { median, summarize } from '../../../bench/stats.ts';
import { percentile } from '../../../shared/statistics.ts';

describe('percentile', () => {
  it.each([
    [0.5, 5],
    [0.95, 10],
    [0.1, 1],
    [1, 10],
  ])('takes the nearest rank for %s', (fraction, expected) => {
    // Prepare: 1..10, out of order
    const samples = [7, 3, 10, 1, 5, 9, 2, 8, 4, 6];

    // Act / Assess
    expect(percentile(samples, fraction)).toBe(expected);
  });

  it('refuses an empty series rather than print a figure', () => {
    // Act / Assess
    expect(() => percentile([], 0.5)).toThrow(RangeError);
  });

  it('leaves the samples unsorted', () => {
    // Prepare
    const samples = [3, 1, 2];

    // Act
    median(samples);

    // Assess
    expect(samples).toEqual([3, 1, 2]);
  });
});

describe('summarize', () => {
  it('derives calls per second from the total time', () => {
    // Act
    const summary = summarize([2, 2, 4, 8]);

    // Assess
    expect(summary).toEqual({ count: 4, totalMs: 16, callsPerSecond: 250, p50Ms: 2, p95Ms: 8 });
  });
});
