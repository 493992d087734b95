/**
 * The local AWS stack: one function call (or `node local/aws/command.ts`) brings up S3, SQS,
 * DynamoDB, Secrets Manager, SNS and EventBridge on 127.0.0.1 for tests, benchmarks and the
 * local runtime. Production code reaches them through the standard `AWS_ENDPOINT_URL_<SERVICE>`
 * variables only (see `env`).
 */
export { DEFAULT_LOCAL_REGION, LOCAL_ACCOUNT_ID, LOCAL_CREDENTIALS } from './constants.ts';
export { PUBLISHED_PATH } from './emulator/emulator-server.ts';
export type {
  EventBridgeDeliveryRecord,
  EventBridgeEvent,
  EventBridgeEventRecord,
} from './emulator/eventbridge.ts';
export type { EnvelopeAttribute, NotificationEnvelope } from './emulator/sns-envelope.ts';
export type { SnsDeliveryRecord, SnsMessageAttribute, SnsPublishRecord } from './emulator/sns-model.ts';
export { localAwsEnv } from './env.ts';
export { LocalAwsError } from './errors.ts';
export { encodeS3EventKey } from './s3/event-key.ts';
export type {
  BucketNotificationConfiguration,
  QueueNotification,
  S3EventName,
} from './s3/notification-config.ts';
export type {
  S3EventBridgeDetail,
  S3EventNotification,
  S3EventNotificationRecord,
  S3TestEvent,
} from './s3/s3-event.ts';
export { ENDPOINT_VARIABLES, LOCAL_AWS_SERVICES, type LocalAwsService } from './services.ts';
export { type LocalAws, type LocalAwsOptions, startLocalAws } from './stack.ts';
export { StopAttempts } from './stop-attempts.ts';
