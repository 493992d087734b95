import { describe, expect, it } from 'vitest';
import {
  backoffDelayMs,
  dueAtWithinDeadline,
  initialPollPlan,
  MIN_POLL_DELAY_MS,
  maxPollsWithin,
  minimumDelayMs,
  nominalDelayMs,
  rateLimitedDelayMs,
} from '../../../shared/polling/schedule.ts';
import { HOUR, pollSettings, SECOND, SUBMITTED_AT } from './support/fixtures.ts';

const backoff = { baseSeconds: 30, factor: 2, capSeconds: 900, jitter: 'none' } as const;

describe('the first poll and the deadline', () => {
  it('come the configured delays after submission', () => {
    // Prepare
    const settings = pollSettings({
      firstDelaySeconds: 45,
      deadlineSeconds: 7_200,
      notFoundGraceSeconds: 3_600,
    });

    // Act
    const plan = initialPollPlan(settings, SUBMITTED_AT);

    // Assess
    expect(plan).toEqual({ nextPollDueAt: SUBMITTED_AT + 45 * SECOND, deadlineAt: SUBMITTED_AT + 2 * HOUR });
  });
});

describe('the backoff', () => {
  it('grows by the factor from the base after each counted poll', () => {
    // Act
    const delays = [1, 2, 3, 4].map((polls) => nominalDelayMs(polls, backoff));

    // Assess
    expect(delays).toEqual([30_000, 60_000, 120_000, 240_000]);
  });

  it('stops at the cap, however many polls came before', () => {
    // Act
    const delays = [6, 7, 50, 5_000].map((polls) => nominalDelayMs(polls, backoff));

    // Assess
    expect(delays).toEqual([900_000, 900_000, 900_000, 900_000]);
  });

  it('may cap beyond the 900 s an SQS delay allows (the message is re-sent until due)', () => {
    // Act
    const delay = nominalDelayMs(20, { ...backoff, capSeconds: 3_600 });

    // Assess
    expect(delay).toBe(3_600_000);
  });

  it('with a factor of 1 polls at a constant interval', () => {
    // Act
    const delays = [1, 5, 9].map((polls) => nominalDelayMs(polls, { ...backoff, factor: 1 }));

    // Assess
    expect(delays).toEqual([30_000, 30_000, 30_000]);
  });

  it.each([
    ['equal', 0, 60_000],
    ['equal', 0.999_999, 119_999],
    ['full', 0, MIN_POLL_DELAY_MS],
    ['full', 0.5, 60_000],
    ['none', 0.3, 120_000],
  ] as const)('%s jitter with random %f after 3 polls waits %i ms', (jitter, random, expected) => {
    // Act
    const delay = backoffDelayMs(3, { ...backoff, jitter }, () => random);

    // Assess
    expect(delay).toBe(expected);
  });

  it.each(['equal', 'full', 'none'] as const)(
    '%s jitter stays within its bounds for any random value',
    (jitter) => {
      // Prepare
      const randoms = [0, 0.1, 0.25, 0.5, 0.75, 0.999, 1, -1, Number.NaN, 7];
      const policy = { ...backoff, jitter };

      // Act
      const delays = [1, 2, 3, 8].flatMap((polls) =>
        randoms.map((random) => ({ polls, delay: backoffDelayMs(polls, policy, () => random) })),
      );

      // Assess
      for (const { polls, delay } of delays) {
        expect(delay).toBeGreaterThanOrEqual(minimumDelayMs(polls, policy));
        expect(delay).toBeLessThanOrEqual(nominalDelayMs(polls, policy));
      }
    },
  );

  it('never asks for less than one second (SQS delays in whole seconds)', () => {
    // Act
    const delay = backoffDelayMs(1, { baseSeconds: 1, factor: 1, capSeconds: 1, jitter: 'full' }, () => 0.01);

    // Assess
    expect(delay).toBe(MIN_POLL_DELAY_MS);
  });
});

describe('a rate-limit refusal', () => {
  it('waits at least its Retry-After, plus at most the configured spread', () => {
    // Prepare
    const settings = pollSettings({ rateLimitJitterSeconds: 5 });

    // Act
    const shortest = rateLimitedDelayMs(12_000, settings, () => 0);
    const longest = rateLimitedDelayMs(12_000, settings, () => 0.999_9);

    // Assess
    expect(shortest).toBe(12_000);
    expect(longest).toBeGreaterThan(16_000);
    expect(longest).toBeLessThanOrEqual(17_000);
  });

  it('waits hours for a daily limit that resets hours later', () => {
    // Act
    const delay = rateLimitedDelayMs(9 * HOUR, pollSettings({ rateLimitJitterSeconds: 0 }), () => 0.5);

    // Assess
    expect(delay).toBe(9 * HOUR);
  });

  it('never waits less than a second, even for a Retry-After of zero', () => {
    // Act
    const delay = rateLimitedDelayMs(0, pollSettings({ rateLimitJitterSeconds: 0 }), () => 0);

    // Assess
    expect(delay).toBe(MIN_POLL_DELAY_MS);
  });
});

describe('the deadline', () => {
  it('brings a poll that would come after it forward to it', () => {
    // Act
    const due = dueAtWithinDeadline(SUBMITTED_AT, 10 * HOUR, SUBMITTED_AT + 2 * HOUR);

    // Assess
    expect(due).toBe(SUBMITTED_AT + 2 * HOUR);
  });

  it('leaves a poll before it alone', () => {
    // Act
    const due = dueAtWithinDeadline(SUBMITTED_AT, 30 * SECOND, SUBMITTED_AT + 2 * HOUR);

    // Assess
    expect(due).toBe(SUBMITTED_AT + 30 * SECOND);
  });
});

describe('the most polls a policy makes', () => {
  it('counts the schedule at its fastest, plus the poll brought forward to the deadline', () => {
    // Prepare: polls at 60 s, then +30, +60, +120, +240, +480 s (= 990 s); the next (+900 s) is past 1200 s.
    const settings = pollSettings({
      firstDelaySeconds: 60,
      deadlineSeconds: 1_200,
      noEvaluationGraceSeconds: 600,
      notFoundGraceSeconds: 600,
      backoff: { ...backoff, jitter: 'none' },
    });

    // Act
    const polls = maxPollsWithin(1_200 * SECOND, settings);

    // Assess
    expect(polls).toBe(7);
  });

  it('grows when jitter can shorten the delays', () => {
    // Prepare
    const fixed = pollSettings({ deadlineSeconds: 86_400, backoff: { ...backoff, jitter: 'none' } });
    const equal = pollSettings({ deadlineSeconds: 86_400, backoff: { ...backoff, jitter: 'equal' } });

    // Act
    const withoutJitter = maxPollsWithin(24 * HOUR, fixed);
    const withJitter = maxPollsWithin(24 * HOUR, equal);

    // Assess
    expect(withJitter).toBeGreaterThan(withoutJitter);
    expect(withJitter).toBeLessThanOrEqual(2 * withoutJitter + 2);
  });
});
