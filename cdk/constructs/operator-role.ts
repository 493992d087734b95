import { Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeWildcardResource } from '../nag.ts';
import { grantActions, grantKeyUse } from './grants.ts';
import type { RecordingsSource } from './recordings-source.ts';
import type { WorkQueue } from './work-queue.ts';
import type { ZoomCredentialSecrets } from './zoom-credential-secrets.ts';

/**
 * The role an operator assumes to run `qm-ingest status`, `list`, `retry`, `resolve`, `redrive`,
 * `backfill` and `erase` against the environment (`--env <name>`), with exactly what those
 * commands call, each on the one resource it calls it on (the README lists them per command).
 * Trusted by the account: an administrator lets people or groups assume it with sts:AssumeRole.
 */

export interface OperatorRoleProps {
  readonly table: dynamodb.ITable;
  readonly key: kms.IKey;
  readonly recordings: RecordingsSource;
  readonly recordingPrefixes: readonly string[];
  readonly results: s3.IBucket;
  readonly ingestQueue: WorkQueue;
  readonly pollQueue: WorkQueue;
  readonly deliveryDeadLetterQueue: sqs.IQueue;
  readonly zoomSecrets: ZoomCredentialSecrets;
}

/** What each command needs, as the CDK tests and the README state it. */
export const OPERATOR_ACTIONS = {
  /** Finding the environment from its stack's outputs. */
  stack: ['cloudformation:DescribeStacks'],
  /** Reading recordings (status, list, lookups by key), transitions (retry, resolve), Zoom's shared token and rate-limit buckets, erase and its audit entry. */
  table: [
    'dynamodb:DeleteItem',
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:Query',
    'dynamodb:Scan',
    'dynamodb:UpdateItem',
  ],
  /** The by-status, by-interaction and work indexes (list, lookups by interaction). */
  tableIndexes: ['dynamodb:Query'],
  /**
   * The environment key, each use only through the service that makes it and for its one
   * resource: the table (read and write), the queues (send, receive), the results bucket (read).
   */
  tableKey: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
  queueKey: ['kms:Decrypt', 'kms:GenerateDataKey'],
  resultsKey: ['kms:Decrypt'],
  /** Listing (backfill, erase's versions) and reading heads (backfill's check, erase). */
  recordingsBucket: ['s3:ListBucket', 's3:ListBucketVersions'],
  recordingObjects: ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:GetObject', 's3:GetObjectVersion'],
  resultsBucket: ['s3:ListBucket'],
  resultsObjects: ['s3:DeleteObject', 's3:GetObject'],
  /** retry and backfill send to ingest, resolve to poll; redrive moves back to both. */
  workQueues: ['sqs:GetQueueAttributes', 'sqs:SendMessage'],
  /** redrive: SQS's message move task from the ingest and poll DLQs. */
  deadLetterQueues: [
    'sqs:DeleteMessage',
    'sqs:GetQueueAttributes',
    'sqs:ListMessageMoveTasks',
    'sqs:ReceiveMessage',
    'sqs:StartMessageMoveTask',
  ],
  /** redrive: the recording events of the delivery DLQ, moved by receive, send, delete. */
  deliveryDeadLetterQueue: ['sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'],
  /** resolve: reading the interaction from Zoom with the profile's credentials (the secrets' read grant). */
  zoomSecrets: ['secretsmanager:GetSecretValue'],
} as const;

export class OperatorRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: OperatorRoleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.AccountRootPrincipal(),
      description: `qm-ingest operator commands for ${stack.stackName} (status, list, retry, resolve, redrive, backfill, erase)`,
    });
    const allow = (actions: readonly string[], resources: readonly string[]) =>
      this.role.addToPolicy(new iam.PolicyStatement({ actions: [...actions], resources: [...resources] }));
    const { table, key, recordings, results } = props;
    const bucket = recordings.bucket;
    const recordingObjects = props.recordingPrefixes.map((prefix) => bucket.arnForObjects(`${prefix}*`));
    const resultsObjects = results.arnForObjects('*');
    const tableIndexes = `${table.tableArn}/index/*`;

    allow(OPERATOR_ACTIONS.stack, [stack.stackId]);
    allow(OPERATOR_ACTIONS.table, [table.tableArn]);
    allow(OPERATOR_ACTIONS.tableIndexes, [tableIndexes]);
    grantKeyUse(this.role, {
      key,
      service: 'dynamodb',
      actions: OPERATOR_ACTIONS.tableKey,
      contextValues: [table.tableName],
    });
    const queues = [
      props.ingestQueue.queue,
      props.pollQueue.queue,
      props.ingestQueue.deadLetterQueue,
      props.pollQueue.deadLetterQueue,
      props.deliveryDeadLetterQueue,
    ];
    grantKeyUse(this.role, {
      key,
      service: 'sqs',
      actions: OPERATOR_ACTIONS.queueKey,
      contextValues: queues.map((queue) => queue.queueArn),
    });
    grantKeyUse(this.role, {
      key,
      service: 's3',
      actions: OPERATOR_ACTIONS.resultsKey,
      contextValues: [results.bucketArn],
    });
    // Listing only under the recording prefixes, as ingest's own ListBucket (RecordingsSource).
    const prefixes = props.recordingPrefixes.includes('')
      ? undefined
      : { StringLikeIfExists: { 's3:prefix': props.recordingPrefixes.map((prefix) => `${prefix}*`) } };
    grantActions(this.role, OPERATOR_ACTIONS.recordingsBucket, [bucket.bucketArn], prefixes);
    allow(OPERATOR_ACTIONS.recordingObjects, recordingObjects);
    allow(OPERATOR_ACTIONS.resultsBucket, [results.bucketArn]);
    allow(OPERATOR_ACTIONS.resultsObjects, [resultsObjects]);
    allow(OPERATOR_ACTIONS.workQueues, [props.ingestQueue.queue.queueArn, props.pollQueue.queue.queueArn]);
    allow(OPERATOR_ACTIONS.deadLetterQueues, [
      props.ingestQueue.deadLetterQueue.queueArn,
      props.pollQueue.deadLetterQueue.queueArn,
    ]);
    allow(OPERATOR_ACTIONS.deliveryDeadLetterQueue, [props.deliveryDeadLetterQueue.queueArn]);
    // The secrets' own grant: it matches a secret named without its ARN suffix too.
    props.zoomSecrets.grantRead(this.role);

    acknowledgeWildcardResource(
      this.role,
      tableIndexes,
      "The state table's own indexes: list reads the by-status index, lookups the by-interaction index; no other table.",
    );
    for (const arn of recordingObjects) {
      acknowledgeWildcardResource(
        this.role,
        arn,
        'Recordings and their sidecars under one recording prefix: backfill reads their heads, erase --with-object deletes one recording and its sidecar by key.',
      );
    }
    acknowledgeWildcardResource(
      this.role,
      resultsObjects,
      "The results bucket's documents and transcripts: status reads them, erase deletes one recording's.",
    );
  }
}
