/**
 * The triggers AWS provides and no local server emulates, as a reusable runner: SQS -> handler
 * event source mappings and scheduled invocations, calling handlers with the exact event shapes
 * and a Lambda-like context. (S3 -> queue notifications are emitted by the local S3 itself: see
 * local/aws.) The ingest and poll tests and the local runtime are built on these.
 */
export {
  DEFAULT_FUNCTION_TIMEOUT_MS,
  type FunctionSettings,
  functionArn,
  type InvocationResult,
  invokeHandler,
  type LambdaHandler,
} from './lambda-invocation.ts';
export {
  parseRateExpression,
  type RunningSchedule,
  type ScheduleOptions,
  startSchedule,
} from './schedule.ts';
export {
  failedMessageIds,
  type RunningSqsEventSource,
  type SqsEventSourceOptions,
  startSqsEventSource,
} from './sqs-event-source.ts';
export { toSqsRecord } from './sqs-records.ts';
