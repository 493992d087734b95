import { describe, expect, it } from 'vitest';
import { delaySecondsUntil, MAX_SQS_DELAY_SECONDS } from '../../../shared/queue/delay.ts';

describe('delaySecondsUntil', () => {
  const now = Date.UTC(2026, 10, 25, 12, 0, 0);

  it.each([
    ['already due', now - 5_000, 0],
    ['due now', now, 0],
    ['due in 1.2 s, rounded up', now + 1_200, 2],
    ['due in 10 minutes', now + 600_000, 600],
    ['due in exactly 15 minutes', now + 900_000, 900],
    ['due in 6 hours, capped', now + 6 * 3_600_000, MAX_SQS_DELAY_SECONDS],
  ])('%s', (_label, dueAt, expected) => {
    // Act
    const delay = delaySecondsUntil(dueAt, now);

    // Assess
    expect(delay).toBe(expected);
  });
});
