import { join } from 'node:path';
import { DEFAULT_LOCAL_REGION, LOCAL_ACCOUNT_ID } from './constants.ts';
import {
  type DynamoDbLocalOptions,
  type RunningDynamoDbLocal,
  startDynamoDbLocal,
} from './dynamodb-local.ts';
import {
  type EventBridgeEventRecord,
  type RunningEventBridge,
  startEventBridgeServer,
} from './emulator/eventbridge.ts';
import { type RunningSecretsManager, startSecretsManagerServer } from './emulator/secrets-manager.ts';
import { type RunningSns, startSnsServer } from './emulator/sns.ts';
import type { SnsPublishRecord } from './emulator/sns-model.ts';
import { localAwsEnv } from './env.ts';
import { LocalAwsError } from './errors.ts';
import { createQueueSender, type QueueSender } from './queue-sender.ts';
import type { BucketNotificationConfiguration } from './s3/notification-config.ts';
import type { S3EventBridgeEntry } from './s3/s3-event.ts';
import { type RunningS3Server, startS3Server } from './s3/server.ts';
import { LOCAL_AWS_SERVICES, type LocalAwsService } from './services.ts';
import { type RunningSqsServer, startSqsServer } from './sqs-server.ts';
import { StopAttempts } from './stop-attempts.ts';

/**
 * The local AWS stack: S3, SQS, DynamoDB, Secrets Manager, SNS and EventBridge on 127.0.0.1,
 * started in parallel, reachable by default SDK clients through `env` alone.
 */

export interface LocalAwsOptions<Service extends LocalAwsService = LocalAwsService> {
  /**
   * Which services to run; all by default. S3 notifications, SNS and EventBridge deliver through
   * SQS; S3's EventBridge notifications need EventBridge.
   */
  readonly services?: readonly Service[];
  /** Fixed ports per service; any service not listed gets a free port chosen by the OS. */
  readonly ports?: Partial<Readonly<Record<LocalAwsService, number>>>;
  /**
   * Keep data in this folder between runs (DynamoDB tables, S3 objects and notification
   * configurations, secrets, topics, rules). In memory (and a temporary folder for S3) when absent.
   * SQS queues are always in memory.
   */
  readonly dataDir?: string;
  readonly region?: string;
  /** Where background failures (an undeliverable notification) are reported; stderr by default. */
  readonly log?: (message: string) => void;
  readonly dynamoDb?: Pick<DynamoDbLocalOptions, 'jvmOptions' | 'readyTimeoutMs' | 'javaCommand'>;
}

export interface LocalAws<Service extends LocalAwsService = LocalAwsService> {
  readonly region: string;
  readonly accountId: string;
  /** Base URL of each running service. */
  readonly endpoints: Readonly<Record<Service, string>>;
  /** `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_REGION` and the dummy credentials: all a default SDK client needs. */
  readonly env: Readonly<Record<string, string>>;
  /** How long the start took in total and per service, in milliseconds. */
  readonly startup: { readonly totalMs: number; readonly services: Readonly<Record<Service, number>> };
  /** The child processes the stack runs (DynamoDB Local and its orphan guard). */
  readonly childPids: readonly number[];
  /** Sets or reads a bucket's notification configuration without going through HTTP. */
  readonly s3Notifications: {
    put(bucket: string, configuration: BucketNotificationConfiguration): Promise<void>;
    get(bucket: string): BucketNotificationConfiguration;
  };
  /** Everything published so far through SNS and EventBridge, with each delivery's outcome. */
  readonly published: { sns(): SnsPublishRecord[]; eventBridge(): EventBridgeEventRecord[] };
  /** Resolves once every notification emitted so far (S3 events, SNS, EventBridge) has been delivered or failed. */
  flushDeliveries(): Promise<void>;
  /** Stops every server and child process; safe to call more than once. */
  stop(): Promise<void>;
}

interface Servers {
  sqs?: RunningSqsServer;
  dynamodb?: RunningDynamoDbLocal;
  s3?: RunningS3Server;
  secretsManager?: RunningSecretsManager;
  sns?: RunningSns;
  eventBridge?: RunningEventBridge;
  queues?: QueueSender;
}

/** Starts the requested services in parallel and resolves when every one answers. */
export async function startLocalAws<Service extends LocalAwsService = LocalAwsService>(
  options: LocalAwsOptions<Service> = {},
): Promise<LocalAws<Service>> {
  const startedAt = performance.now();
  const wanted = new Set<LocalAwsService>(options.services ?? LOCAL_AWS_SERVICES);
  for (const service of wanted) {
    if (!(LOCAL_AWS_SERVICES as readonly string[]).includes(service))
      throw new LocalAwsError(`Unknown local AWS service: ${service}`);
  }
  const region = options.region ?? DEFAULT_LOCAL_REGION;
  const log = options.log ?? ((message: string) => console.warn(message));
  const dataDir = options.dataDir;
  const servers: Servers = {};
  const timings: Partial<Record<LocalAwsService, number>> = {};
  const timed = async <Result>(service: LocalAwsService, start: () => Promise<Result>): Promise<Result> => {
    const result = await start();
    timings[service] = Math.round(performance.now() - startedAt);
    return result;
  };

  const starts: Promise<unknown>[] = [];
  // DynamoDB Local (a JVM) is by far the slowest: it starts first, everything else meanwhile.
  if (wanted.has('dynamodb')) {
    starts.push(
      timed('dynamodb', async () => {
        servers.dynamodb = await startDynamoDbLocal({
          ...options.dynamoDb,
          port: options.ports?.dynamodb,
          dataDir: dataDir === undefined ? undefined : join(dataDir, 'dynamodb'),
        });
      }),
    );
  }
  starts.push(
    (async () => {
      // SQS comes up in milliseconds and the others deliver through it, so it goes first.
      if (wanted.has('sqs')) {
        servers.sqs = await timed('sqs', () => startSqsServer({ port: options.ports?.sqs, region }));
        servers.queues = createQueueSender(servers.sqs.endpoint, region);
      }
      const common = { region, dataDir, queues: servers.queues, log };
      // S3 puts the events of buckets with EventBridge notifications on the default bus, which
      // starts alongside it: by the time an object event happens, the stack is up.
      const eventBridge = wanted.has('eventBridge')
        ? {
            putEvent: (entry: S3EventBridgeEntry) => {
              if (servers.eventBridge === undefined) {
                throw new LocalAwsError('The local EventBridge is not running');
              }
              servers.eventBridge.emulator.putEvent(entry);
            },
          }
        : undefined;
      // allSettled, not all: a failed start must not leave a sibling still starting behind the cleanup.
      const settled = await Promise.allSettled([
        wanted.has('s3') &&
          timed('s3', async () => {
            servers.s3 = await startS3Server({ ...common, eventBridge, port: options.ports?.s3 });
          }),
        wanted.has('secretsManager') &&
          timed('secretsManager', async () => {
            servers.secretsManager = await startSecretsManagerServer({
              ...common,
              port: options.ports?.secretsManager,
            });
          }),
        wanted.has('sns') &&
          timed('sns', async () => {
            servers.sns = await startSnsServer({ ...common, port: options.ports?.sns });
          }),
        wanted.has('eventBridge') &&
          timed('eventBridge', async () => {
            servers.eventBridge = await startEventBridgeServer({
              ...common,
              port: options.ports?.eventBridge,
            });
          }),
      ]);
      const failed = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
    })(),
  );

  const results = await Promise.allSettled(starts);
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure !== undefined) {
    await stopServers(servers);
    throw failure.reason;
  }
  return describeStack(servers, region, Math.round(performance.now() - startedAt), timings);
}

function describeStack<Service extends LocalAwsService>(
  servers: Servers,
  region: string,
  totalMs: number,
  timings: Partial<Record<LocalAwsService, number>>,
): LocalAws<Service> {
  const endpoints: Partial<Record<LocalAwsService, string>> = {
    ...(servers.s3 && { s3: servers.s3.endpoint }),
    ...(servers.sqs && { sqs: servers.sqs.endpoint }),
    ...(servers.dynamodb && { dynamodb: servers.dynamodb.endpoint }),
    ...(servers.secretsManager && { secretsManager: servers.secretsManager.endpoint }),
    ...(servers.sns && { sns: servers.sns.endpoint }),
    ...(servers.eventBridge && { eventBridge: servers.eventBridge.endpoint }),
  };
  const requireS3 = (): RunningS3Server => {
    if (servers.s3 === undefined) throw new LocalAwsError('The local stack was started without S3');
    return servers.s3;
  };
  let stopping: Promise<void> | undefined;
  const dynamodbProcess = servers.dynamodb?.process;
  return {
    region,
    accountId: LOCAL_ACCOUNT_ID,
    endpoints: endpoints as Record<Service, string>,
    env: localAwsEnv(endpoints, region),
    startup: { totalMs, services: timings as Record<Service, number> },
    childPids:
      dynamodbProcess === undefined ? [] : [dynamodbProcess.pid, dynamodbProcess.guardPid].filter(isPid),
    s3Notifications: {
      put: (bucket, configuration) => requireS3().putBucketNotificationConfiguration(bucket, configuration),
      get: (bucket) => requireS3().getBucketNotificationConfiguration(bucket),
    },
    published: {
      sns: () => servers.sns?.emulator.published() ?? [],
      eventBridge: () => servers.eventBridge?.emulator.published() ?? [],
    },
    flushDeliveries: async () => {
      // S3's events reach EventBridge in S3's flush: EventBridge's deliveries are awaited after it.
      await servers.s3?.flushNotifications();
      await Promise.all([servers.sns?.emulator.flush(), servers.eventBridge?.emulator.flush()]);
    },
    stop: () => {
      stopping ??= stopServers(servers);
      return stopping;
    },
  };
}

/**
 * Stops what runs: S3 first (its last events may go to EventBridge), then the other servers that
 * deliver through SQS (flushing), then SQS; DynamoDB meanwhile.
 */
async function stopServers(servers: Servers): Promise<void> {
  const stops = new StopAttempts();
  const { attempt } = stops;
  const dynamodb = attempt(servers.dynamodb?.stop);
  await attempt(servers.s3?.stop);
  await Promise.all([
    attempt(servers.secretsManager?.stop),
    attempt(servers.sns?.stop),
    attempt(servers.eventBridge?.stop),
  ]);
  servers.queues?.close();
  await attempt(servers.sqs?.stop);
  await dynamodb;
  const failures = stops.failures();
  if (failures !== undefined) {
    throw new LocalAwsError('The local stack did not stop cleanly', { cause: failures });
  }
}

function isPid(pid: number | undefined): pid is number {
  return pid !== undefined;
}
