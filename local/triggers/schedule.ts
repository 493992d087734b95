import { randomUUID } from 'node:crypto';
import type { ScheduledEvent } from 'aws-lambda';
import { ConfigError } from '../../shared/errors.ts';
import { DEFAULT_LOCAL_REGION, LOCAL_ACCOUNT_ID } from '../aws/constants.ts';
import { type FunctionSettings, invokeHandler, type LambdaHandler } from './lambda-invocation.ts';

/**
 * A scheduled invocation, as an EventBridge rule with a rate schedule delivers it: the handler
 * gets a `ScheduledEvent` every interval, first one interval after the start. Firings keep to the
 * schedule (start + n x interval) rather than drifting with handler time; a firing missed while
 * the process was busy is skipped, not caught up. An invocation that outlasts the interval
 * overlaps the next one, as on AWS, unless the function reserves its concurrency: a firing that
 * would exceed it is throttled and dropped, as Lambda does with an asynchronous invocation of a
 * function at its reserved concurrency whose event age limit is the interval. Failures are
 * reported, not retried (the functions' asynchronous retries are set to none).
 */

export interface ScheduleOptions {
  /** The EventBridge rule name, used in the event's `resources`. */
  readonly ruleName: string;
  /** `rate(5 minutes)` as in CDK/EventBridge, or a number of milliseconds (short intervals for tests). */
  readonly every: string | number;
  readonly handler: LambdaHandler<ScheduledEvent, unknown>;
  readonly function: FunctionSettings;
  /** Failed invocations; stderr by default. */
  readonly onError?: (error: unknown, detail: string) => void;
  /** The function's reserved concurrency: firings beyond it are throttled (dropped). Unlimited when absent. */
  readonly reservedConcurrency?: number | undefined;
}

export interface RunningSchedule {
  /** How many times the schedule has fired so far. */
  readonly firings: number;
  /** Firings dropped because the function was at its reserved concurrency. */
  readonly throttled: number;
  /** Stops firing and waits for the invocations in flight to finish (or time out). */
  stop(): Promise<void>;
}

export function startSchedule(options: ScheduleOptions): RunningSchedule {
  const intervalMs =
    typeof options.every === 'number' ? checkInterval(options.every) : parseRateExpression(options.every);
  const region = options.function.region ?? DEFAULT_LOCAL_REGION;
  const account = options.function.accountId ?? LOCAL_ACCOUNT_ID;
  const ruleArn = `arn:aws:events:${region}:${account}:rule/${options.ruleName}`;
  const startedAt = Date.now();
  const inFlight = new Set<Promise<void>>();
  let firings = 0;
  let throttled = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const fire = (): void => {
    firings++;
    if (options.reservedConcurrency !== undefined && inFlight.size >= options.reservedConcurrency) {
      throttled++;
      return;
    }
    const event: ScheduledEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account,
      time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region,
      resources: [ruleArn],
      detail: {},
    };
    const invocation = invokeHandler(options.handler, event, options.function).then((result) => {
      if (!result.ok) {
        const onError =
          options.onError ??
          ((error: unknown, detail: string) => console.error(`[local-triggers] ${detail}:`, error));
        onError(
          result.error,
          `scheduled invocation of ${options.function.functionName} by ${options.ruleName} failed`,
        );
      }
    });
    inFlight.add(invocation);
    void invocation.finally(() => inFlight.delete(invocation));
  };

  /** The number of the next firing: firing n is due n intervals after the start. */
  let nextFiring = 1;
  const scheduleNext = (): void => {
    if (stopped) return;
    const elapsed = Date.now() - startedAt;
    // Slots that passed while the process was busy are skipped, not caught up.
    if (nextFiring * intervalMs < elapsed) nextFiring = Math.floor(elapsed / intervalMs) + 1;
    timer = setTimeout(
      () => {
        nextFiring++;
        fire();
        scheduleNext();
      },
      nextFiring * intervalMs - elapsed,
    );
  };
  scheduleNext();

  return {
    get firings() {
      return firings;
    },
    get throttled() {
      return throttled;
    },
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

const UNIT_MS: Readonly<Record<string, number>> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** `rate(1 minute)`, `rate(5 minutes)`, `rate(2 hours)`, `rate(1 day)`: EventBridge's rate syntax (singular for 1). */
export function parseRateExpression(expression: string): number {
  const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  const value = Number(match?.[1]);
  const unit = match?.[2];
  if (match === null || unit === undefined || value < 1 || (value === 1) !== !unit.endsWith('s')) {
    throw new ConfigError(
      `Not a valid rate expression: "${expression}" (expected e.g. "rate(5 minutes)" or "rate(1 hour)")`,
    );
  }
  return value * (UNIT_MS[unit.replace(/s$/, '')] ?? 0);
}

function checkInterval(intervalMs: number): number {
  if (!Number.isInteger(intervalMs) || intervalMs < 1) {
    throw new ConfigError(
      `A schedule interval must be a positive integer of milliseconds, not ${intervalMs}`,
    );
  }
  return intervalMs;
}
