import type { Context } from 'aws-lambda';

/**
 * Handlers for the function host's tests, loaded by its execution environments (worker threads)
 * the way a deployed handler module is: each export is one behaviour the host must handle.
 */

interface Input {
  readonly value?: unknown;
  readonly variable?: string;
}

/** Answers with what it was given, its environment variable and its context. */
export async function echo(event: Input, context: Context): Promise<unknown> {
  console.log(JSON.stringify({ level: 'INFO', message: 'echo called', requestId: context.awsRequestId }));
  return {
    value: event.value,
    variable: event.variable === undefined ? undefined : process.env[event.variable],
    functionName: context.functionName,
    remainingMs: context.getRemainingTimeInMillis(),
    threadEnvironmentStarted: startedAt,
  };
}

/** Fails the way a handler fails: by throwing. */
export async function fail(): Promise<never> {
  console.log(JSON.stringify({ level: 'ERROR', message: 'about to fail' }));
  throw new TypeError('the handler failed on purpose');
}

/** Never answers: the invocation times out. */
export function hang(): Promise<never> {
  return new Promise(() => {});
}

/** Answers after a while, so invocations overlap. */
export async function slow(event: { readonly ms: number }): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, event.ms));
  return startedAt;
}

/** Crashes its execution environment outside the invocation's promise. */
export function crash(): Promise<never> {
  setTimeout(() => {
    throw new Error('the execution environment crashed');
  }, 0);
  return new Promise(() => {});
}

/** Ends the invocation through the legacy completion function. */
export function legacy(_event: unknown, context: Context): Promise<never> {
  context.succeed('done the old way');
  return new Promise(() => {});
}

/** When this execution environment loaded the module: the same value for every warm invocation. */
const startedAt = Date.now() + Math.random();
