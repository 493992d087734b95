import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { SqsIngestRequeue } from '../shared/ingest/sqs-requeue.ts';
import type { OutboxPublisher } from '../shared/notify/outbox-publisher.ts';
import type { LambdaObservability } from '../shared/observability/lambda-observability.ts';
import { observabilityMiddleware } from '../shared/observability/middleware.ts';
import { ResultsAmender } from '../shared/polling/amender.ts';
import { IngestQueueResubmitter } from '../shared/polling/ingest-resubmitter.ts';
import { DynamoPollObservations } from '../shared/polling/observations.ts';
import { processPollBatch } from '../shared/polling/poll-batch.ts';
import type { LateCheckMessage, PollMessage, WebhookSignal } from '../shared/polling/poll-message.ts';
import { PollService, type PollServiceDependencies } from '../shared/polling/poller.ts';
import type { PollScheduler } from '../shared/polling/ports.ts';
import { WebhookSignalHandler } from '../shared/polling/webhook-signals.ts';
import { ResultsStore } from '../shared/results/results-store.ts';
import {
  builtOnFirstUse,
  type Container,
  defaultContainer,
  outboxPublisherOf,
  outboxRepositoryOf,
  resultsExporterOf,
} from './container.ts';

/**
 * The poll function: batches from the poll queue, each message one recording's wake-up call,
 * handed to the poll core (shared/polling/poller.ts). A message whose poll throws is reported in
 * `batchItemFailures` and retried by SQS alone; every other one is deleted, its outcome written
 * to the state table (and its next poll on the queue).
 */

/** What the handler runs on. */
export interface PollRuntime {
  readonly service: PollService;
  /** What Zoom's webhooks said, handed over by the webhook function. */
  readonly signals: WebhookSignalHandler;
  readonly observability: LambdaObservability;
}

/** Parts of the poll runtime a test may wrap (e.g. a state table that crashes after a write). */
export interface PollRuntimeOverrides {
  readonly recordings?:
    | ((repository: PollServiceDependencies['repository']) => PollServiceDependencies['repository'])
    | undefined;
  readonly publisher?: ((publisher: OutboxPublisher) => PollServiceDependencies['publisher']) | undefined;
  readonly scheduler?: ((scheduler: PollScheduler) => PollScheduler) | undefined;
}

/**
 * Where results go: DynamoDB items beside the recordings, and the results bucket for transcripts
 * and large documents, encrypted with the environment's KMS key (QM_RESULTS_KMS_KEY_ID) when set.
 */
export function resultsStoreOf(container: Container): ResultsStore {
  const { settings, resources } = container.config;
  return new ResultsStore(container.dynamoDb, container.s3, {
    tableName: resources.tableName,
    bucket: resources.resultsBucket,
    keyPrefix: settings.polling.results.keyPrefix,
    inlineMaxBytes: settings.polling.results.inlineMaxBytes,
    kmsKeyId: resources.resultsKmsKeyId,
  });
}

/** Assembles the poll core from the container's shared parts. */
export function pollRuntime(container: Container, overrides: PollRuntimeOverrides = {}): PollRuntime {
  const { settings, resources } = container.config;
  const { clock, observability } = container;
  const recordings = overrides.recordings?.(container.recordings) ?? container.recordings;
  const outbox = outboxPublisherOf(container);
  const scheduler = overrides.scheduler?.(container.pollScheduler) ?? container.pollScheduler;
  const observations = new DynamoPollObservations(container.dynamoDb, { tableName: resources.tableName });
  const results = resultsStoreOf(container);
  const exporter = resultsExporterOf(container);
  const publisher = overrides.publisher?.(outbox) ?? outbox;
  const service = new PollService({
    repository: recordings,
    scheduler,
    zoom: container.zoomClients,
    observations,
    results,
    exporter,
    publisher,
    resubmitter: new IngestQueueResubmitter({
      recordings,
      requeue: new SqsIngestRequeue(container.sqs, resources.ingestQueueUrl, clock),
      clock,
    }),
    settings: settings.polling,
    clock,
    random: container.random,
    logger: observability.logger,
    metrics: observability.metrics,
  });
  const shared = {
    settings: settings.polling,
    clock,
    logger: observability.logger,
    metrics: observability.metrics,
  };
  const amender = new ResultsAmender({
    repository: recordings,
    results,
    outbox: outboxRepositoryOf(container),
    publisher,
    exporter,
    ...shared,
  });
  const signals = new WebhookSignalHandler({
    repository: recordings,
    scheduler,
    observations,
    zoom: container.zoomClients,
    poller: service,
    amender,
    ...shared,
  });
  return { service, signals, observability };
}

/**
 * A handler over the runtime `build` returns, built on the first invocation (so importing this
 * module never reads the environment) and kept for the container's life.
 */
export function createPollHandler(build: () => PollRuntime) {
  const current = builtOnFirstUse(build);
  return middy<SQSEvent, SQSBatchResponse>()
    .use(observabilityMiddleware<SQSEvent, SQSBatchResponse>(() => current().observability))
    .handler(async (event) => {
      const { service, signals, observability } = current();
      const consumer = {
        poll: (message: PollMessage) => service.poll(message),
        handleSignal: (signal: WebhookSignal) => signals.handle(signal),
        handleLateCheck: (message: LateCheckMessage) => signals.handleLateCheck(message),
      };
      return processPollBatch(event, consumer, observability.logger, observability.metrics);
    });
}

/** The deployed function's entry point. */
export const handler = createPollHandler(() => pollRuntime(defaultContainer('poll')));
