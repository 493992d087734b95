import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { Message } from '@aws-sdk/client-sqs';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Container } from '../../functions/container.ts';
import { createHandler, ingestRuntime } from '../../functions/ingest.ts';
import { createPollHandler, type PollRuntimeOverrides, pollRuntime } from '../../functions/poll.ts';
import {
  createReconcileHandler,
  type ReconcileRuntimeOverrides,
  reconcileRuntime,
} from '../../functions/reconcile.ts';
import type { SnsPublishRecord } from '../../local/aws/index.ts';
import {
  type RunningSchedule,
  type RunningSqsEventSource,
  startSchedule,
  startSqsEventSource,
} from '../../local/triggers/index.ts';
import {
  type ScenarioInput,
  startZoomSimulator,
  type ZoomSimulator,
} from '../../local/zoom-simulator/index.ts';
import { createS3Client } from '../../shared/aws/clients.ts';
import type { EnvironmentSettingsInput } from '../../shared/config/environment.ts';
import type { PollSettingsInput } from '../../shared/config/polling.ts';
import type { RuntimeConfig } from '../../shared/config/runtime.ts';
import type { ZoomProfileInput } from '../../shared/config/zoom-profile.ts';
import { contentIdentityOf } from '../../shared/ingest/content-identity.ts';
import type { InMemoryMetrics } from '../../shared/observability/metrics.ts';
import type { PollScheduler } from '../../shared/polling/ports.ts';
import { initialPollPlan } from '../../shared/polling/schedule.ts';
import { type Notification, notificationIdOf } from '../../shared/recordings/notification.ts';
import { OutboxRepository } from '../../shared/recordings/outbox.ts';
import type { Recording } from '../../shared/recordings/recording.ts';
import { isTerminal } from '../../shared/recordings/state-machine.ts';
import type { RecordingResults } from '../../shared/results/results.ts';
import { ResultsStore } from '../../shared/results/results-store.ts';
import { createStateTable } from '../../shared/table/create-table.ts';
import { stateTableDefinition } from '../../shared/table/definition.ts';
import {
  createTestBucket,
  createTestQueue,
  createTestQueueWithDlq,
  createTestSecret,
  type LocalAwsClients,
  localAwsClients,
  receiveMessages,
  type TestQueue,
  type TestQueueWithDlq,
  uniqueName,
} from './local-stack.ts';
import { inMemoryObservability } from './polling-observability.ts';
import { POLLING_TEST_SCENARIO } from './polling-scenario.ts';
import { createTestTopics } from './polling-topics.ts';
import type { CapturingStructuredLogger } from './shared-logging.ts';
import { runtimeEnvironment, simulatorProfile, simulatorSecret } from './shared-pipeline.ts';
import { failOnUnreadable } from './unreadable-items.ts';

/**
 * The polling half of the pipeline on the local servers, as it runs in AWS: the real poll handler
 * (functions/poll.ts) fed by the local SQS trigger from a poll queue with its DLQ, the real
 * reconciler (functions/reconcile.ts) on a short schedule, a state table, a results bucket, the
 * notification and alert topics, a Secrets Manager secret and the Zoom QM simulator. Handlers are
 * configured by the same QM_* variables as in AWS (through their container).
 *
 * Recordings are submitted the way ingest submits them: the object put in a bucket, claimed,
 * SUBMITTING, POSTed to the simulator with a real presigned URL (the simulator downloads it), then
 * SUBMITTED with its poll plan and its first poll message. With `runIngest`, the real ingest
 * handler consumes the ingest queue, where the poller hands its automatic resubmissions.
 */

/** Timings short enough for a test to finish in seconds (the simulator runs at 1/100 of Zoom's speed). */
export const FAST_POLLING: PollSettingsInput = {
  firstDelaySeconds: 1,
  deadlineSeconds: 60,
  noEvaluationGraceSeconds: 2,
  notFoundGraceSeconds: 30,
  backoff: { baseSeconds: 1, factor: 1.5, capSeconds: 2, jitter: 'none' },
  rateLimitJitterSeconds: 1,
  leaseSeconds: 10,
  reconciler: {
    overdueSlackSeconds: 2,
    notificationMinAgeSeconds: 1,
    maxPollsPerRun: 50,
    maxNotificationsPerRun: 50,
    // The shortest look back: the sweep reads every status shard of each day, every second here.
  },
};

export interface PollingPipelineOptions {
  readonly scenario?: ScenarioInput;
  readonly polling?: PollSettingsInput;
  readonly profile?: Partial<ZoomProfileInput>;
  readonly pollRuntime?: PollRuntimeOverrides;
  readonly reconcileRuntime?: ReconcileRuntimeOverrides;
  /** Wraps every poll scheduler: the poller's, the reconciler's and the first poll of {@link PollingPipeline.submit}. */
  readonly scheduler?: (scheduler: PollScheduler) => PollScheduler;
  /** How often the reconciler runs (ms). */
  readonly reconcileEveryMs?: number;
  /** Runs the real ingest handler on the ingest queue too (for the automatic resubmission). */
  readonly runIngest?: boolean;
}

export interface SubmitOptions {
  /** The recording's deadline, when not the configured one (epoch ms). */
  readonly deadlineAt?: number;
  /** Leaves out the first poll message, as if it were lost. */
  readonly loseFirstPoll?: boolean;
  /** Hands Zoom a URL to this key instead (one that does not exist: a download Zoom cannot make). */
  readonly downloadKey?: string;
  /** When the URL given to Zoom stops working, as recorded (epoch ms); an hour from now by default. */
  readonly urlExpiresAt?: number;
}

export interface PollingPipeline {
  readonly clients: LocalAwsClients;
  readonly simulator: ZoomSimulator;
  readonly config: RuntimeConfig;
  readonly pollQueue: TestQueueWithDlq;
  readonly ingestQueue: TestQueue;
  readonly logs: CapturingStructuredLogger;
  readonly metrics: InMemoryMetrics;
  /** Uploads a recording under `key`, submits it to the simulator and starts its polling. */
  submit(key: string, options?: SubmitOptions): Promise<Recording>;
  recording(recordingId: string): Promise<Recording>;
  /**
   * Waits until the recording is in a terminal status and its notification is published (the
   * outbox entry SENT: by the writer at once, or by the reconciler after a crash), and returns it.
   */
  waitForEnd(recordingId: string, timeoutMs?: number): Promise<Recording>;
  /** The results the recording points at. */
  results(recording: Recording): Promise<RecordingResults>;
  /** The stored transcript's size in the results bucket, in bytes. */
  transcriptSize(results: RecordingResults): Promise<number>;
  /** What SNS recorded as published to the notification topic, for a recording or all. */
  notifications(recordingId?: string): Promise<SnsPublishRecord[]>;
  alerts(recordingId?: string): Promise<SnsPublishRecord[]>;
  /** The outbox entry of a recording's current submission. */
  outboxEntry(recording: Recording): Promise<Notification | undefined>;
  /** Messages left in the poll queue's DLQ. */
  dlqMessages(): Promise<Message[]>;
  stop(): Promise<void>;
}

export async function startPollingPipeline(options: PollingPipelineOptions = {}): Promise<PollingPipeline> {
  const clients = localAwsClients();
  const simulator = await startZoomSimulator({ scenario: options.scenario ?? POLLING_TEST_SCENARIO });
  const [recordingsBucket, resultsBucket, pollQueue, ingestQueue, topics, secret] = await Promise.all([
    createTestBucket(clients.s3, 'recordings'),
    createTestBucket(clients.s3, 'results'),
    createTestQueueWithDlq(clients.sqs, { prefix: 'poll', visibilityTimeoutSeconds: 30, maxReceiveCount: 3 }),
    createTestQueue(clients.sqs, { prefix: 'ingest' }),
    createTestTopics(clients.sns),
    createTestSecret(clients.secretsManager, JSON.stringify(simulatorSecret(simulator)), 'zoom'),
  ]);
  const tableName = uniqueName('state');
  await createStateTable(clients.dynamodb, stateTableDefinition, tableName);
  const settings: EnvironmentSettingsInput = {
    name: 'itest',
    zoomProfiles: [simulatorProfile(simulator, secret.name, 500, options.profile)],
    defaultProfile: 'main',
    polling: { ...FAST_POLLING, ...options.polling },
  };
  const env = runtimeEnvironment({
    settings,
    tableName,
    ingestQueueUrl: ingestQueue.queueUrl,
    pollQueueUrl: pollQueue.queueUrl,
    resultsBucket,
    topics,
  });
  const observability = inMemoryObservability();
  const container = new Container({ serviceName: 'poll', env, overrides: { observability } });
  const config = container.config;
  const wrap = options.scheduler ?? ((scheduler: PollScheduler) => scheduler);
  const scheduler = wrap(container.pollScheduler);
  const pollHandler = createPollHandler(() =>
    pollRuntime(container, { ...options.pollRuntime, scheduler: wrap }),
  );
  const source: RunningSqsEventSource = await startSqsEventSource({
    sqs: clients.sqs,
    queueUrl: pollQueue.queueUrl,
    handler: pollHandler,
    function: { functionName: 'qm-ingest-itest-poll', timeoutMs: 10_000 },
    batchSize: 10,
    maximumConcurrency: 5,
    reportBatchItemFailures: true,
    pollWaitSeconds: 1,
    onError: () => {},
  });
  const reconcileHandler = createReconcileHandler(() =>
    reconcileRuntime(container, { ...options.reconcileRuntime, scheduler: wrap }),
  );
  const schedule: RunningSchedule = startSchedule({
    ruleName: 'qm-ingest-itest-reconcile',
    every: options.reconcileEveryMs ?? 1_000,
    handler: reconcileHandler,
    function: { functionName: 'qm-ingest-itest-reconcile', timeoutMs: 10_000 },
    onError: () => {},
  });

  const ingestSource =
    options.runIngest === true
      ? await startSqsEventSource({
          sqs: clients.sqs,
          queueUrl: ingestQueue.queueUrl,
          handler: createHandler(() =>
            ingestRuntime(new Container({ serviceName: 'ingest', env, overrides: { observability } })),
          ),
          function: { functionName: 'qm-ingest-itest-ingest', timeoutMs: 10_000 },
          maximumConcurrency: 2,
          reportBatchItemFailures: true,
          pollWaitSeconds: 1,
          onError: () => {},
        })
      : undefined;

  const repository = container.recordings;
  const outbox = new OutboxRepository(clients.dynamodb, { tableName, onUnreadable: failOnUnreadable });
  const resultsStore = new ResultsStore(clients.dynamodb, clients.s3, {
    tableName,
    bucket: resultsBucket,
    keyPrefix: 'results/',
    inlineMaxBytes: 300_000,
  });
  const presigningClient = createS3Client();
  const zoom = container.zoomClients.forProfile('main');

  const outboxEntryOf = (finished: Recording): Promise<Notification | undefined> =>
    outbox.get(finished.recordingId, notificationIdOf(finished.recordingId, finished.submission));

  const recording = async (recordingId: string): Promise<Recording> => {
    const found = await repository.get(recordingId);
    if (found === undefined) throw new Error(`No recording ${recordingId}`);
    return found;
  };

  return {
    clients,
    simulator,
    config,
    pollQueue,
    ingestQueue,
    logs: observability.logger,
    metrics: observability.metrics,
    async submit(key, submitOptions = {}) {
      await clients.s3.send(
        new PutObjectCommand({
          Bucket: recordingsBucket,
          Key: key,
          Body: Buffer.alloc(2_048, 7),
          ContentType: 'audio/mpeg',
        }),
      );
      const { accountId } = await zoom.credentials.getCredentials();
      const head = await clients.s3.send(
        new HeadObjectCommand({ Bucket: recordingsBucket, Key: key, ChecksumMode: 'ENABLED' }),
      );
      const contentIdentity = contentIdentityOf(head);
      if (contentIdentity === undefined) throw new Error(`S3 gave no identity for ${key}`);
      const { recording: received } = await repository.claim({
        zoomAccountId: accountId,
        profile: 'main',
        bucket: recordingsBucket,
        key,
        contentIdentity,
        size: 2_048,
        contentType: 'audio/mpeg',
        receivedAt: Date.now(),
        metadata: { queueId: 'queue-7', direction: 'inbound', channel: 'voice' },
        reason: 'Uploaded by the polling integration test',
      });
      const submitting = await repository.transition(received, {
        to: 'SUBMITTING',
        reason: 'Submitting to Zoom',
      });
      const url = await getSignedUrl(
        presigningClient,
        new GetObjectCommand({ Bucket: recordingsBucket, Key: submitOptions.downloadKey ?? key }),
        { expiresIn: 3_600 },
      );
      const created = await zoom.client.createInteraction(
        {
          download_url: url,
          interaction_info: { channel_type: 'voice' },
          direction: 'inbound',
          queue_id: 'queue-7',
        },
        { idempotencyKey: `itest-${submitting.recordingId}-${submitting.submission}` },
      );
      const now = Date.now();
      const plan = initialPollPlan(config.settings.polling, now);
      const submitted = await repository.transition(submitting, {
        to: 'SUBMITTED',
        reason: 'Zoom accepted the interaction',
        interactionId: created.interaction_id,
        urlExpiresAt: submitOptions.urlExpiresAt ?? now + 3_600_000,
        poll: {
          nextPollDueAt: Math.min(plan.nextPollDueAt, submitOptions.deadlineAt ?? plan.deadlineAt),
          deadlineAt: submitOptions.deadlineAt ?? plan.deadlineAt,
        },
      });
      if (submitOptions.loseFirstPoll !== true) {
        await scheduler.schedule(submitted);
      }
      return submitted;
    },
    recording,
    async waitForEnd(recordingId, timeoutMs = 25_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const current = await recording(recordingId);
        const published = isTerminal(current.status) && (await outboxEntryOf(current))?.state === 'SENT';
        if (published) return current;
        if (Date.now() > deadline) {
          throw new Error(
            `Recording ${recordingId} still ${current.status} (${current.reason}), or its notification unpublished, after ${timeoutMs} ms: ${JSON.stringify(current.poll)}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async results(finished) {
      if (finished.results === undefined) throw new Error(`Recording ${finished.recordingId} has no results`);
      return resultsStore.read(finished.recordingId, finished.results.location);
    },
    async transcriptSize(results) {
      if (results.transcript === undefined) throw new Error('No transcript stored');
      const head = await clients.s3.send(
        new HeadObjectCommand({ Bucket: results.transcript.bucket, Key: results.transcript.key }),
      );
      return head.ContentLength ?? 0;
    },
    notifications: topics.notifications,
    alerts: topics.alerts,
    outboxEntry: outboxEntryOf,
    dlqMessages: () => receiveMessages(clients.sqs, pollQueue.dlq.queueUrl, 10, 1_000),
    async stop() {
      await schedule.stop();
      await source.stop();
      await ingestSource?.stop();
      await simulator.stop();
      await clients.dynamodb.send(new DeleteTableCommand({ TableName: tableName }));
    },
  };
}
