import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { IamUserSigningCredentials } from '../shared/ingest/iam-user-credentials.ts';
import { IngestService } from '../shared/ingest/ingest-service.ts';
import { S3RecordingObjects } from '../shared/ingest/object-store.ts';
import type { RecordingStore } from '../shared/ingest/ports.ts';
import { S3Presigner } from '../shared/ingest/presign.ts';
import { SqsIngestRequeue } from '../shared/ingest/sqs-requeue.ts';
import type { OutboxPublisher } from '../shared/notify/outbox-publisher.ts';
import type { LambdaObservability } from '../shared/observability/lambda-observability.ts';
import { observabilityMiddleware } from '../shared/observability/middleware.ts';
import { processSqsBatch } from '../shared/queue/partial-batch.ts';
import {
  builtOnFirstUse,
  type Container,
  defaultContainer,
  outboxPublisherOf,
  resultsExporterOf,
} from './container.ts';

/**
 * The ingest function: SQS batches from the ingest queue (S3 notifications, EventBridge "Object
 * Created" events and ingest's own re-sends) handed record by record to the ingest core. A record
 * whose processing throws is reported in `batchItemFailures`, so SQS retries it alone (and moves
 * it to the DLQ after the queue's receive count); every other record is deleted, its outcome
 * already recorded in the state table or re-sent to wait.
 */

/** What the handler runs on. */
export interface IngestRuntime {
  readonly service: IngestService;
  readonly observability: LambdaObservability;
}

/** Parts of the ingest runtime a test may wrap (e.g. a state table that fails once on purpose). */
export interface IngestRuntimeOverrides {
  readonly recordings?: ((store: RecordingStore) => RecordingStore) | undefined;
  readonly publisher?:
    | ((publisher: OutboxPublisher) => Pick<OutboxPublisher, 'publishOrLeavePending'>)
    | undefined;
}

/** How long a URL signer's keys read from Secrets Manager are reused: a rotation is picked up within it. */
const SIGNER_CREDENTIALS_CACHE_MS = 5 * 60_000;

/** Assembles the ingest core from the container's shared parts. */
export function ingestRuntime(container: Container, overrides: IngestRuntimeOverrides = {}): IngestRuntime {
  const { settings, resources } = container.config;
  const { presign } = settings.ingest;
  const clock = container.clock;
  const observability = container.observability;
  const signer = presign.signer;
  const recordings = overrides.recordings?.(container.recordings) ?? container.recordings;
  const outbox = outboxPublisherOf(container);
  const service = new IngestService({
    settings,
    objects: new S3RecordingObjects(container.s3),
    recordings,
    zoom: container.zoomClients,
    presigner: new S3Presigner({
      s3: container.s3,
      urlExpirySeconds: presign.urlExpirySeconds,
      unknownCredentialLifetimeSeconds: presign.unknownCredentialLifetimeSeconds,
      clock,
      signingCredentials:
        signer.kind === 'iamUser'
          ? new IamUserSigningCredentials({
              client: container.secretsManager,
              secretId: signer.secretName,
              cacheTtlMs: SIGNER_CREDENTIALS_CACHE_MS,
              clock,
            })
          : undefined,
    }),
    requeue: new SqsIngestRequeue(container.sqs, resources.ingestQueueUrl, clock),
    pollScheduler: container.pollScheduler,
    clock,
    metrics: observability.metrics,
    logger: observability.logger,
    publisher: overrides.publisher?.(outbox) ?? outbox,
    exporter: resultsExporterOf(container),
    random: container.random,
  });
  return { service, observability };
}

/**
 * A handler over the runtime `build` returns, built on the first invocation (so importing this
 * module never reads the environment) and kept for the container's life.
 */
export function createHandler(build: () => IngestRuntime) {
  const current = builtOnFirstUse(build);
  return middy<SQSEvent, SQSBatchResponse>()
    .use(observabilityMiddleware<SQSEvent, SQSBatchResponse>(() => current().observability))
    .handler(async (event) => processBatch(current(), event));
}

/** Every record at once; only those that threw are reported failed. */
export async function processBatch(runtime: IngestRuntime, event: SQSEvent): Promise<SQSBatchResponse> {
  return processSqsBatch(event, async (record) => {
    try {
      await runtime.service.handleMessage({ messageId: record.messageId, body: record.body });
    } catch (error) {
      runtime.observability.logger.error('Unexpected failure: the message is left for SQS to retry', {
        messageId: record.messageId,
        receiveCount: receiveCountOf(record),
        error,
      });
      throw error;
    }
  });
}

function receiveCountOf(record: SQSRecord): number | undefined {
  const count = Number(record.attributes.ApproximateReceiveCount);
  return Number.isInteger(count) && count > 0 ? count : undefined;
}

/** The deployed function's entry point. */
export const handler = createHandler(() => ingestRuntime(defaultContainer('ingest')));
