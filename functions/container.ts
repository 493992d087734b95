import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import {
  createDynamoDbClient,
  createS3Client,
  createSecretsManagerClient,
  createSnsClient,
  createSqsClient,
} from '../shared/aws/clients.ts';
import { type Clock, systemClock } from '../shared/clock.ts';
import { loadRuntimeConfig, type RuntimeConfig } from '../shared/config/runtime.ts';
import { OutboxPublisher } from '../shared/notify/outbox-publisher.ts';
import { SnsMessagePublisher } from '../shared/notify/sns-publisher.ts';
import type { LambdaObservability } from '../shared/observability/lambda-observability.ts';
import { createPowertoolsObservability } from '../shared/observability/powertools.ts';
import { PollMetric } from '../shared/polling/metrics.ts';
import type { PollScheduler } from '../shared/polling/ports.ts';
import { SqsPollScheduler } from '../shared/polling/sqs-poll-scheduler.ts';
import { OutboxRepository } from '../shared/recordings/outbox.ts';
import { RecordingRepository } from '../shared/recordings/repository.ts';
import type { OnUnreadableItem } from '../shared/recordings/unreadable.ts';
import { ResultsExporter } from '../shared/results/bi-export.ts';
import { ZoomClientRegistry } from '../shared/zoom/client-registry.ts';
import type { FetchFn } from '../shared/zoom/http.ts';

/**
 * The wiring every handler shares: the validated runtime configuration, the AWS clients, the
 * Zoom clients, the state table and the poll queue, logs and metrics. One container per Lambda
 * execution environment, each part built on first use and kept for the container's life (cold
 * start work is paid once, and a function builds only what it uses). Handler-specific parts
 * (the ingest core, the poller) are assembled from these in their own handler modules.
 *
 * The only inputs are environment variables (QM_* read through shared/config/runtime.ts; AWS
 * endpoints, region and credentials read by the SDK itself): a local run differs from a
 * deployed one by endpoints alone. Tests may replace the clock, Zoom's fetch and the
 * observability backend.
 */

export interface ContainerOptions {
  /** The function's role (`ingest`, `poll`...): the service name of its logs and metrics. */
  readonly serviceName: string;
  /** The QM_* variables; the process environment when absent. */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  readonly overrides?: ContainerOverrides | undefined;
}

/** What a test may replace; production leaves all of them out. */
export interface ContainerOverrides {
  readonly clock?: Clock | undefined;
  readonly fetch?: FetchFn | undefined;
  readonly observability?: LambdaObservability | undefined;
  /** Jitter source in [0, 1). */
  readonly random?: (() => number) | undefined;
}

export class Container {
  readonly #options: ContainerOptions;
  #config: RuntimeConfig | undefined;
  #observability: LambdaObservability | undefined;
  #s3: S3Client | undefined;
  #sqs: SQSClient | undefined;
  #dynamoDb: DynamoDBClient | undefined;
  #secretsManager: SecretsManagerClient | undefined;
  #zoomClients: ZoomClientRegistry | undefined;
  #recordings: RecordingRepository | undefined;
  #pollScheduler: PollScheduler | undefined;

  constructor(options: ContainerOptions) {
    this.#options = options;
  }

  // --- configuration, time, logs and metrics ---

  /** Read and validated on first use: a bad variable stops the container, naming it. */
  get config(): RuntimeConfig {
    this.#config ??=
      this.#options.env === undefined ? loadRuntimeConfig() : loadRuntimeConfig(this.#options.env);
    return this.#config;
  }

  get clock(): Clock {
    return this.#options.overrides?.clock ?? systemClock;
  }

  get random(): () => number {
    return this.#options.overrides?.random ?? Math.random;
  }

  get observability(): LambdaObservability {
    this.#observability ??=
      this.#options.overrides?.observability ??
      createPowertoolsObservability({
        serviceName: this.#options.serviceName,
        environment: this.config.settings.name,
      });
    return this.#observability;
  }

  // --- AWS clients (endpoints, region and credentials from the SDK's standard sources) ---

  get s3(): S3Client {
    this.#s3 ??= createS3Client();
    return this.#s3;
  }

  get sqs(): SQSClient {
    this.#sqs ??= createSqsClient();
    return this.#sqs;
  }

  get dynamoDb(): DynamoDBClient {
    this.#dynamoDb ??= createDynamoDbClient();
    return this.#dynamoDb;
  }

  get secretsManager(): SecretsManagerClient {
    this.#secretsManager ??= createSecretsManagerClient();
    return this.#secretsManager;
  }

  // --- Zoom, the state table and the poll queue ---

  /** One client per Zoom profile, sharing the token and rate limits of each account through the state table. */
  get zoomClients(): ZoomClientRegistry {
    this.#zoomClients ??= new ZoomClientRegistry({
      profiles: this.config.settings.zoomProfiles,
      dynamoDb: this.dynamoDb,
      tableName: this.config.resources.tableName,
      secretsManager: this.secretsManager,
      clock: this.clock,
      logger: this.observability.logger,
      fetch: this.#options.overrides?.fetch,
    });
    return this.#zoomClients;
  }

  get recordings(): RecordingRepository {
    this.#recordings ??= new RecordingRepository(this.dynamoDb, {
      tableName: this.config.resources.tableName,
      clock: this.clock,
    });
    return this.#recordings;
  }

  get pollScheduler(): PollScheduler {
    this.#pollScheduler ??= new SqsPollScheduler(this.sqs, this.config.resources.pollQueueUrl, this.clock);
    return this.#pollScheduler;
  }
}

const defaultContainers = new Map<string, Container>();

/**
 * The container of a deployed function, configured by the process environment: built once per
 * execution environment, on the first invocation.
 */
export function defaultContainer(serviceName: string): Container {
  let container = defaultContainers.get(serviceName);
  if (container === undefined) {
    container = new Container({ serviceName });
    defaultContainers.set(serviceName, container);
  }
  return container;
}

/** Forgets the default containers, so a test can start from a fresh environment. */
export function resetDefaultContainers(): void {
  defaultContainers.clear();
}

// --- Notifications (every function that writes a terminal status publishes through these) ---

const snsClients = new WeakMap<Container, SNSClient>();
const outboxPublishers = new WeakMap<Container, OutboxPublisher>();

/** The container's SNS client, built on first use. */
function snsClientOf(container: Container): SNSClient {
  let client = snsClients.get(container);
  if (client === undefined) {
    client = createSnsClient();
    snsClients.set(container, client);
  }
  return client;
}

/**
 * What a function does with a stored item it cannot read: an error log with the item's keys and
 * the UnreadableItemsSkipped metric (alarmed in the stack); the loop that met it goes on.
 */
export function unreadableItemReporter(container: Container): OnUnreadableItem {
  const { logger, metrics } = container.observability;
  return (item) => {
    metrics.count(PollMetric.unreadableItemsSkipped, 1);
    logger.error('Stored item skipped: it cannot be read (corrupt, or written by a newer version)', {
      ...item,
    });
  };
}

/**
 * Publishes the outbox's notifications (and alerts) to the environment's topics, then marks them
 * sent. Any function that writes a terminal status publishes through it right after the write;
 * the reconciler publishes whatever is left pending.
 */
export function outboxPublisherOf(container: Container): OutboxPublisher {
  let publisher = outboxPublishers.get(container);
  if (publisher === undefined) {
    const { settings, resources } = container.config;
    publisher = new OutboxPublisher({
      outbox: outboxRepositoryOf(container),
      publisher: new SnsMessagePublisher(snsClientOf(container), {
        notificationTopicArn: resources.notificationTopicArn,
        alertTopicArn: resources.alertTopicArn,
      }),
      environment: settings.name,
      logger: container.observability.logger,
      metrics: container.observability.metrics,
    });
    outboxPublishers.set(container, publisher);
  }
  return publisher;
}

/** The outbox in the state table (pending notifications, and the updates written outside a transition). */
export function outboxRepositoryOf(container: Container): OutboxRepository {
  return new OutboxRepository(container.dynamoDb, {
    tableName: container.config.resources.tableName,
    clock: container.clock,
    onUnreadable: unreadableItemReporter(container),
  });
}

// --- The BI export ---

/**
 * The BI export every function that writes a terminal status writes its endings to, when the
 * environment has it on: the results bucket, SSE-KMS with the environment's key.
 */
export function resultsExporterOf(container: Container): ResultsExporter | undefined {
  const { settings, resources } = container.config;
  const { export: exportSettings } = settings.polling.results;
  if (!exportSettings.enabled) {
    return undefined;
  }
  return new ResultsExporter(container.s3, {
    bucket: resources.resultsBucket,
    keyPrefix: exportSettings.keyPrefix,
    includePersonalData: exportSettings.includePersonalData,
    kms: { keyId: resources.resultsKmsKeyId },
  });
}

/**
 * What `build` returns, built on the first call and kept for the container's life: a handler
 * module's import never reads the environment, and its first invocation pays the wiring once.
 */
export function builtOnFirstUse<T>(build: () => T): () => T {
  let built: { readonly value: T } | undefined;
  return () => {
    built ??= { value: build() };
    return built.value;
  };
}
