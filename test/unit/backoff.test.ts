import { describe, expect, it } from 'vitest';
import { backoffCeilingMs, jitteredMs } from '../../shared/backoff.ts';

const backoff = { baseMs: 1_000, factor: 3, capMs: 20_000 };

describe('the backoff ceiling', () => {
  it('grows by the factor from the base after each attempt, up to the cap', () => {
    // Act
    const ceilings = [1, 2, 3, 4, 1_000_000].map((attempt) => backoffCeilingMs(attempt, backoff));

    // Assess
    expect(ceilings).toEqual([1_000, 3_000, 9_000, 20_000, 20_000]);
  });

  it('treats an attempt below one as the first', () => {
    // Act
    const ceiling = backoffCeilingMs(0, backoff);

    // Assess
    expect(ceiling).toBe(1_000);
  });
});

describe('the jitter', () => {
  it.each([
    ['equal', 0, 500],
    ['equal', 0.5, 750],
    ['full', 0.25, 250],
    ['full', 0, 0],
    ['none', 0.9, 1_000],
  ] as const)('%s with a draw of %d waits %d of a 1000 ms ceiling', (jitter, share, expected) => {
    // Act
    const delay = jitteredMs(1_000, jitter, () => share);

    // Assess
    expect(delay).toBe(expected);
  });

  it('draws once whatever the jitter, so a caller sequence of draws is the same', () => {
    // Prepare
    let draws = 0;
    const random = () => {
      draws += 1;
      return 0.5;
    };

    // Act
    for (const jitter of ['equal', 'full', 'none'] as const) {
      jitteredMs(1_000, jitter, random);
    }

    // Assess
    expect(draws).toBe(3);
  });
});
