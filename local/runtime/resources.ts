import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  ResourceExistsException,
} from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { EnvironmentSettings } from '../../shared/config/environment.ts';
import {
  type DeadLetterQueueDefinition,
  type EnvironmentResources,
  type QueueDefinition,
  type QueueRole,
  recordingsEventPattern,
  sqsDeadLetterQueueAttributes,
  sqsQueueAttributes,
} from '../../shared/config/resources.ts';
import type { RuntimeResources } from '../../shared/config/runtime.ts';
import { PermanentError } from '../../shared/errors.ts';
import { createStateTable } from '../../shared/table/create-table.ts';
import { zoomTokenKey } from '../../shared/table/keys.ts';
import type { BucketNotificationConfiguration } from '../aws/index.ts';
import type { SimulatorCredentials } from '../zoom-simulator/index.ts';
import type { LocalClients } from './aws-clients.ts';
import { recordingNotifications } from './notification-filters.ts';

/**
 * Creates the local environment's resources from the definitions the CDK stack deploys
 * (shared/config/resources.ts): the recordings and results buckets, the ingest and poll queues
 * with their dead-letter queues and redrive policies, the state table, the notification and alert
 * topics, the Zoom credentials secret, and the bucket's event notifications to the ingest queue.
 * Beside it, a second recordings bucket is wired as the stack wires an existing bucket it does not
 * own: EventBridge notifications on, and the EventBridge rule that sends its "Object Created"
 * events under the recording prefixes to the ingest queue. Both paths run side by side.
 * Every step is idempotent, so a run on a kept data folder finds what the previous one created.
 */

export interface ProvisionInput {
  readonly clients: LocalClients;
  readonly definitions: EnvironmentResources;
  readonly settings: EnvironmentSettings;
  /** The credentials the Zoom profile's secret holds (the simulator's test values), its webhook token included. */
  readonly zoomCredentials: SimulatorCredentials & { readonly webhookSecretToken: string };
  /** The stand-in for an existing bucket, whose events come through EventBridge. */
  readonly existingBucket: string;
  /** Sets a bucket's event notifications (the local S3 emits them to SQS and EventBridge). */
  readonly putBucketNotifications: (
    bucket: string,
    configuration: BucketNotificationConfiguration,
  ) => Promise<void>;
}

export interface LocalQueue {
  readonly url: string;
  readonly arn: string;
}

export interface ProvisionedResources {
  /** What the functions are given (their QM_* variables). */
  readonly runtime: RuntimeResources;
  readonly recordingsBucket: string;
  /** The second recordings bucket, ingested from through EventBridge as an existing bucket is. */
  readonly existingBucket: string;
  readonly queues: Readonly<Record<QueueRole, LocalQueue & { readonly deadLetter: LocalQueue }>>;
  /** The runtime's own subscriber to both topics: it drains this queue to show outcomes and alerts. */
  readonly watchQueue: LocalQueue;
}

/** The suffix of the runtime's subscriber queue, after the environment's resource prefix. */
const WATCH_QUEUE_SUFFIX = '-watch';
/** The id of the existing bucket's rule target: the ingest queue. */
const INGEST_TARGET_ID = 'ingest-queue';

export async function provisionLocalResources(input: ProvisionInput): Promise<ProvisionedResources> {
  const { clients, definitions, settings } = input;
  const { names } = definitions;
  const [ingest, poll, notificationTopicArn, alertTopicArn] = await Promise.all([
    createQueueWithDeadLetter(input, definitions.queues.ingest),
    createQueueWithDeadLetter(input, definitions.queues.poll),
    createTopic(input, definitions.topics.notifications),
    createTopic(input, definitions.topics.alerts),
    createBucket(input, names.recordingsBucket),
    createBucket(input, input.existingBucket),
    createBucket(input, names.resultsBucket),
    createStateTable(clients.dynamodb, definitions.table.definition, definitions.table.name),
    storeZoomCredentials(input),
  ]);
  await Promise.all([
    forgetZoomToken(input),
    input.putBucketNotifications(names.recordingsBucket, {
      queues: recordingNotifications(settings.ingest, ingest.arn),
    }),
    routeExistingBucketEvents(input, ingest.arn),
  ]);
  const watchQueue = await createQueue(input, `${names.stack}${WATCH_QUEUE_SUFFIX}`, {});
  // Subscribed by ARN, which outlives the run's ports: a kept data folder reuses the subscription.
  await Promise.all(
    [notificationTopicArn, alertTopicArn].map((topicArn) =>
      clients.sns.send(
        new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: watchQueue.arn }),
      ),
    ),
  );
  return {
    runtime: {
      tableName: definitions.table.name,
      ingestQueueUrl: ingest.url,
      pollQueueUrl: poll.url,
      resultsBucket: names.resultsBucket,
      notificationTopicArn,
      alertTopicArn,
    },
    recordingsBucket: names.recordingsBucket,
    existingBucket: input.existingBucket,
    queues: { ingest, poll },
    watchQueue,
  };
}

/**
 * What the bucket's owner and the stack each do for an existing bucket: the owner turns its
 * EventBridge notifications on (leaving its own notification configuration alone); the stack's
 * rule on the default bus sends its "Object Created" events under the recording prefixes to the
 * ingest queue (cdk/constructs/recordings-source.ts, from the same pattern definition).
 */
async function routeExistingBucketEvents(input: ProvisionInput, ingestQueueArn: string): Promise<void> {
  const { clients, definitions, settings, existingBucket } = input;
  await input.putBucketNotifications(existingBucket, { queues: [], eventBridge: true });
  const rule = definitions.names.recordingsEventRule;
  await clients.eventBridge.send(
    new PutRuleCommand({
      Name: rule,
      Description: `Recordings created in ${existingBucket} -> the qm-ingest ingest queue`,
      EventPattern: JSON.stringify(recordingsEventPattern(existingBucket, settings.ingest.recordingPrefixes)),
    }),
  );
  const { FailedEntries } = await clients.eventBridge.send(
    new PutTargetsCommand({ Rule: rule, Targets: [{ Id: INGEST_TARGET_ID, Arn: ingestQueueArn }] }),
  );
  const [failed] = FailedEntries ?? [];
  if (failed !== undefined) {
    throw new PermanentError(
      `The local EventBridge refused the ingest queue as the target of rule ${rule}: ${failed.ErrorMessage ?? failed.ErrorCode ?? 'no reason given'}`,
    );
  }
}

async function createQueueWithDeadLetter(
  input: ProvisionInput,
  queue: QueueDefinition,
): Promise<LocalQueue & { readonly deadLetter: LocalQueue }> {
  const deadLetter = await createDeadLetterQueue(input, queue.deadLetterQueue);
  const created = await createQueue(input, queue.name, sqsQueueAttributes(queue, deadLetter.arn));
  return { ...created, deadLetter };
}

function createDeadLetterQueue(input: ProvisionInput, queue: DeadLetterQueueDefinition): Promise<LocalQueue> {
  return createQueue(input, queue.name, sqsDeadLetterQueueAttributes(queue));
}

async function createQueue(
  { clients }: ProvisionInput,
  name: string,
  attributes: Record<string, string>,
): Promise<LocalQueue> {
  const { QueueUrl: url } = await clients.sqs.send(
    new CreateQueueCommand({ QueueName: name, Attributes: attributes }),
  );
  if (url === undefined) {
    throw new PermanentError(`The local SQS created queue ${name} without a URL`);
  }
  const { Attributes } = await clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  const arn = Attributes?.QueueArn;
  if (arn === undefined) {
    throw new PermanentError(`The local SQS did not give the ARN of queue ${name}`);
  }
  return { url, arn };
}

async function createTopic({ clients }: ProvisionInput, name: string): Promise<string> {
  const { TopicArn } = await clients.sns.send(new CreateTopicCommand({ Name: name }));
  if (TopicArn === undefined) {
    throw new PermanentError(`The local SNS created topic ${name} without an ARN`);
  }
  return TopicArn;
}

async function createBucket({ clients }: ProvisionInput, name: string): Promise<void> {
  try {
    await clients.s3.send(new CreateBucketCommand({ Bucket: name }));
  } catch (error) {
    const code = (error as { name?: unknown }).name;
    if (code !== 'BucketAlreadyExists' && code !== 'BucketAlreadyOwnedByYou') {
      throw error;
    }
  }
}

/**
 * The shared Zoom token a kept data folder holds was issued by the previous run's simulator, which
 * is gone (with its port, when ports are free ones, and its tokens): each run starts without it.
 */
async function forgetZoomToken({ clients, definitions, zoomCredentials }: ProvisionInput): Promise<void> {
  await clients.dynamodb.send(
    new DeleteItemCommand({
      TableName: definitions.table.name,
      Key: marshall(zoomTokenKey(zoomCredentials.accountId)),
    }),
  );
}

/** The secret every Zoom profile reads, as the README documents it; rewritten on each start. */
async function storeZoomCredentials({ clients, settings, zoomCredentials }: ProvisionInput): Promise<void> {
  const value = JSON.stringify({
    account_id: zoomCredentials.accountId,
    client_id: zoomCredentials.clientId,
    client_secret: zoomCredentials.clientSecret,
    webhook_secret_token: zoomCredentials.webhookSecretToken,
  });
  const secretNames = [...new Set(settings.zoomProfiles.map((profile) => profile.secretName))];
  await Promise.all(
    secretNames.map(async (name) => {
      try {
        await clients.secretsManager.send(new CreateSecretCommand({ Name: name, SecretString: value }));
      } catch (error) {
        if (!(error instanceof ResourceExistsException)) {
          throw error;
        }
        await clients.secretsManager.send(new PutSecretValueCommand({ SecretId: name, SecretString: value }));
      }
    }),
  );
}
