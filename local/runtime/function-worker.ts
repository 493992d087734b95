/**
 * One execution environment of a function, run as a worker thread by function-host.ts: it
 * imports the deployed handler module (the function definition's entry), then runs one invocation
 * at a time with the event and a Lambda context rebuilt from the plain data it was sent. Its
 * process.env is the function's own (the variables the CDK stack sets, pointed at the local
 * servers), and its stdout is the function's log stream.
 */
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import type { Context } from 'aws-lambda';
import { ConfigError } from '../../shared/errors.ts';
import {
  type ContextData,
  type InvokeMessage,
  toErrorData,
  type WorkerData,
  type WorkerMessage,
} from './function-protocol.ts';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

const port = parentPort;
if (port === null) {
  throw new ConfigError('function-worker.ts runs as a worker thread of the local runtime');
}
const { entry, handlerName } = workerData as WorkerData;
const module = (await import(pathToFileURL(entry).href)) as Record<string, unknown>;
const exported = module[handlerName];
if (typeof exported !== 'function') {
  throw new ConfigError(`${entry} does not export a function named ${handlerName}`);
}
const handler = exported as Handler;

port.on('message', (message: InvokeMessage) => {
  void invoke(message).then((reply) => port.postMessage(reply));
});
port.postMessage({ type: 'ready' } satisfies WorkerMessage);

function invoke(message: InvokeMessage): Promise<WorkerMessage> {
  const { invocationId } = message;
  return new Promise<WorkerMessage>((resolve) => {
    let settled = false;
    const succeed = (value: unknown): void => {
      if (!settled) {
        settled = true;
        resolve({ type: 'result', invocationId, ok: true, value });
      }
    };
    const fail = (error: unknown): void => {
      if (!settled) {
        settled = true;
        resolve({ type: 'result', invocationId, ok: false, error: toErrorData(error) });
      }
    };
    const context = lambdaContext(message.context, succeed, fail);
    try {
      Promise.resolve(handler(message.event, context)).then(succeed, fail);
    } catch (error) {
      fail(error);
    }
  });
}

/** The context a Lambda handler gets; the legacy completion functions end the invocation, as in Lambda. */
function lambdaContext(
  data: ContextData,
  succeed: (value: unknown) => void,
  fail: (error: unknown) => void,
): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: data.functionName,
    functionVersion: data.functionVersion,
    invokedFunctionArn: data.invokedFunctionArn,
    memoryLimitInMB: data.memoryLimitInMB,
    awsRequestId: data.awsRequestId,
    logGroupName: data.logGroupName,
    logStreamName: data.logStreamName,
    getRemainingTimeInMillis: () => Math.max(0, data.deadline - Date.now()),
    done: (error?: Error, result?: unknown) => (error ? fail(error) : succeed(result)),
    fail: (error: Error | string) => fail(typeof error === 'string' ? new Error(error) : error),
    succeed: (result: unknown) => succeed(result),
  };
}
