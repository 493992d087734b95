/**
 * The messages between the local runtime and a function's execution environment (a worker
 * thread): an invocation with its event and the plain parts of the Lambda context, and its
 * result. Everything crosses the thread boundary by structured clone, as JSON-like data.
 */

/** What the worker is started with. */
export interface WorkerData {
  /** Absolute path of the handler module (the function definition's `entry`). */
  readonly entry: string;
  /** The exported name of the handler (the function definition's `handler`). */
  readonly handlerName: string;
}

/** The Lambda context without its functions; `deadline` (epoch ms) drives getRemainingTimeInMillis. */
export interface ContextData {
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  readonly awsRequestId: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
  readonly deadline: number;
}

export interface InvokeMessage {
  readonly type: 'invoke';
  readonly invocationId: number;
  readonly event: unknown;
  readonly context: ContextData;
}

/** An error as it crosses the boundary: its class name, message and stack. */
export interface ErrorData {
  readonly name: string;
  readonly message: string;
  readonly stack?: string | undefined;
}

export type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'result'; readonly invocationId: number; readonly ok: true; readonly value: unknown }
  | { readonly type: 'result'; readonly invocationId: number; readonly ok: false; readonly error: ErrorData };

export function toErrorData(error: unknown): ErrorData {
  return error instanceof Error
    ? { name: error.name, message: error.message, stack: error.stack }
    : { name: 'Error', message: String(error) };
}

/** An error thrown inside a function, rebuilt on the runtime's side with its name and stack. */
export class FunctionError extends Error {
  constructor(data: ErrorData) {
    super(data.message);
    this.name = data.name;
    if (data.stack !== undefined) {
      this.stack = data.stack;
    }
  }
}
