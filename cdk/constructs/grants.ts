import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';

/**
 * Grants written out instead of CDK's `grant*` helpers on encrypted resources, which add the
 * resource's KMS key with Encrypt, Decrypt, ReEncrypt* and GenerateDataKey* and no condition. Here
 * each service call gets only its actions, and the key only the operations that call makes, only
 * through that service (`kms:ViaService`) and only for that resource (the encryption context the
 * service sets: the queue, topic, table, bucket or secret).
 */

/** The services that use a KMS key on a caller's behalf, and the encryption context each sets. */
export type KeyUsingService = 'dynamodb' | 'sqs' | 'sns' | 's3' | 'secretsmanager';

const ENCRYPTION_CONTEXT_KEY: Readonly<Record<KeyUsingService, string>> = {
  // DynamoDB: the table's name; SQS: the queue's ARN; SNS: the topic's ARN.
  dynamodb: 'aws:dynamodb:tableName',
  sqs: 'aws:sqs:arn',
  sns: 'aws:sns:topicArn',
  // S3: the bucket's ARN with S3 Bucket Keys (every qm-ingest bucket), else the object's.
  s3: 'aws:s3:arn',
  secretsmanager: 'SecretARN',
};

export interface KeyUse {
  /** Nothing is granted without a key (a resource encrypted with an AWS-managed key, or not at all). */
  readonly key: kms.IKey | undefined;
  readonly service: KeyUsingService;
  /** Cryptographic operations only (Decrypt, GenerateDataKey...): they carry the encryption context. */
  readonly actions: readonly string[];
  /** The values the service's encryption context may hold; `*` patterns allowed. */
  readonly contextValues: readonly string[];
}

/** Lets `grantee` use `key` for `actions`, through one service, for the named resources only. */
export function grantKeyUse(grantee: iam.IGrantable, use: KeyUse): void {
  if (use.key === undefined) {
    return;
  }
  iam.Grant.addToPrincipal({
    grantee,
    actions: [...use.actions],
    resourceArns: [use.key.keyArn],
    conditions: {
      StringEquals: { 'kms:ViaService': viaService(use.key, use.service) },
      StringLike: {
        [`kms:EncryptionContext:${ENCRYPTION_CONTEXT_KEY[use.service]}`]:
          use.contextValues.length === 1 ? use.contextValues[0] : [...use.contextValues],
      },
    },
  });
}

/** `<service>.<region>.amazonaws.com`, the value of `kms:ViaService` for calls made through it. */
export function viaService(scope: kms.IKey, service: KeyUsingService): string {
  return `${service}.${Stack.of(scope).region}.amazonaws.com`;
}

/** Actions on resources, without any key (the key is granted by {@link grantKeyUse}). */
export function grantActions(
  grantee: iam.IGrantable,
  actions: readonly string[],
  resourceArns: readonly string[],
  conditions?: Record<string, Record<string, unknown>>,
): void {
  iam.Grant.addToPrincipal({
    grantee,
    actions: [...actions],
    resourceArns: [...resourceArns],
    ...(conditions === undefined ? {} : { conditions }),
  });
}

/** SendMessage to an encrypted queue: SQS makes a data key with the queue's key. */
export function grantQueueSend(grantee: iam.IGrantable, queue: sqs.IQueue): void {
  grantActions(grantee, ['sqs:SendMessage'], [queue.queueArn]);
  grantQueueKey(grantee, queue, ['kms:GenerateDataKey', 'kms:Decrypt']);
}

/** What an SQS event source mapping needs to receive and delete its queue's messages. */
export function grantQueueConsume(grantee: iam.IGrantable, queue: sqs.IQueue): void {
  grantActions(
    grantee,
    ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'],
    [queue.queueArn],
  );
  grantQueueKey(grantee, queue, ['kms:Decrypt']);
}

function grantQueueKey(grantee: iam.IGrantable, queue: sqs.IQueue, actions: readonly string[]): void {
  grantKeyUse(grantee, {
    key: queue.encryptionMasterKey,
    service: 'sqs',
    actions,
    contextValues: [queue.queueArn],
  });
}

/** Publish to an encrypted topic. */
export function grantTopicPublish(grantee: iam.IGrantable, topic: sns.ITopic): void {
  grantActions(grantee, ['sns:Publish'], [topic.topicArn]);
  grantKeyUse(grantee, {
    key: topic.masterKey,
    service: 'sns',
    actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
    contextValues: [topic.topicArn],
  });
}

/**
 * PutObject under the results prefix, SSE-KMS with the bucket's key: S3 makes the bucket key with
 * GenerateDataKey, and decrypts it when it reuses it for later objects.
 */
export function grantResultsWrite(grantee: iam.IGrantable, results: s3.IBucket, prefix: string): void {
  grantActions(grantee, ['s3:PutObject'], [results.arnForObjects(prefix)]);
  grantKeyUse(grantee, {
    key: results.encryptionKey,
    service: 's3',
    actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
    contextValues: [results.bucketArn],
  });
}
