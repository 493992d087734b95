import type { Context, ScheduledEvent } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_LOCAL_REGION, LOCAL_ACCOUNT_ID } from '../../../local/aws/index.ts';
import { parseRateExpression, type RunningSchedule, startSchedule } from '../../../local/triggers/index.ts';
import { ConfigError } from '../../../shared/errors.ts';

const schedules: RunningSchedule[] = [];

afterEach(async () => {
  const stopping = Promise.all(schedules.splice(0).map((schedule) => schedule.stop()));
  // Invocations still in flight wait on (fake) timers: let them run out so stop() can finish.
  if (vi.isFakeTimers()) await vi.runAllTimersAsync();
  await stopping;
  vi.useRealTimers();
});

describe('startSchedule', () => {
  it('fires exactly on the schedule: one interval after the start, then every interval', async () => {
    // Prepare
    vi.useFakeTimers();
    const firedAt: number[] = [];
    const startedAt = Date.now();
    schedules.push(
      startSchedule({
        ruleName: 'poll-overdue',
        every: 60_000,
        function: { functionName: 'reconcile' },
        handler: async () => {
          firedAt.push(Date.now() - startedAt);
        },
      }),
    );
    // Act
    await vi.advanceTimersByTimeAsync(59_999);
    const beforeFirst = firedAt.length;
    await vi.advanceTimersByTimeAsync(1 + 4 * 60_000);
    // Assess
    expect(beforeFirst).toBe(0);
    expect(firedAt).toEqual([60_000, 120_000, 180_000, 240_000, 300_000]);
  });

  it('keeps to the schedule instead of drifting by the time each invocation takes', async () => {
    // Prepare
    vi.useFakeTimers();
    const firedAt: number[] = [];
    const startedAt = Date.now();
    schedules.push(
      startSchedule({
        ruleName: 'slow',
        every: 1_000,
        function: { functionName: 'slow', timeoutMs: 5_000 },
        handler: async () => {
          firedAt.push(Date.now() - startedAt);
          await new Promise((resolve) => setTimeout(resolve, 1_500));
        },
      }),
    );
    // Act
    await vi.advanceTimersByTimeAsync(3_000);
    // Assess
    expect(firedAt).toEqual([1_000, 2_000, 3_000]);
  });

  it('fires on time with real timers, within bounds no scheduler delay can break', async () => {
    // Prepare
    const intervalMs = 50;
    const firings: number[] = [];
    let fifthFiring: () => void = () => {};
    const fifth = new Promise<void>((resolve) => {
      fifthFiring = resolve;
    });
    const startedAt = performance.now();
    // Act
    const schedule = startSchedule({
      ruleName: 'fast',
      every: intervalMs,
      function: { functionName: 'tick' },
      handler: async () => {
        firings.push(performance.now() - startedAt);
        if (firings.length === 5) fifthFiring();
      },
    });
    schedules.push(schedule);
    await fifth;
    await schedule.stop();
    const elapsed = performance.now() - startedAt;
    // Assess: never early (beyond the clocks' millisecond rounding), and five firings cannot take 40 intervals.
    expect(firings[0]).toBeGreaterThanOrEqual(intervalMs - 2);
    expect(firings[4]).toBeGreaterThanOrEqual(5 * intervalMs - 2);
    expect(elapsed).toBeLessThan(40 * intervalMs);
    expect(schedule.firings).toBe(5);
  });

  it('calls the handler with the ScheduledEvent EventBridge sends and a Lambda-like context', async () => {
    // Prepare
    vi.useFakeTimers();
    const received: { event: ScheduledEvent; context: Context }[] = [];
    schedules.push(
      startSchedule({
        ruleName: 'sweep-late-evaluations',
        every: 'rate(5 minutes)',
        function: { functionName: 'sweep', timeoutMs: 30_000 },
        handler: async (event, context) => {
          received.push({ event, context });
        },
      }),
    );
    // Act
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    // Assess
    expect(received).toHaveLength(1);
    expect(received[0]?.event).toEqual({
      version: '0',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: LOCAL_ACCOUNT_ID,
      time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
      region: DEFAULT_LOCAL_REGION,
      resources: [`arn:aws:events:${DEFAULT_LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:rule/sweep-late-evaluations`],
      detail: {},
    });
    expect(received[0]?.context).toMatchObject({ functionName: 'sweep', memoryLimitInMB: '128' });
    expect(received[0]?.context.getRemainingTimeInMillis()).toBe(30_000);
  });

  it('stops firing on stop() and waits for the invocation in flight', async () => {
    // Prepare
    vi.useFakeTimers();
    let finished = 0;
    const schedule = startSchedule({
      ruleName: 'long',
      every: 100,
      function: { functionName: 'long', timeoutMs: 1_000 },
      handler: async () => {
        await new Promise((resolve) => setTimeout(resolve, 500));
        finished++;
      },
    });
    await vi.advanceTimersByTimeAsync(100);
    // Act
    const stopped = schedule.stop();
    await vi.advanceTimersByTimeAsync(2_000);
    await stopped;
    // Assess
    expect(schedule.firings).toBe(1);
    expect(finished).toBe(1);
  });

  it('never runs two invocations at once when the function reserves a concurrency of 1: the extra firing is dropped', async () => {
    // Prepare
    vi.useFakeTimers();
    let running = 0;
    let mostAtOnce = 0;
    const schedule = startSchedule({
      ruleName: 'reconcile',
      every: 100,
      reservedConcurrency: 1,
      function: { functionName: 'reconcile', timeoutMs: 1_000 },
      handler: async () => {
        running++;
        mostAtOnce = Math.max(mostAtOnce, running);
        await new Promise((resolve) => setTimeout(resolve, 250));
        running--;
      },
    });
    schedules.push(schedule);
    // Act: firings at 100..600 ms; each run lasts 250 ms.
    await vi.advanceTimersByTimeAsync(650);
    // Assess
    expect(schedule.firings).toBe(6);
    expect(mostAtOnce).toBe(1);
    expect(schedule.throttled).toBeGreaterThanOrEqual(2);
  });

  it('reports a failed invocation and keeps firing', async () => {
    // Prepare
    vi.useFakeTimers();
    const errors: unknown[] = [];
    const schedule = startSchedule({
      ruleName: 'flaky',
      every: 100,
      function: { functionName: 'flaky' },
      onError: (error) => errors.push(error),
      handler: async () => {
        throw new Error('boom');
      },
    });
    schedules.push(schedule);
    // Act
    await vi.advanceTimersByTimeAsync(300);
    // Assess
    expect(schedule.firings).toBe(3);
    expect(errors.map(String)).toEqual(['Error: boom', 'Error: boom', 'Error: boom']);
  });
});

describe('parseRateExpression', () => {
  it.each([
    ['rate(1 minute)', 60_000],
    ['rate(5 minutes)', 300_000],
    ['rate(2 hours)', 7_200_000],
    ['rate(1 day)', 86_400_000],
  ])('reads %s as %i ms', (expression, expected) => {
    // Prepare
    const text = expression;
    // Act
    const intervalMs = parseRateExpression(text);
    // Assess
    expect(intervalMs).toBe(expected);
  });

  it.each(['rate(1 minutes)', 'rate(5 minute)', 'rate(0 minutes)', 'cron(0 * * * ? *)', 'every 5 minutes'])(
    'refuses %s',
    (expression) => {
      // Prepare
      const text = expression;
      // Act
      const parse = () => parseRateExpression(text);
      // Assess
      expect(parse).toThrow(ConfigError);
    },
  );
});
