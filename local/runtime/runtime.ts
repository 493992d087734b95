import { defineResources, type EnvironmentResources } from '../../shared/config/resources.ts';
import type { RuntimeConfig } from '../../shared/config/runtime.ts';
import {
  DEFAULT_LOCAL_REGION,
  LOCAL_ACCOUNT_ID,
  type LocalAws,
  type LocalAwsService,
  StopAttempts,
  startLocalAws,
} from '../aws/index.ts';
import { type ScenarioInput, startZoomSimulator, type ZoomSimulator } from '../zoom-simulator/index.ts';
import { type LocalClients, localClients } from './aws-clients.ts';
import { type DataPaths, dataPaths, markStopped, prepareDataDir, writeRuntimeState } from './data-dir.ts';
import {
  type LocalEnvironmentOptions,
  type LocalTiming,
  localEnvironment,
  localExistingBucketName,
} from './environment.ts';
import { LocalRuntimeError } from './errors.ts';
import { type RuntimeEventListener, RuntimeEvents } from './events.ts';
import { type LocalFunctions, startLocalFunctions } from './functions.ts';
import type { LocalPorts } from './ports.ts';
import { type ProvisionedResources, provisionLocalResources } from './resources.ts';
import { startTopicSubscriber, type TopicSubscriber } from './subscriber.ts';
import { startTableWatcher, type TableWatcher } from './table-watcher.ts';
import { type LocalWebhookEndpoint, startWebhookEndpoint } from './webhook-endpoint.ts';

/**
 * The whole pipeline on one machine: the local AWS servers, the Zoom QM simulator, the resources
 * of the local environment (created from the definitions the CDK stack deploys), the deployed
 * handlers in execution environments of their own, and the triggers AWS would wire to them. What
 * happens is reported as events: progress from the state table, outcomes and alerts from a
 * subscription to the notification topics, and problems. `qm-ingest local` and the demo are
 * built on it; so are the end-to-end tests.
 */

export interface LocalRuntimeOptions {
  /**
   * The data folder kept between runs (see data-dir.ts); everything in memory, and no state file
   * for `qm-ingest status`, when absent.
   */
  readonly dataDir?: string | undefined;
  /** Start from nothing: remove the data folder's previous run first. */
  readonly clean?: boolean | undefined;
  /** Fixed ports; any server not listed gets a free port. */
  readonly ports?: LocalPorts | undefined;
  /** The simulator's scenario: a bundled name, a file, or an object; `default` when absent. */
  readonly scenario?: ScenarioInput | string | undefined;
  readonly timing?: LocalTiming | undefined;
  /** Whether the simulator sends webhooks to the local endpoint (default true; `--no-webhooks` turns them off). */
  readonly webhooks?: boolean | undefined;
  /** Overrides of the timing's polling settings and safety interval (see localEnvironment). */
  readonly tuning?: Pick<LocalEnvironmentOptions, 'polling' | 'safetyIntervalSeconds'> | undefined;
}

export interface LocalRuntime {
  readonly region: string;
  readonly accountId: string;
  /** Base URL of each local AWS server. */
  readonly endpoints: Readonly<Record<LocalAwsService, string>>;
  /** `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_REGION` and the local credentials: all an AWS SDK or CLI needs. */
  readonly awsEnv: Readonly<Record<string, string>>;
  readonly simulator: ZoomSimulator;
  /** The settings and resources the functions run with. */
  readonly config: RuntimeConfig;
  /** The definitions the resources were created from (names, queues, functions, triggers). */
  readonly definitions: EnvironmentResources;
  readonly resources: ProvisionedResources;
  readonly recordingsBucket: string;
  /**
   * The second recordings bucket, wired as the stack wires an existing bucket it does not own:
   * its events reach ingest through EventBridge, not S3 notifications.
   */
  readonly existingBucket: string;
  /** The clients the runtime uses, pinned to the local servers. */
  readonly clients: LocalClients;
  /** The data folder's paths, when the runtime keeps its data. */
  readonly dataPaths: DataPaths | undefined;
  /** The child processes started (DynamoDB Local and its guard); worker threads end with the process. */
  readonly childPids: readonly number[];
  /** How long the start took, in milliseconds. */
  readonly startupMs: number;
  readonly functions: LocalFunctions;
  /** The webhook endpoint's URL, which the simulator sends Zoom's events to; undefined with webhooks off. */
  readonly webhookUrl: string | undefined;
  /** Listens to progress, outcomes, alerts and problems; returns the function that stops listening. */
  onEvent(listener: RuntimeEventListener): () => void;
  /** Stops everything it started, in order; safe to call more than once. */
  stop(): Promise<void>;
}

/** What has been started so far, so a failed start stops exactly that. */
interface Started {
  simulator?: ZoomSimulator;
  localAws?: LocalAws;
  clients?: LocalClients;
  functions?: LocalFunctions;
  webhookEndpoint?: LocalWebhookEndpoint;
  watcher?: TableWatcher;
  subscriber?: TopicSubscriber;
}

export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const startedAt = Date.now();
  const paths = options.dataDir === undefined ? undefined : dataPaths(options.dataDir);
  if (paths !== undefined) {
    prepareDataDir(paths, options.clean === true);
  }
  const events = new RuntimeEvents();
  const started: Started = {};
  const region = DEFAULT_LOCAL_REGION;
  try {
    const [simulator, localAws] = await startServers(options, paths, events, started);
    const webhooks = options.webhooks ?? true;
    const environment = localEnvironment({
      timing: options.timing ?? 'interactive',
      zoom: {
        apiBaseUrl: simulator.apiBaseUrl,
        oauthUrl: simulator.oauthUrl,
        honoursIdempotencyKey: simulator.scenario.idempotency.mode === 'honour',
      },
      webhooks,
      ...options.tuning,
    });
    const location = { account: LOCAL_ACCOUNT_ID, region };
    const definitions = defineResources(environment.settings, environment.tuning, location);
    const clients = localClients(localAws.endpoints, region);
    started.clients = clients;
    const resources = await provisionLocalResources({
      clients,
      definitions,
      settings: environment.settings,
      zoomCredentials: { ...simulator.credentials, webhookSecretToken: simulator.webhooks.secretToken },
      existingBucket: localExistingBucketName(location),
      putBucketNotifications: (bucket, configuration) => localAws.s3Notifications.put(bucket, configuration),
    });
    const config: RuntimeConfig = { settings: environment.settings, resources: resources.runtime };
    const emit = events.emit.bind(events);
    const watcher = startTableWatcher({
      dynamodb: clients.dynamodb,
      tableName: config.resources.tableName,
      zoomAccountIds: [simulator.credentials.accountId],
      emit,
      since: startedAt,
    });
    started.watcher = watcher;
    started.subscriber = startTopicSubscriber({
      sqs: clients.sqs,
      queueUrl: resources.watchQueue.url,
      emit,
      beforeOutcome: () => watcher.refresh(),
    });
    started.functions = await startLocalFunctions({
      definitions,
      tuning: environment.tuning,
      config,
      awsEnv: localAws.env,
      region,
      accountId: LOCAL_ACCOUNT_ID,
      sqs: clients.sqs,
      logsDir: paths?.logs,
      emit,
    });
    const functions = started.functions;
    if (webhooks) {
      // Hosted and validated as Zoom validates an event subscription's URL, before any event.
      started.webhookEndpoint = await startWebhookEndpoint((event) => functions.invokeWebhook(event));
      await simulator.webhooks.subscribe(started.webhookEndpoint.url);
    }
    const webhookUrl = started.webhookEndpoint?.url;
    const endpoints = localAws.endpoints;
    if (paths !== undefined) {
      writeRuntimeState(paths, {
        version: 1,
        pid: process.pid,
        startedAt: new Date(startedAt).toISOString(),
        region,
        environment: environment.settings.name,
        tableName: config.resources.tableName,
        recordingsBucket: resources.recordingsBucket,
        resultsBucket: config.resources.resultsBucket,
        zoomAccountIds: [simulator.credentials.accountId],
        endpoints: { ...endpoints, zoom: simulator.origin },
        queues: {
          ingest: resources.queues.ingest.url,
          ingestDeadLetter: resources.queues.ingest.deadLetter.url,
          poll: resources.queues.poll.url,
          pollDeadLetter: resources.queues.poll.deadLetter.url,
        },
        settings: environment.settings,
      });
    }
    let stopping: Promise<void> | undefined;
    return {
      region,
      accountId: LOCAL_ACCOUNT_ID,
      endpoints,
      awsEnv: localAws.env,
      simulator,
      config,
      definitions,
      resources,
      recordingsBucket: resources.recordingsBucket,
      existingBucket: resources.existingBucket,
      clients,
      dataPaths: paths,
      childPids: localAws.childPids,
      startupMs: Date.now() - startedAt,
      functions,
      webhookUrl,
      onEvent: (listener) => events.subscribe(listener),
      stop: () => {
        stopping ??= stopAll(started, paths);
        return stopping;
      },
    };
  } catch (error) {
    await stopAll(started, paths).catch(() => undefined);
    throw error;
  }
}

/** The simulator and the local AWS servers, started side by side (DynamoDB Local's JVM is the slow one). */
async function startServers(
  options: LocalRuntimeOptions,
  paths: DataPaths | undefined,
  events: RuntimeEvents,
  started: Started,
): Promise<[ZoomSimulator, LocalAws]> {
  const { zoom, ...awsPorts } = options.ports ?? {};
  const [simulator, localAws] = await Promise.allSettled([
    startZoomSimulator({ port: zoom ?? 0, scenario: options.scenario ?? 'default' }),
    startLocalAws({
      ports: awsPorts,
      region: DEFAULT_LOCAL_REGION,
      ...(paths === undefined ? {} : { dataDir: paths.aws }),
      log: (message) => events.emit({ kind: 'problem', source: 'local-aws', message, at: Date.now() }),
    }),
  ]);
  if (simulator.status === 'fulfilled') started.simulator = simulator.value;
  if (localAws.status === 'fulfilled') started.localAws = localAws.value;
  if (simulator.status === 'rejected') throw simulator.reason;
  if (localAws.status === 'rejected') throw localAws.reason;
  return [simulator.value, localAws.value];
}

/** Stops in dependency order: watchers, triggers and functions, clients, then the servers. */
async function stopAll(started: Started, paths: DataPaths | undefined): Promise<void> {
  const stops = new StopAttempts();
  const { attempt } = stops;
  await Promise.all([attempt(started.watcher?.stop), attempt(started.subscriber?.stop)]);
  // The simulator's webhooks stop first: no event may reach a stopped endpoint or function.
  await attempt(started.simulator?.webhooks.stop);
  await attempt(started.webhookEndpoint?.stop);
  await attempt(started.functions?.stop);
  started.clients?.destroy();
  await Promise.all([attempt(started.simulator?.stop), attempt(started.localAws?.stop)]);
  if (paths !== undefined) {
    await attempt(async () => markStopped(paths));
  }
  const failures = stops.failures();
  if (failures !== undefined) {
    throw new LocalRuntimeError('The local runtime did not stop cleanly', { cause: failures });
  }
}
