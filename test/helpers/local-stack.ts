import { randomBytes } from 'node:crypto';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DynamoDBClient,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import {
  CreateBucketCommand,
  type Event,
  PutBucketNotificationConfigurationCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { inject } from 'vitest';
import { PUBLISHED_PATH } from '../../local/aws/index.ts';
import type { LocalAwsConnection } from './local-stack-context.ts';

/**
 * Helpers for integration tests against the run's local AWS stack (started by
 * local-stack-global-setup.ts): its connection, the environment for default SDK clients, and the
 * resources a test needs, each with a unique name so test files running in parallel never meet.
 */

/** Where the run's local stack listens. */
export function localAws(): LocalAwsConnection {
  return inject('localAws');
}

/**
 * Points default SDK clients of this test worker at the local stack, through the standard
 * variables only (`AWS_ENDPOINT_URL_<SERVICE>`, region, dummy credentials), as production code
 * is pointed at it.
 */
export function useLocalAwsEnv(): void {
  Object.assign(process.env, localAws().env);
}

/** Default SDK clients (no endpoint, no credentials in code), after {@link useLocalAwsEnv}. */
export interface LocalAwsClients {
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  readonly dynamodb: DynamoDBClient;
  readonly secretsManager: SecretsManagerClient;
  readonly sns: SNSClient;
  readonly eventBridge: EventBridgeClient;
}

export function localAwsClients(): LocalAwsClients {
  useLocalAwsEnv();
  return {
    s3: new S3Client({}),
    sqs: new SQSClient({}),
    dynamodb: new DynamoDBClient({}),
    secretsManager: new SecretsManagerClient({}),
    sns: new SNSClient({}),
    eventBridge: new EventBridgeClient({}),
  };
}

/** A name no other test uses: lower-case letters, digits and hyphens, valid for buckets, queues, tables and topics. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`.toLowerCase();
}

export async function createTestBucket(s3: S3Client, prefix = 'test'): Promise<string> {
  const bucket = uniqueName(prefix);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

export interface TestQueue {
  readonly queueUrl: string;
  readonly queueArn: string;
}

export interface TestQueueWithDlq extends TestQueue {
  readonly dlq: TestQueue;
}

export interface TestQueueOptions {
  readonly prefix?: string;
  readonly visibilityTimeoutSeconds?: number;
  readonly delaySeconds?: number;
}

/** A standard queue. */
export async function createTestQueue(sqs: SQSClient, options: TestQueueOptions = {}): Promise<TestQueue> {
  return createQueue(sqs, uniqueName(options.prefix ?? 'queue'), queueAttributes(options));
}

/** A queue whose messages move to its own DLQ after `maxReceiveCount` receives (the queue's RedrivePolicy). */
export async function createTestQueueWithDlq(
  sqs: SQSClient,
  options: TestQueueOptions & { readonly maxReceiveCount: number },
): Promise<TestQueueWithDlq> {
  const name = uniqueName(options.prefix ?? 'queue');
  const dlq = await createQueue(sqs, `${name}-dlq`, {});
  const queue = await createQueue(sqs, name, {
    ...queueAttributes(options),
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: dlq.queueArn,
      maxReceiveCount: options.maxReceiveCount,
    }),
  });
  return { ...queue, dlq };
}

async function createQueue(
  sqs: SQSClient,
  name: string,
  attributes: Record<string, string>,
): Promise<TestQueue> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  if (QueueUrl === undefined) throw new Error(`CreateQueue returned no URL for ${name}`);
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  const queueArn = Attributes?.QueueArn;
  if (queueArn === undefined) throw new Error(`GetQueueAttributes returned no ARN for ${name}`);
  return { queueUrl: QueueUrl, queueArn };
}

function queueAttributes(options: TestQueueOptions): Record<string, string> {
  return {
    ...(options.visibilityTimeoutSeconds === undefined
      ? {}
      : { VisibilityTimeout: String(options.visibilityTimeoutSeconds) }),
    ...(options.delaySeconds === undefined ? {} : { DelaySeconds: String(options.delaySeconds) }),
  };
}

/** A table from the given definition (its name made unique), active when this resolves. */
export async function createTestTable(
  dynamodb: DynamoDBClient,
  definition: Omit<CreateTableCommandInput, 'TableName'> & { readonly TableName?: string },
): Promise<string> {
  const tableName = uniqueName(definition.TableName ?? 'table');
  await dynamodb.send(
    new CreateTableCommand({ BillingMode: 'PAY_PER_REQUEST', ...definition, TableName: tableName }),
  );
  await waitUntilTableExists({ client: dynamodb, maxWaitTime: 30, minDelay: 1 }, { TableName: tableName });
  return tableName;
}

export async function createTestTopic(sns: SNSClient, prefix = 'topic'): Promise<string> {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueName(prefix) }));
  if (TopicArn === undefined) throw new Error('CreateTopic returned no ARN');
  return TopicArn;
}

export async function createTestSecret(
  secretsManager: SecretsManagerClient,
  secretString: string,
  prefix = 'secret',
): Promise<{ readonly name: string; readonly arn: string }> {
  const name = uniqueName(prefix);
  const { ARN } = await secretsManager.send(
    new CreateSecretCommand({ Name: name, SecretString: secretString }),
  );
  if (ARN === undefined) throw new Error('CreateSecret returned no ARN');
  return { name, arn: ARN };
}

/**
 * Sends the bucket's events to the queue (PutBucketNotificationConfiguration over the wire). S3
 * then puts one `s3:TestEvent` on the queue; it is received and deleted here unless
 * `keepTestEvent` is set, so the test starts from an empty queue.
 */
export async function connectBucketToQueue(
  clients: { readonly s3: S3Client; readonly sqs: SQSClient },
  bucket: string,
  queue: TestQueue,
  options: {
    readonly events?: Event[];
    readonly prefix?: string;
    readonly suffix?: string;
    readonly keepTestEvent?: boolean;
  } = {},
): Promise<void> {
  const rules = [
    ...(options.prefix === undefined ? [] : [{ Name: 'prefix' as const, Value: options.prefix }]),
    ...(options.suffix === undefined ? [] : [{ Name: 'suffix' as const, Value: options.suffix }]),
  ];
  await clients.s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: bucket,
      NotificationConfiguration: {
        QueueConfigurations: [
          {
            QueueArn: queue.queueArn,
            Events: options.events ?? ['s3:ObjectCreated:*'],
            ...(rules.length === 0 ? {} : { Filter: { Key: { FilterRules: rules } } }),
          },
        ],
      },
    }),
  );
  if (options.keepTestEvent) return;
  const [testEvent] = await receiveMessages(clients.sqs, queue.queueUrl, 1);
  if (testEvent === undefined || !testEvent.Body?.includes('"s3:TestEvent"')) {
    throw new Error(`Expected the s3:TestEvent first, got ${JSON.stringify(testEvent)}`);
  }
  await clients.sqs.send(
    new DeleteMessageCommand({ QueueUrl: queue.queueUrl, ReceiptHandle: testEvent.ReceiptHandle }),
  );
}

/**
 * Receives until `count` messages arrived or `timeoutMs` passed (then returns what came), with
 * every attribute. The messages stay in flight: delete them if the test needs them gone.
 */
export async function receiveMessages(
  sqs: SQSClient,
  queueUrl: string,
  count: number,
  timeoutMs = 10_000,
): Promise<Message[]> {
  const messages: Message[] = [];
  const deadline = Date.now() + timeoutMs;
  while (messages.length < count && Date.now() < deadline) {
    const waitSeconds = Math.max(0, Math.min(20, Math.floor((deadline - Date.now()) / 1000)));
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(10, count - messages.length),
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    messages.push(...Messages);
  }
  return messages;
}

/** What the local SNS or EventBridge recorded as published, read over HTTP like any other process would. */
/** Every message a queue holds: visible, in flight and delayed. */
export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0) +
    Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0)
  );
}

export async function localPublished<Entry>(service: 'sns' | 'eventBridge'): Promise<Entry[]> {
  const response = await fetch(`${localAws().endpoints[service]}${PUBLISHED_PATH}`);
  if (!response.ok) throw new Error(`${service} published log answered HTTP ${response.status}`);
  return (await response.json()) as Entry[];
}
