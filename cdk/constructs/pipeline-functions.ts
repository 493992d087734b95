import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Deployment } from '../../shared/config/deployment.ts';
import {
  clamp,
  type EnvironmentResources,
  type FunctionDefinition,
  type QueueConsumerDefinition,
} from '../../shared/config/resources.ts';
import { acknowledge, acknowledgeWildcardResource } from '../nag.ts';
import { type BundledFunction, definedFunction } from './bundled-function.ts';
import {
  grantActions,
  grantKeyUse,
  grantQueueConsume,
  grantQueueSend,
  grantResultsWrite,
  grantTopicPublish,
} from './grants.ts';
import type { PipelineTopics } from './pipeline-topics.ts';
import type { RecordingsSource } from './recordings-source.ts';
import type { UrlSigner } from './url-signer.ts';
import type { WorkQueue } from './work-queue.ts';
import type { ZoomCredentialSecrets } from './zoom-credential-secrets.ts';

/** Lambda's range for an asynchronous event's maximum age. */
const MIN_ASYNC_EVENT_AGE_SECONDS = 60;
const MAX_ASYNC_EVENT_AGE_SECONDS = 6 * 3_600;

export interface PipelineFunctionsProps {
  readonly deployment: Deployment;
  readonly resources: EnvironmentResources;
  /** The repository root the handlers are bundled from. */
  readonly projectRoot: string;
  /** The QM_* variables every function gets. */
  readonly environment: Readonly<Record<string, string>>;
  readonly logRemovalPolicy: RemovalPolicy;
  readonly recordings: RecordingsSource;
  readonly ingestQueue: WorkQueue;
  readonly pollQueue: WorkQueue;
  /** Where the reconciler's failed scheduled runs end up. */
  readonly deliveryDeadLetterQueue: sqs.IQueue;
  readonly table: dynamodb.ITable;
  readonly results: s3.IBucket;
  readonly topics: PipelineTopics;
  readonly zoomSecrets: ZoomCredentialSecrets;
  readonly urlSigner?: UrlSigner | undefined;
}

/**
 * The three functions of the pipeline, their triggers and their permissions: ingest consumes the
 * ingest queue, poll the poll queue (both with partial batch responses, sized by the shared
 * definition), the reconciler runs on an EventBridge schedule. Each has a role of its own that
 * gets only the grants below.
 */
export class PipelineFunctions extends Construct {
  readonly ingest: BundledFunction;
  readonly poll: BundledFunction;
  readonly reconcile: BundledFunction;

  constructor(scope: Construct, id: string, props: PipelineFunctionsProps) {
    super(scope, id);
    const { resources } = props;
    const create = (
      functionId: string,
      definition: FunctionDefinition,
      description: string,
      deadLetterQueue?: sqs.IQueue,
    ) => definedFunction(this, functionId, definition, description, props, deadLetterQueue);
    this.ingest = create(
      'Ingest',
      resources.functions.ingest,
      'Submits each recording dropped in S3 to Zoom QM',
    );
    this.poll = create(
      'Poll',
      resources.functions.poll,
      'Follows each submitted interaction to its final evaluations',
    );
    this.reconcile = create(
      'Reconcile',
      resources.functions.reconcile,
      'Re-queues overdue polls, ends recordings past their deadline, publishes pending notifications',
      props.deliveryDeadLetterQueue,
    );
    this.#consume('IngestTrigger', this.ingest, props.ingestQueue, resources.functions.ingest);
    this.#consume('PollTrigger', this.poll, props.pollQueue, resources.functions.poll);
    this.#schedule(resources, props.deliveryDeadLetterQueue);
    this.#grant(props);
  }

  /**
   * The event source mapping of a queue consumer: partial batch responses, batch size and maximum
   * concurrency from the shared definition. A message that keeps failing moves to the queue's DLQ
   * (SQS mappings take no on-failure destination), so the function needs no DLQ of its own.
   */
  #consume(
    id: string,
    consumer: BundledFunction,
    queue: WorkQueue,
    definition: QueueConsumerDefinition,
  ): void {
    const { trigger } = definition;
    grantQueueConsume(consumer.function, queue.queue);
    const mapping = new lambda.EventSourceMapping(this, id, {
      target: consumer.function,
      eventSourceArn: queue.queue.queueArn,
      batchSize: trigger.batchSize,
      maxConcurrency: trigger.maximumConcurrency,
      reportBatchItemFailures: trigger.reportBatchItemFailures,
      ...(trigger.maxBatchingWindowSeconds === 0
        ? {}
        : { maxBatchingWindow: Duration.seconds(trigger.maxBatchingWindowSeconds) }),
    });
    acknowledge(
      mapping,
      'Serverless-LambdaEventSourceMappingDestination',
      "SQS event source mappings take no on-failure destination: a failing message moves to the queue's dead-letter queue after maxReceiveCount receives.",
    );
    acknowledge(
      consumer.function,
      'Serverless-LambdaDLQ',
      "Invoked synchronously by its SQS event source mapping: failed messages go to the queue's dead-letter queue, never to a function DLQ.",
    );
  }

  /**
   * The reconciler's schedule; an invocation EventBridge cannot deliver lands in the delivery DLQ.
   * Lambda queues a scheduled (asynchronous) invocation and by default retries it for up to 6
   * hours: with one reserved execution, a run throttled behind a slow one would then pile up
   * behind the next scheduled runs. So an event is never retried and is dropped (to the delivery
   * DLQ) once older than the interval: the next scheduled run does the same work.
   */
  #schedule(resources: EnvironmentResources, deliveryDeadLetterQueue: sqs.IQueue): void {
    const minutes = resources.functions.reconcile.scheduleRateMinutes;
    this.reconcile.function.configureAsyncInvoke({
      retryAttempts: 0,
      maxEventAge: Duration.seconds(
        clamp(minutes * 60, MIN_ASYNC_EVENT_AGE_SECONDS, MAX_ASYNC_EVENT_AGE_SECONDS),
      ),
      onFailure: new QueueDestination(deliveryDeadLetterQueue),
    });
    new events.Rule(this, 'ReconcileSchedule', {
      ruleName: resources.names.reconcileSchedule,
      description: `Runs the ${resources.names.functions.reconcile} reconciler`,
      schedule: events.Schedule.rate(Duration.minutes(minutes)),
      targets: [
        new targets.LambdaFunction(this.reconcile.function, {
          deadLetterQueue: deliveryDeadLetterQueue,
          retryAttempts: 2,
          maxEventAge: Duration.minutes(minutes),
        }),
      ],
    });
  }

  /**
   * Least privilege: each function gets only these grants (the README's permissions table), each
   * key use conditioned on the service and the resource (grants.ts).
   */
  #grant(props: PipelineFunctionsProps): void {
    const { recordings, table, results, topics, zoomSecrets, urlSigner } = props;
    const ingest = this.ingest.function;
    const poll = this.poll.function;
    const reconcile = this.reconcile.function;
    const resultsPrefix = `${props.deployment.settings.polling.results.keyPrefix}*`;

    recordings.grantMetadataRead(ingest);
    grantQueueSend(ingest, props.ingestQueue.queue);
    grantQueueSend(ingest, props.pollQueue.queue);
    zoomSecrets.grantRead(ingest);
    urlSigner?.grantRead(ingest);

    recordings.grantPresignedRead(poll);
    grantQueueSend(poll, props.pollQueue.queue);
    grantResultsWrite(poll, results, resultsPrefix);
    // A late evaluation amends results that may have gone to the bucket (over inlineMaxBytes): read them back.
    grantActions(poll, ['s3:GetObject'], [results.arnForObjects(resultsPrefix)]);
    zoomSecrets.grantRead(poll);
    urlSigner?.grantRead(poll);

    grantQueueSend(reconcile, props.pollQueue.queue);

    // Ingest publishes its own endings (REJECTED, FAILED, NEEDS_REVIEW) at once; the poller and the reconciler theirs.
    for (const fn of [ingest, poll, reconcile]) {
      grantStateTable(fn, table);
      acknowledgeWildcardResource(
        fn,
        `${table.tableArn}/index/*`,
        "Query on the state table's own indexes, and nothing else on them; no other table.",
      );
      grantTopicPublish(fn, topics.notifications);
      grantTopicPublish(fn, topics.alerts);
    }
    acknowledgeWildcardResource(
      poll,
      results.arnForObjects(resultsPrefix),
      'Transcripts and large results are written (PutObject only) under the results prefix, one object per recording.',
    );
  }
}

/**
 * The state table's items, as the repositories use them: GetItem, PutItem and UpdateItem (a
 * transaction needs the same actions on each of its items) on the table, Query on its indexes.
 * No Scan, no batch writes, no stream reads, no DeleteItem: nothing in the pipeline uses them.
 */
function grantStateTable(grantee: iam.IGrantable, table: dynamodb.ITable): void {
  grantActions(grantee, ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], [table.tableArn]);
  grantActions(grantee, ['dynamodb:Query'], [`${table.tableArn}/index/*`]);
  grantKeyUse(grantee, {
    key: table.encryptionKey,
    service: 'dynamodb',
    actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
    contextValues: [table.tableName],
  });
}

/** An on-failure destination queue, granted with grants.ts instead of CDK's unconditioned key grant. */
class QueueDestination implements lambda.IDestination {
  readonly #queue: sqs.IQueue;

  constructor(queue: sqs.IQueue) {
    this.#queue = queue;
  }

  bind(_scope: Construct, fn: lambda.IFunction): lambda.DestinationConfig {
    grantQueueSend(fn, this.#queue);
    return { destination: this.#queue.queueArn };
  }
}
