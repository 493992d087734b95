import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Deployment } from '../../shared/config/deployment.ts';
import type {
  EnvironmentResources,
  FunctionDefinition,
  QueueConsumerDefinition,
} from '../../shared/config/resources.ts';
import { acknowledge, acknowledgeWildcardActions, acknowledgeWildcardResource } from '../nag.ts';
import { type BundledFunction, definedFunction } from './bundled-function.ts';
import type { PipelineTopics } from './pipeline-topics.ts';
import type { RecordingsSource } from './recordings-source.ts';
import type { UrlSigner } from './url-signer.ts';
import type { WorkQueue } from './work-queue.ts';
import type { ZoomCredentialSecrets } from './zoom-credential-secrets.ts';

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
    queue.queue.grantConsumeMessages(consumer.function);
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

  /** The reconciler's schedule; an invocation EventBridge cannot deliver lands in the delivery DLQ. */
  #schedule(resources: EnvironmentResources, deliveryDeadLetterQueue: sqs.IQueue): void {
    const minutes = resources.functions.reconcile.scheduleRateMinutes;
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

  /** Least privilege: each function gets only these grants (the README's permissions table). */
  #grant(props: PipelineFunctionsProps): void {
    const { recordings, table, results, topics, zoomSecrets, urlSigner } = props;
    const ingest = this.ingest.function;
    const poll = this.poll.function;
    const reconcile = this.reconcile.function;
    const resultsPrefix = `${props.deployment.settings.polling.results.keyPrefix}*`;

    recordings.grantMetadataRead(ingest);
    props.ingestQueue.queue.grantSendMessages(ingest);
    props.pollQueue.queue.grantSendMessages(ingest);
    zoomSecrets.grantRead(ingest);
    urlSigner?.grantRead(ingest);

    recordings.grantPresignedRead(poll);
    props.pollQueue.queue.grantSendMessages(poll);
    results.grantPut(poll, resultsPrefix);
    zoomSecrets.grantRead(poll);
    urlSigner?.grantRead(poll);

    props.pollQueue.queue.grantSendMessages(reconcile);

    for (const fn of [ingest, poll, reconcile]) {
      table.grantReadWriteData(fn);
      acknowledgeWildcardResource(
        fn,
        `${table.tableArn}/index/*`,
        "The state table's own indexes (the grant covers index queries); no other table.",
      );
      acknowledgeWildcardActions(
        fn,
        ['kms:GenerateDataKey*', 'kms:ReEncrypt*'],
        "CDK's SQS, DynamoDB, SNS and S3 grants on resources encrypted with the environment key; the resource is that one key.",
      );
    }
    // Ingest publishes its own endings (REJECTED, FAILED, NEEDS_REVIEW) at once; the poller and the reconciler theirs.
    for (const fn of [ingest, poll, reconcile]) {
      topics.notifications.grantPublish(fn);
      topics.alerts.grantPublish(fn);
    }
    acknowledgeWildcardResource(
      poll,
      results.arnForObjects(resultsPrefix),
      'Transcripts and large results are written under the results prefix, one object per recording.',
    );
    acknowledgeWildcardActions(
      poll,
      ['s3:Abort*'],
      "CDK's put grant includes AbortMultipartUpload, limited to the results prefix.",
    );
  }
}
