import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { type Message, SendMessageCommand } from '@aws-sdk/client-sqs';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { Container } from '../../functions/container.ts';
import { createHandler, type IngestRuntimeOverrides, ingestRuntime } from '../../functions/ingest.ts';
import { type RunningSqsEventSource, startSqsEventSource } from '../../local/triggers/index.ts';
import {
  type ScenarioInput,
  startZoomSimulator,
  type ZoomSimulator,
} from '../../local/zoom-simulator/index.ts';
import type { Clock } from '../../shared/clock.ts';
import type { EnvironmentSettingsInput } from '../../shared/config/environment.ts';
import type { ZoomProfileInput } from '../../shared/config/zoom-profile.ts';
import type { InMemoryMetrics } from '../../shared/observability/metrics.ts';
import { parseRecording, type Recording } from '../../shared/recordings/recording.ts';
import { createStateTable } from '../../shared/table/create-table.ts';
import { stateTableDefinition } from '../../shared/table/definition.ts';
import { documentClientOf } from '../../shared/table/document-client.ts';
import { ItemType } from '../../shared/table/keys.ts';
import type { FetchFn } from '../../shared/zoom/http.ts';
import {
  connectBucketToQueue,
  createTestBucket,
  createTestQueue,
  createTestQueueWithDlq,
  createTestSecret,
  type LocalAwsClients,
  localAwsClients,
  queueDepth,
  receiveMessages,
  type TestQueue,
  type TestQueueWithDlq,
  uniqueName,
} from './local-stack.ts';
import { inMemoryObservability } from './polling-observability.ts';
import { createTestTopics, type TestTopics } from './polling-topics.ts';
import type { CapturingStructuredLogger } from './shared-logging.ts';
import { runtimeEnvironment, simulatorProfile, simulatorSecret } from './shared-pipeline.ts';

/**
 * The ingest path end to end on the local servers, as it runs in AWS: a bucket whose
 * notifications go to an ingest queue (with its DLQ), the real functions/ingest.ts handler run
 * by the local SQS trigger with partial batch responses, a state table, a poll queue, a Secrets
 * Manager secret and the Zoom QM simulator. The handler's container is configured by the same
 * environment variables as in AWS (QM_*, and the AWS_ENDPOINT_URL_* that point the SDK at the
 * local servers); tests may also give it a clock, Zoom's fetch or a state-table wrapper.
 */

export interface IngestPipelineOptions {
  readonly scenario?: ScenarioInput;
  readonly profile?: Partial<ZoomProfileInput>;
  readonly ingest?: EnvironmentSettingsInput['ingest'];
  readonly polling?: EnvironmentSettingsInput['polling'];
  /** The secret's content; the simulator's credentials when absent. */
  readonly secret?: Record<string, string>;
  readonly clock?: Clock;
  readonly fetch?: FetchFn;
  readonly runtime?: IngestRuntimeOverrides;
  /** SQS visibility timeout of the ingest queue, also the function's timeout. */
  readonly visibilityTimeoutSeconds?: number;
  readonly maxReceiveCount?: number;
}

export interface IngestPipeline {
  readonly clients: LocalAwsClients;
  readonly bucket: string;
  /** The notification and alert topics, with what was published to them (no reconciler runs here). */
  readonly topics: TestTopics;
  readonly ingestQueue: TestQueueWithDlq;
  readonly pollQueue: TestQueue;
  readonly tableName: string;
  readonly simulator: ZoomSimulator;
  readonly logger: CapturingStructuredLogger;
  readonly metrics: InMemoryMetrics;
  /** Every message body the handler was given, in order. */
  readonly delivered: string[];
  /** Uploads an object, as a recording system would. */
  put(key: string, body: Uint8Array | string, options?: PutOptions): Promise<void>;
  remove(key: string): Promise<void>;
  /** Puts a raw message on the ingest queue (a duplicated or an EventBridge event). */
  send(body: string): Promise<void>;
  recordings(): Promise<Recording[]>;
  /** Waits until `predicate` holds for the recordings, and returns them. */
  waitForRecordings(
    predicate: (recordings: Recording[]) => boolean,
    timeoutMs?: number,
  ): Promise<Recording[]>;
  /** The messages left in the ingest queue's DLQ (received and left in flight). */
  dlqMessages(): Promise<Message[]>;
  /** Visible plus in-flight messages of the ingest queue. */
  ingestQueueDepth(): Promise<number>;
  stop(): Promise<void>;
}

export interface PutOptions {
  readonly contentType?: string;
  readonly metadata?: Record<string, string>;
}

export async function startIngestPipeline(options: IngestPipelineOptions = {}): Promise<IngestPipeline> {
  const clients = localAwsClients();
  const clock = options.clock;
  const simulator = await startZoomSimulator({
    scenario: options.scenario ?? {},
    ...(clock === undefined ? {} : { clock }),
  });
  const visibilityTimeoutSeconds = options.visibilityTimeoutSeconds ?? 5;
  const [bucket, ingestQueue, pollQueue, topics, secret] = await Promise.all([
    createTestBucket(clients.s3, 'recordings'),
    createTestQueueWithDlq(clients.sqs, {
      prefix: 'ingest',
      visibilityTimeoutSeconds,
      maxReceiveCount: options.maxReceiveCount ?? 3,
    }),
    createTestQueue(clients.sqs, { prefix: 'poll' }),
    createTestTopics(clients.sns),
    createTestSecret(
      clients.secretsManager,
      JSON.stringify(options.secret ?? simulatorSecret(simulator)),
      'zoom',
    ),
  ]);
  const tableName = uniqueName('state');
  await createStateTable(clients.dynamodb, stateTableDefinition, tableName);
  // S3's own s3:TestEvent stays on the queue: the handler must delete it, never send it to the DLQ.
  await connectBucketToQueue(clients, bucket, ingestQueue, { keepTestEvent: true });

  const settings: EnvironmentSettingsInput = {
    name: 'itest',
    // Generous local limits: the simulator's limits are the ones under test.
    zoomProfiles: [simulatorProfile(simulator, secret.name, 200, options.profile)],
    defaultProfile: 'main',
    ingest: {
      recordingPrefixes: ['calls/'],
      keyTemplate: 'calls/{date}/{agent_email}/{direction}-{any}.{ext}',
      ...options.ingest,
    },
    ...(options.polling === undefined ? {} : { polling: options.polling }),
  };
  const env = runtimeEnvironment({
    settings,
    tableName,
    ingestQueueUrl: ingestQueue.queueUrl,
    pollQueueUrl: pollQueue.queueUrl,
    resultsBucket: bucket,
    topics,
  });
  const observability = inMemoryObservability();
  const { logger, metrics } = observability;
  const container = new Container({
    serviceName: 'ingest',
    env,
    overrides: { clock, fetch: options.fetch, observability },
  });
  const handler = createHandler(() => ingestRuntime(container, options.runtime));
  const delivered: string[] = [];
  const source: RunningSqsEventSource = await startSqsEventSource({
    sqs: clients.sqs,
    queueUrl: ingestQueue.queueUrl,
    handler: async (event, context) => {
      delivered.push(...event.Records.map((record) => record.body));
      return handler(event, context);
    },
    function: { functionName: 'qm-ingest-itest-ingest', timeoutMs: visibilityTimeoutSeconds * 1000 },
    batchSize: 10,
    maximumConcurrency: 5,
    reportBatchItemFailures: true,
    pollWaitSeconds: 1,
    onError: () => {},
  });

  const documents = documentClientOf(clients.dynamodb);
  const recordings = async (): Promise<Recording[]> => {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await documents.send(
        new ScanCommand({
          TableName: tableName,
          ConsistentRead: true,
          FilterExpression: '#type = :recording',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':recording': ItemType.recording },
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return items.map(parseRecording);
  };

  return {
    clients,
    bucket,
    topics,
    ingestQueue,
    pollQueue,
    tableName,
    simulator,
    logger,
    metrics,
    delivered,
    async put(key, body, putOptions = {}) {
      await clients.s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ContentType: putOptions.contentType ?? 'audio/mpeg',
          Metadata: putOptions.metadata,
        }),
      );
    },
    async remove(key) {
      await clients.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
    async send(body) {
      await clients.sqs.send(new SendMessageCommand({ QueueUrl: ingestQueue.queueUrl, MessageBody: body }));
    },
    recordings,
    async waitForRecordings(predicate, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const current = await recordings();
        if (predicate(current)) {
          return current;
        }
        if (Date.now() > deadline) {
          throw new Error(
            `Timed out waiting for recordings; found: ${JSON.stringify(current.map((recording) => [recording.key, recording.status, recording.reason]))}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    dlqMessages: () => receiveMessages(clients.sqs, ingestQueue.dlq.queueUrl, 10, 1_000),
    ingestQueueDepth: () => queueDepth(clients.sqs, ingestQueue.queueUrl),
    async stop() {
      await source.stop();
      await simulator.stop();
      await clients.dynamodb.send(new DeleteTableCommand({ TableName: tableName }));
    },
  };
}

/** Polls `condition` every 100 ms until it holds or `timeoutMs` passes. */
export async function eventually(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
  what = 'a condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A request the handler sent to Zoom, as {@link tappedFetch} saw it. */
export interface TappedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Headers;
  readonly body: string | undefined;
  readonly status: number;
}

/**
 * The real fetch, with every Zoom request and its answer's status kept, so a test checks exactly
 * what was sent. `answer` may answer for Zoom instead (what the simulator cannot be made to say).
 */
export function tappedFetch(answer?: (request: Omit<TappedRequest, 'status'>) => Response | undefined) {
  const requests: TappedRequest[] = [];
  const fetch: FetchFn = async (url, init) => {
    const request = {
      method: init.method ?? 'GET',
      url,
      headers: new Headers(init.headers),
      body: typeof init.body === 'string' ? init.body : undefined,
    };
    const response = answer?.(request) ?? (await globalThis.fetch(url, init));
    requests.push({ ...request, status: response.status });
    return response;
  };
  return {
    fetch,
    requests,
    posts: () =>
      requests.filter((request) => request.method === 'POST' && request.url.endsWith('/qm/interactions')),
  };
}
