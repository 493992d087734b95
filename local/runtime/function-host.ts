import { createWriteStream, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Worker } from 'node:worker_threads';
import type { Context } from 'aws-lambda';
import { RetryableError } from '../../shared/errors.ts';
import type { LambdaHandler } from '../triggers/index.ts';
import {
  type ContextData,
  FunctionError,
  type InvokeMessage,
  type WorkerData,
  type WorkerMessage,
} from './function-protocol.ts';

/**
 * Runs a function the way Lambda does, in execution environments: each one a worker thread that
 * imported the deployed handler module once (its cold start) and then serves one invocation at a
 * time, kept warm for the next. A new environment starts only when every warm one is busy, so
 * concurrency is whatever the trigger (the event source mapping's maximum concurrency) drives.
 * An environment whose invocation times out, or that crashes, is discarded, as Lambda discards it.
 *
 * Each environment has the function's own variables as its process.env (never the runtime's, so
 * neither the user's AWS credentials nor anything else of the shell leaks in), and its stdout and
 * stderr, the function's JSON logs and EMF metrics, go to the function's log file.
 */

export interface FunctionHostOptions {
  /** The function's name (its log lines and errors name it). */
  readonly functionName: string;
  /** Absolute path of the handler module, and its export. */
  readonly entry: string;
  readonly handlerName: string;
  /** The execution environment's variables: all of them (nothing is inherited). */
  readonly env: Readonly<Record<string, string>>;
  /** Where the environments' stdout and stderr are appended; dropped when absent. */
  readonly logFile?: string | undefined;
  /** Each log line, as it is written (e.g. to surface errors). */
  readonly onLogLine?: ((line: string) => void) | undefined;
}

export interface FunctionHost {
  /** Invokes the function in a free execution environment: what a trigger calls. */
  readonly handler: LambdaHandler<unknown, unknown>;
  /** How many execution environments were started (cold starts) and how many are alive. */
  environments(): { readonly started: number; readonly alive: number };
  /** Discards every environment; invocations still running fail. */
  stop(): Promise<void>;
}

/** An execution environment failed (crashed, timed out or was stopped) before the invocation ended. */
export class ExecutionEnvironmentError extends RetryableError {}

const WORKER_URL = new URL('./function-worker.ts', import.meta.url);

interface Environment {
  readonly worker: Worker;
  readonly ready: Promise<void>;
  busy: boolean;
  /** Rejects the invocation in progress, when the environment dies under it. */
  abort: ((error: Error) => void) | undefined;
  /** Resolves once every line the environment wrote has been logged and handed on. */
  readonly outputDone: Promise<void>;
}

export function startFunctionHost(options: FunctionHostOptions): FunctionHost {
  const environments = new Set<Environment>();
  let log: WriteStream | undefined =
    options.logFile === undefined ? undefined : createWriteStream(options.logFile, { flags: 'a' });
  // A log file that cannot be written (disk full, folder removed) stops logging, not the function.
  log?.on('error', () => {
    log = undefined;
  });
  let started = 0;
  let invocations = 0;
  /** No invocation is taken once stopping; no line is handed on once stopped. */
  let stopping = false;
  let stopped = false;

  const writeLine = (line: string): void => {
    log?.write(`${line}\n`);
    if (!stopped) {
      options.onLogLine?.(line);
    }
  };

  const discard = (environment: Environment, error: Error): void => {
    if (!environments.delete(environment)) {
      return;
    }
    environment.abort?.(error);
    void environment.worker.terminate();
  };

  const startEnvironment = (): Environment => {
    started++;
    const worker = new Worker(WORKER_URL, {
      workerData: { entry: options.entry, handlerName: options.handlerName } satisfies WorkerData,
      env: { ...options.env },
      stdout: true,
      stderr: true,
    });
    const outputDone = Promise.all(
      [worker.stdout, worker.stderr].map((stream) => {
        const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
        lines.on('line', writeLine);
        return new Promise<void>((resolve) => lines.once('close', resolve));
      }),
    ).then(() => undefined);
    const environment: Environment = {
      worker,
      outputDone,
      busy: false,
      abort: undefined,
      ready: new Promise<void>((resolve, reject) => {
        const onMessage = (message: WorkerMessage): void => {
          if (message.type === 'ready') {
            worker.off('message', onMessage);
            resolve();
          }
        };
        worker.on('message', onMessage);
        worker.once('error', reject);
        worker.once('exit', (code) =>
          reject(
            new ExecutionEnvironmentError(
              `${options.functionName}: its execution environment exited (code ${code}) during its cold start`,
            ),
          ),
        );
      }),
    };
    // A crash (an error thrown outside any invocation, an unhandled rejection) ends the environment.
    worker.on('error', (error) =>
      discard(
        environment,
        new ExecutionEnvironmentError(`${options.functionName}: its execution environment crashed`, {
          cause: error,
        }),
      ),
    );
    worker.on('exit', (code) =>
      discard(
        environment,
        new ExecutionEnvironmentError(
          `${options.functionName}: its execution environment exited (code ${code})`,
        ),
      ),
    );
    environments.add(environment);
    return environment;
  };

  const acquire = (): Environment => {
    for (const environment of environments) {
      if (!environment.busy) {
        environment.busy = true;
        return environment;
      }
    }
    const environment = startEnvironment();
    environment.busy = true;
    return environment;
  };

  const invoke = async (environment: Environment, event: unknown, context: Context): Promise<unknown> => {
    await environment.ready;
    const invocationId = ++invocations;
    const message: InvokeMessage = {
      type: 'invoke',
      invocationId,
      event,
      context: contextData(context),
    };
    const timeoutMs = context.getRemainingTimeInMillis();
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        // Lambda ends a timed-out invocation by discarding its environment: so does the host.
        discard(
          environment,
          new ExecutionEnvironmentError(`${options.functionName}: Task timed out after ${timeoutMs} ms`),
        );
      }, timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        environment.worker.off('message', onMessage);
        environment.abort = undefined;
      };
      const onMessage = (reply: WorkerMessage): void => {
        if (reply.type !== 'result' || reply.invocationId !== invocationId) {
          return;
        }
        finish();
        if (reply.ok) {
          resolve(reply.value);
        } else {
          reject(new FunctionError(reply.error));
        }
      };
      environment.abort = (error) => {
        finish();
        reject(error);
      };
      environment.worker.on('message', onMessage);
      environment.worker.postMessage(message);
    });
  };

  return {
    handler: async (event, context) => {
      if (stopping) {
        throw new ExecutionEnvironmentError(`${options.functionName} is stopped`);
      }
      const environment = acquire();
      try {
        return await invoke(environment, event, context);
      } catch (error) {
        if (error instanceof Error && !(error instanceof FunctionError)) {
          discard(environment, error);
        }
        throw error;
      } finally {
        environment.busy = false;
      }
    },
    environments: () => ({ started, alive: environments.size }),
    stop: async () => {
      stopping = true;
      const workers = [...environments];
      for (const environment of workers) {
        discard(environment, new ExecutionEnvironmentError(`${options.functionName} was stopped`));
      }
      await Promise.all(workers.map((environment) => environment.worker.terminate()));
      // What the environments wrote before they ended is still logged and handed on; nothing after.
      await Promise.all(workers.map((environment) => environment.outputDone));
      stopped = true;
      const closing = log;
      log = undefined;
      await new Promise<void>((resolve) => (closing === undefined ? resolve() : closing.end(resolve)));
    },
  };
}

function contextData(context: Context): ContextData {
  return {
    functionName: context.functionName,
    functionVersion: context.functionVersion,
    invokedFunctionArn: context.invokedFunctionArn,
    memoryLimitInMB: context.memoryLimitInMB,
    awsRequestId: context.awsRequestId,
    logGroupName: context.logGroupName,
    logStreamName: context.logStreamName,
    deadline: Date.now() + context.getRemainingTimeInMillis(),
  };
}
