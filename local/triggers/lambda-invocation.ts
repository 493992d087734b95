import { randomBytes, randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { ConfigError } from '../../shared/errors.ts';
import { DEFAULT_LOCAL_REGION, LOCAL_ACCOUNT_ID } from '../aws/constants.ts';

/**
 * Calls a handler the way the Lambda runtime does for the triggers: with a Lambda-like context
 * (request id, function ARN, memory, a deadline behind getRemainingTimeInMillis) and the
 * function's timeout enforced. A handler still running at its timeout counts as failed; its
 * promise cannot be cancelled, so it is abandoned, as Lambda would freeze it.
 */

/** A Lambda handler as the project writes them: async, event and context in, result out. */
export type LambdaHandler<Event, Result> = (event: Event, context: Context) => Promise<Result>;

/** What the function is, as its context and ARNs describe it. */
export interface FunctionSettings {
  readonly functionName: string;
  /** Lambda's default is 3 s. */
  readonly timeoutMs?: number;
  /** Lambda's default is 128 MB. Informational: nothing limits the memory of a local handler. */
  readonly memoryLimitInMB?: number;
  readonly region?: string;
  readonly accountId?: string;
}

export type InvocationResult<Result> =
  | { readonly ok: true; readonly value: Result; readonly requestId: string }
  | { readonly ok: false; readonly error: unknown; readonly timedOut: boolean; readonly requestId: string };

export const DEFAULT_FUNCTION_TIMEOUT_MS = 3_000;
const DEFAULT_MEMORY_MB = 128;

/** The timeout that applies to a function, checked against Lambda's limits (1 ms to 15 min). */
export function functionTimeoutMs(settings: FunctionSettings): number {
  const timeoutMs = settings.timeoutMs ?? DEFAULT_FUNCTION_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 900_000) {
    throw new ConfigError(`Function timeout must be an integer from 1 to 900000 ms, not ${timeoutMs}`);
  }
  return timeoutMs;
}

export function functionArn(settings: FunctionSettings): string {
  return `arn:aws:lambda:${settings.region ?? DEFAULT_LOCAL_REGION}:${settings.accountId ?? LOCAL_ACCOUNT_ID}:function:${settings.functionName}`;
}

/** Invokes once; never rejects: failures (thrown, rejected, timed out) come back as `ok: false`. */
export async function invokeHandler<Event, Result>(
  handler: LambdaHandler<Event, Result>,
  event: Event,
  settings: FunctionSettings,
): Promise<InvocationResult<Result>> {
  const timeoutMs = functionTimeoutMs(settings);
  const requestId = randomUUID();
  const deadline = Date.now() + timeoutMs;
  let timer: NodeJS.Timeout | undefined;
  const outcome = new Promise<InvocationResult<Result>>((resolve) => {
    const settle = (result: InvocationResult<Result>): void => resolve(result);
    const context = createContext(settings, requestId, deadline, settle);
    timer = setTimeout(
      () =>
        settle({
          ok: false,
          timedOut: true,
          requestId,
          error: new Error(`Task timed out after ${timeoutMs} ms`),
        }),
      timeoutMs,
    );
    try {
      Promise.resolve(handler(event, context)).then(
        (value) => settle({ ok: true, value, requestId }),
        (error: unknown) => settle({ ok: false, error, timedOut: false, requestId }),
      );
    } catch (error) {
      settle({ ok: false, error, timedOut: false, requestId });
    }
  });
  try {
    return await outcome;
  } finally {
    clearTimeout(timer);
  }
}

function createContext<Result>(
  settings: FunctionSettings,
  requestId: string,
  deadline: number,
  settle: (result: InvocationResult<Result>) => void,
): Context {
  const today = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: settings.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArn(settings),
    memoryLimitInMB: String(settings.memoryLimitInMB ?? DEFAULT_MEMORY_MB),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${settings.functionName}`,
    logStreamName: `${today}/[$LATEST]${randomBytes(16).toString('hex')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    // The legacy completion functions still work in Lambda: they end the invocation.
    done: (error?: Error, result?: unknown) =>
      settle(
        error
          ? { ok: false, error, timedOut: false, requestId }
          : { ok: true, value: result as Result, requestId },
      ),
    fail: (error: Error | string) =>
      settle({
        ok: false,
        error: typeof error === 'string' ? new Error(error) : error,
        timedOut: false,
        requestId,
      }),
    succeed: (result: unknown) => settle({ ok: true, value: result as Result, requestId }),
  };
}
