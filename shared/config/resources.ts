import { stateTableDefinition, type TableDefinition } from '../table/definition.ts';
import type { ZoomOperation } from '../zoom/operations.ts';
import type { RuntimeTuning } from './deployment.ts';
import type { EnvironmentSettings } from './environment.ts';
import { effectiveRateLimits } from './zoom-profile.ts';

/**
 * The one definition of every AWS resource an environment runs on: names, queue settings, function
 * timeouts and triggers, the state table. The CDK stack builds the cloud resources from it and the
 * local runtime creates its local ones from it, so the two cannot drift apart. Pure data: no AWS
 * client, no CDK.
 */

/** Where the resources live. In the CDK stack these may be unresolved tokens. */
export interface ResourceLocation {
  readonly account: string;
  readonly region: string;
}

/** The functions of the pipeline, by role. */
export const FUNCTION_ROLES = ['ingest', 'poll', 'reconcile', 'webhook'] as const;
export type FunctionRole = (typeof FUNCTION_ROLES)[number];

/** The queues a function consumes. */
export type QueueRole = 'ingest' | 'poll';

/** Every physical name of an environment. Each embeds the environment's name, so environments never clash. */
export interface ResourceNames {
  readonly stack: string;
  readonly keyAlias: string;
  /** The alerting key's alias: a key of its own, so alarms outlive a disabled environment key. */
  readonly alertKeyAlias: string;
  /** Bucket names are global: they also carry the account and region (and fit S3's 63 characters). */
  readonly recordingsBucket: string;
  readonly resultsBucket: string;
  readonly accessLogsBucket: string;
  /** Athena's query results for the BI workgroup. */
  readonly queryResultsBucket: string;
  /** The Glue Data Catalog database of the BI export (letters, digits and underscores only). */
  readonly glueDatabase: string;
  readonly athenaWorkGroup: string;
  readonly table: string;
  readonly ingestQueue: string;
  readonly ingestDeadLetterQueue: string;
  readonly pollQueue: string;
  readonly pollDeadLetterQueue: string;
  /** Where undeliverable events and reconciler invocations end up. */
  readonly deliveryDeadLetterQueue: string;
  /** Where alerts SNS could not deliver to a subscriber end up (encrypted with the alerting key). */
  readonly alertDeliveryDeadLetterQueue: string;
  readonly notificationTopic: string;
  readonly alertTopic: string;
  /** Only the alarm on undeliverable alerts publishes here: it cannot depend on the alert topic. */
  readonly alertFallbackTopic: string;
  readonly functions: Readonly<Record<FunctionRole, string>>;
  readonly signerRotationFunction: string;
  readonly urlSignerUser: string;
  readonly reconcileSchedule: string;
  /** The HTTP API in front of the webhook function. */
  readonly webhookApi: string;
  readonly recordingsEventRule: string;
  /** The rule that raises an alert when someone disables the environment key or schedules its deletion. */
  readonly keyStateRule: string;
  readonly dashboard: string;
  /** Every alarm's name starts with this. */
  readonly alarmPrefix: string;
}

const PREFIX = 'qm-ingest';

/** The CloudFormation stack of an environment. */
export function stackNameOf(environmentName: string): string {
  return `${PREFIX}-${environmentName}`;
}

export function resourceNames(environmentName: string, location: ResourceLocation): ResourceNames {
  const base = `${PREFIX}-${environmentName}`;
  const globalSuffix = `${location.account}-${location.region}`;
  return {
    stack: stackNameOf(environmentName),
    keyAlias: `alias/${base}`,
    alertKeyAlias: `alias/${base}-alerts`,
    recordingsBucket: `qm-${environmentName}-recordings-${globalSuffix}`,
    resultsBucket: `qm-${environmentName}-results-${globalSuffix}`,
    accessLogsBucket: `qm-${environmentName}-logs-${globalSuffix}`,
    queryResultsBucket: `qm-${environmentName}-queries-${globalSuffix}`,
    glueDatabase: base.replace(/-/g, '_'),
    athenaWorkGroup: base,
    table: `${base}-state`,
    ingestQueue: `${base}-ingest`,
    ingestDeadLetterQueue: `${base}-ingest-dlq`,
    pollQueue: `${base}-poll`,
    pollDeadLetterQueue: `${base}-poll-dlq`,
    deliveryDeadLetterQueue: `${base}-delivery-dlq`,
    alertDeliveryDeadLetterQueue: `${base}-alert-delivery-dlq`,
    notificationTopic: `${base}-notifications`,
    alertTopic: `${base}-alerts`,
    alertFallbackTopic: `${base}-alerts-undeliverable`,
    functions: {
      ingest: `${base}-ingest`,
      poll: `${base}-poll`,
      reconcile: `${base}-reconcile`,
      webhook: `${base}-webhook`,
    },
    signerRotationFunction: `${base}-rotate-url-signer`,
    urlSignerUser: `${base}-url-signer`,
    reconcileSchedule: `${base}-reconcile`,
    webhookApi: `${base}-webhook`,
    recordingsEventRule: `${base}-recordings`,
    keyStateRule: `${base}-key-state`,
    dashboard: base,
    alarmPrefix: `${base}-`,
  };
}

/** SQS keeps a message at most 14 days: dead letters are kept that long, for a person to look at. */
export const DEAD_LETTER_RETENTION_SECONDS = 14 * 86_400;

export interface DeadLetterQueueDefinition {
  readonly name: string;
  readonly retentionSeconds: number;
}

export interface QueueDefinition {
  readonly name: string;
  /** At least 6x the consumer's timeout (AWS's advice), so a message is never redelivered while a slow invocation still holds it. */
  readonly visibilityTimeoutSeconds: number;
  readonly retentionSeconds: number;
  /** Receives before SQS moves a message to the DLQ. Rate-limit waits are re-sends, never failures, so they do not count. */
  readonly maxReceiveCount: number;
  readonly deadLetterQueue: DeadLetterQueueDefinition;
}

/** An SQS event source mapping, as the CDK stack and the local trigger runner configure it. */
export interface QueueTrigger {
  readonly queue: QueueRole;
  readonly batchSize: number;
  readonly maximumConcurrency: number;
  readonly maxBatchingWindowSeconds: number;
  /** Always on: one bad record never fails its neighbours. */
  readonly reportBatchItemFailures: true;
  /** The Zoom calls per second the whole fleet may make for the function's main call: what the sizing derives from. */
  readonly zoomCallsPerSecond: number;
}

export interface FunctionDefinition {
  readonly role: FunctionRole;
  readonly name: string;
  /** The handler module, relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly handler: 'handler';
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /**
   * Concurrent executions reserved for the function: its share of the account's pool, which no
   * other function (or environment) can starve, and its ceiling.
   */
  readonly reservedConcurrency: number;
}

export interface QueueConsumerDefinition extends FunctionDefinition {
  readonly trigger: QueueTrigger;
}

export interface ScheduledFunctionDefinition extends FunctionDefinition {
  readonly scheduleRateMinutes: number;
  /** Always 1: two reconciler runs at once would race on the same overdue work. */
  readonly reservedConcurrency: typeof RECONCILER_CONCURRENCY;
}

/** The reconciler never runs twice at once. */
export const RECONCILER_CONCURRENCY = 1;
/** A function behind an HTTPS endpoint, with the endpoint's throttle (requests per second, burst). */
export interface HttpFunctionDefinition extends FunctionDefinition {
  /** The route Zoom posts to. */
  readonly path: string;
  readonly throttle: { readonly ratePerSecond: number; readonly burst: number };
}

/** The path of the webhook endpoint (the CDK stack's route and the local runtime's). */
export const WEBHOOK_PATH = '/zoom/webhook';

export interface EnvironmentResources {
  readonly names: ResourceNames;
  readonly table: { readonly name: string; readonly definition: TableDefinition };
  readonly queues: Readonly<Record<QueueRole, QueueDefinition>> & {
    readonly delivery: DeadLetterQueueDefinition;
    readonly alertDelivery: DeadLetterQueueDefinition;
  };
  readonly functions: {
    readonly ingest: QueueConsumerDefinition;
    readonly poll: QueueConsumerDefinition;
    readonly reconcile: ScheduledFunctionDefinition;
    readonly webhook: HttpFunctionDefinition;
  };
  readonly topics: { readonly notifications: string; readonly alerts: string };
}

/** Each queue consumer's main Zoom call: the one its fleet makes about once per message. */
const MAIN_ZOOM_CALL: Readonly<Record<QueueRole, ZoomOperation>> = {
  ingest: 'createInteraction',
  poll: 'listAutomatedEvaluations',
};

/**
 * Messages in flight at once (batch size x concurrency) are capped at what the Zoom budget can
 * serve in this many seconds: more would only meet the rate limiter's refusals and be re-queued.
 */
export const IN_FLIGHT_BUDGET_SECONDS = 10;
/** Lambda's range for an SQS event source mapping's maximum concurrency. */
export const MIN_CONCURRENCY = 2;
export const MAX_CONCURRENCY = 1_000;
/** Lambda's largest SQS batch without a batching window. */
export const MAX_BATCH_SIZE = 10;

/** The resources of the environment `settings` describes, sized by `tuning`. */
export function defineResources(
  settings: EnvironmentSettings,
  tuning: RuntimeTuning,
  location: ResourceLocation,
): EnvironmentResources {
  const names = resourceNames(settings.name, location);
  const { functions, queues } = tuning;
  const queue = (name: string, deadLetterName: string, consumerTimeoutSeconds: number): QueueDefinition => ({
    name,
    visibilityTimeoutSeconds: consumerTimeoutSeconds * queues.visibilityTimeoutFactor,
    retentionSeconds: queues.retentionDays * 86_400,
    maxReceiveCount: queues.maxReceiveCount,
    deadLetterQueue: { name: deadLetterName, retentionSeconds: DEAD_LETTER_RETENTION_SECONDS },
  });
  const definition = (role: FunctionRole, sizing: { memoryMb: number; timeoutSeconds: number }) => ({
    role,
    name: names.functions[role],
    entry: `functions/${role}.ts`,
    handler: 'handler' as const,
    timeoutSeconds: sizing.timeoutSeconds,
    memoryMb: sizing.memoryMb,
  });
  const consumer = (role: QueueRole): QueueConsumerDefinition => {
    const sizing = functions[role];
    const trigger = queueTrigger(role, settings, sizing);
    const reservedConcurrency = sizing.reservedConcurrency ?? trigger.maximumConcurrency;
    return {
      ...definition(role, sizing),
      reservedConcurrency,
      // The mapping cannot run more invocations than are reserved: more would only be throttled.
      trigger: { ...trigger, maximumConcurrency: Math.min(trigger.maximumConcurrency, reservedConcurrency) },
    };
  };
  return {
    names,
    table: { name: names.table, definition: stateTableDefinition },
    queues: {
      ingest: queue(names.ingestQueue, names.ingestDeadLetterQueue, functions.ingest.timeoutSeconds),
      poll: queue(names.pollQueue, names.pollDeadLetterQueue, functions.poll.timeoutSeconds),
      delivery: { name: names.deliveryDeadLetterQueue, retentionSeconds: DEAD_LETTER_RETENTION_SECONDS },
      alertDelivery: {
        name: names.alertDeliveryDeadLetterQueue,
        retentionSeconds: DEAD_LETTER_RETENTION_SECONDS,
      },
    },
    functions: {
      ingest: consumer('ingest'),
      poll: consumer('poll'),
      reconcile: {
        ...definition('reconcile', functions.reconcile),
        reservedConcurrency: RECONCILER_CONCURRENCY,
        scheduleRateMinutes: settings.polling.reconciler.intervalMinutes,
      },
      webhook: {
        ...definition('webhook', functions.webhook),
        reservedConcurrency: functions.webhook.reservedConcurrency,
        path: WEBHOOK_PATH,
        throttle: {
          ratePerSecond: functions.webhook.throttleRatePerSecond,
          burst: functions.webhook.throttleBurst,
        },
      },
    },
    topics: { notifications: names.notificationTopic, alerts: names.alertTopic },
  };
}

/**
 * The calls per second the fleet consuming `queue` may make for its main Zoom call: the sum over
 * the environment's Zoom accounts of each one's budget for that call's label (plan limit x the
 * share qm-ingest may use). Accounts have separate budgets, so a fleet serving several may go faster.
 */
export function zoomCallsPerSecond(settings: EnvironmentSettings, queue: QueueRole): number {
  const operation = MAIN_ZOOM_CALL[queue];
  return settings.zoomProfiles.reduce((sum, profile) => {
    const label = profile.operationLabels[operation];
    return sum + effectiveRateLimits(profile)[label].perSecond;
  }, 0);
}

/**
 * Batch size and maximum concurrency from the Zoom budget, unless the environment sets them. Each
 * message costs about one call of the consumer's main label, so the messages in flight are capped
 * at {@link IN_FLIGHT_BUDGET_SECONDS} of budget: a Pro account's POST budget (5/s) gives 50 in
 * flight, 5 invocations of 10 messages. Batches are filled before concurrency grows (fewer
 * invocations cost less), and concurrency stays within Lambda's 2-1000.
 */
export function queueTrigger(
  queue: QueueRole,
  settings: EnvironmentSettings,
  sizing: {
    readonly batchSize?: number | undefined;
    readonly maximumConcurrency?: number | undefined;
    readonly maxBatchingWindowSeconds: number;
  },
): QueueTrigger {
  const callsPerSecond = zoomCallsPerSecond(settings, queue);
  const inFlight = Math.max(MIN_CONCURRENCY, Math.ceil(callsPerSecond * IN_FLIGHT_BUDGET_SECONDS));
  const batchSize = sizing.batchSize ?? Math.min(MAX_BATCH_SIZE, Math.ceil(inFlight / MIN_CONCURRENCY));
  const maximumConcurrency =
    sizing.maximumConcurrency ?? clamp(Math.ceil(inFlight / batchSize), MIN_CONCURRENCY, MAX_CONCURRENCY);
  return {
    queue,
    batchSize,
    maximumConcurrency,
    maxBatchingWindowSeconds: sizing.maxBatchingWindowSeconds,
    reportBatchItemFailures: true,
    zoomCallsPerSecond: callsPerSecond,
  };
}

/** `value` within `[min, max]`. */
export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** An S3 event notification's key filter (S3 matches at most one prefix and one suffix per notification). */
export interface NotificationKeyFilter {
  readonly prefix?: string;
  readonly suffix: string;
}

/** The prefixes no other prefix covers: '' alone when it is present. */
export function outermostPrefixes(prefixes: readonly string[]): string[] {
  const unique = [...new Set(prefixes)];
  return unique.filter((prefix) => !unique.some((other) => other !== prefix && prefix.startsWith(other)));
}

/**
 * The notifications a recordings bucket sends to the ingest queue: one per prefix x suffix. S3's
 * suffix match is case-sensitive, so each suffix also comes in upper case (`.MP3`); other mixed
 * spellings are not announced (ingest itself compares suffixes case-insensitively).
 */
export function recordingNotificationFilters(
  prefixes: readonly string[],
  suffixes: readonly string[],
): NotificationKeyFilter[] {
  const spellings = [...new Set(suffixes.flatMap((suffix) => [suffix, suffix.toUpperCase()]))];
  return outermostPrefixes(prefixes).flatMap((prefix) =>
    spellings.map((suffix) => (prefix === '' ? { suffix } : { prefix, suffix })),
  );
}

/** An EventBridge event pattern, as EventBridge spells it. */
export interface RecordingsEventPattern {
  readonly source: readonly string[];
  readonly 'detail-type': readonly string[];
  readonly detail: Readonly<Record<string, unknown>>;
}

/**
 * The EventBridge pattern that sends an existing bucket's "Object Created" events under the
 * recording prefixes to the ingest queue (suffixes are left to ingest, which skips the rest).
 */
export function recordingsEventPattern(
  bucketName: string,
  prefixes: readonly string[],
): RecordingsEventPattern {
  const outermost = outermostPrefixes(prefixes);
  return {
    source: ['aws.s3'],
    'detail-type': ['Object Created'],
    detail: {
      bucket: { name: [bucketName] },
      ...(outermost.includes('') ? {} : { object: { key: outermost.map((prefix) => ({ prefix })) } }),
    },
  };
}

/** The attributes of a queue's CreateQueue call (the local runtime's; the CDK stack sets the same). */
export function sqsQueueAttributes(
  queue: QueueDefinition,
  deadLetterTargetArn: string,
): Record<string, string> {
  return {
    VisibilityTimeout: String(queue.visibilityTimeoutSeconds),
    MessageRetentionPeriod: String(queue.retentionSeconds),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn, maxReceiveCount: queue.maxReceiveCount }),
  };
}

/** The attributes of a dead-letter queue's CreateQueue call. */
export function sqsDeadLetterQueueAttributes(queue: DeadLetterQueueDefinition): Record<string, string> {
  return { MessageRetentionPeriod: String(queue.retentionSeconds) };
}

/**
 * The stack outputs' keys: stable, export-free names the CLI and the README read from
 * `aws cloudformation describe-stacks` to find a deployed environment.
 */
export const STACK_OUTPUTS = {
  environment: 'EnvironmentName',
  region: 'Region',
  recordingsBucket: 'RecordingsBucketName',
  resultsBucket: 'ResultsBucketName',
  table: 'StateTableName',
  ingestQueueUrl: 'IngestQueueUrl',
  ingestDeadLetterQueueUrl: 'IngestDeadLetterQueueUrl',
  pollQueueUrl: 'PollQueueUrl',
  pollDeadLetterQueueUrl: 'PollDeadLetterQueueUrl',
  deliveryDeadLetterQueueUrl: 'DeliveryDeadLetterQueueUrl',
  notificationTopicArn: 'NotificationTopicArn',
  alertTopicArn: 'AlertTopicArn',
  dashboardUrl: 'DashboardUrl',
  zoomSecretNames: 'ZoomSecretNames',
  /** The BI export (when on): the Athena workgroup, the Glue database, the export's S3 location. */
  athenaWorkGroup: 'AthenaWorkGroup',
  glueDatabase: 'GlueDatabase',
  resultsExportLocation: 'ResultsExportLocation',
  urlSignerSecretName: 'UrlSignerSecretName',
  operatorRoleArn: 'OperatorRoleArn',
  /** The URL to give Zoom's event subscription (the app's Event notification endpoint URL). */
  webhookUrl: 'ZoomWebhookUrl',
} as const;
