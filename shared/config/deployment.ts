import * as z from 'zod';
import { redactUrl } from '../redact.ts';
import { deploymentIssues } from './deployment-rules.ts';
import { environmentSettingsSchema } from './environment.ts';
import { parseConfig } from './parse.ts';

/**
 * How one environment is deployed to AWS: where (account, region), with which recordings bucket,
 * how long data is kept, who is alerted, and how the functions and queues are sized. It wraps the
 * environment's behaviour settings (environment.ts), which the functions receive unchanged. The
 * CDK app validates one file per environment against this schema at synthesis, so a wrong value
 * stops `cdk synth` with a message naming the field instead of failing in the cloud.
 */

/** The retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export type LogRetentionDays = (typeof LOG_RETENTION_DAYS)[number];

const DAY_SECONDS = 86_400;

const s3BucketName = z
  .string()
  .regex(
    /^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
    'an S3 bucket name: 3-63 lower-case letters, digits, "." or "-"',
  );

/** Lifecycle of the recordings bucket qm-ingest creates. */
const recordingsLifecycleSchema = z.strictObject({
  /** Recordings are deleted this many days after upload (never, when not given). */
  expireAfterDays: z.int().min(1).optional(),
  /** Recordings move to S3 Standard-IA this many days after upload (S3 requires at least 30). */
  transitionToInfrequentAccessAfterDays: z.int().min(30).optional(),
  /** Overwritten or deleted versions are kept this long, so a mistaken overwrite can be undone. */
  noncurrentVersionExpireAfterDays: z.int().min(1).default(30),
  /** Unfinished multipart uploads are cleaned up after this many days. */
  abortIncompleteUploadsAfterDays: z.int().min(1).default(7),
});

/**
 * Where recordings come from. `create`: qm-ingest creates the bucket and its S3 event
 * notifications. `existing`: the user's own bucket, whose notification configuration is left
 * alone: its events come through EventBridge (the user turns EventBridge notifications on).
 */
const recordingsSchema = z.discriminatedUnion('mode', [
  z.strictObject({
    mode: z.literal('create'),
    lifecycle: recordingsLifecycleSchema.prefault({}),
  }),
  z.strictObject({
    mode: z.literal('existing'),
    bucketName: s3BucketName,
    /** The customer-managed KMS key the bucket encrypts with, if any: the signers need kms:Decrypt on it. */
    kmsKeyArn: z
      .string()
      .regex(
        /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/,
        'a KMS key ARN (arn:aws:kms:...:key/...)',
      )
      .optional(),
  }),
]);

export type RecordingsSource = z.output<typeof recordingsSchema>;

const resultsSchema = z.strictObject({
  /** Stored transcripts and large results are deleted this many days after writing (never, when not given). */
  expireAfterDays: z.int().min(1).optional(),
  /** The bucket is versioned: an overwritten or deleted object can be restored for this many days. */
  noncurrentVersionExpireAfterDays: z.int().min(1).default(30),
});

const retentionSchema = z.strictObject({
  /**
   * `retain`: deleting the stack, or a change that replaces a resource, keeps the data (buckets,
   * table, key, secrets, logs), but a first creation that rolls back removes what it created, so
   * the deploy can simply be run again; what production needs. `destroy`: everything goes with
   * the stack.
   */
  removalPolicy: z.enum(['retain', 'destroy']).default('retain'),
  /** With `destroy`, also empty the buckets on deletion (CloudFormation cannot delete a full bucket). */
  autoDeleteObjects: z.boolean().default(false),
  /** How long function logs are kept. */
  logRetentionDays: z.literal(LOG_RETENTION_DAYS).default(90),
  /** How long S3 server access logs are kept. */
  accessLogExpireAfterDays: z.int().min(1).default(365),
});

/** An HTTPS endpoint subscribed to the alert topic. It lands in the template, so it must hold no secret. */
const webhookUrlSchema = z
  .url({ protocol: /^https$/ })
  .refine(
    (url) => redactUrl(url) === url,
    'must not carry credentials or secret query parameters (they would be stored in the template); subscribe such an endpoint by hand',
  );

const alertsSchema = z.strictObject({
  /** Addresses subscribed to the alert topic (each confirms by email). */
  emails: z.array(z.email()).default([]),
  webhookUrl: webhookUrlSchema.optional(),
});

const alarmsSchema = z.strictObject({
  /** The period every alarm evaluates. */
  periodMinutes: z.int().min(1).max(60).default(5),
  /** A queue whose oldest message is older than this is falling behind. */
  oldestMessageAgeSeconds: z
    .int()
    .min(60)
    .max(14 * DAY_SECONDS)
    .default(1_800),
  /** Rate-limit refusals from Zoom (HTTP 429) per period that raise an alarm. */
  zoomRateLimitedPerPeriod: z.int().min(1).default(20),
  /**
   * A function's errors alarm fires when, in `errorPeriodsToAlarm` of 3 consecutive periods, at
   * least `functionErrorsPerPeriod` invocations failed and they were at least
   * `functionErrorRatePercent` of its invocations: a lasting failure rate, never one blip.
   */
  functionErrorsPerPeriod: z.int().min(1).default(2),
  functionErrorRatePercent: z.int().min(1).max(100).default(10),
  errorPeriodsToAlarm: z.int().min(1).max(3).default(2),
  /** Notifications the reconciler finds still pending in one period (the outbox backlog) that raise an alarm. */
  notificationBacklogPerPeriod: z.int().min(1).default(20),
  /**
   * Webhook requests refused for their signature (forged, stale, unsigned, unknown account) per
   * period that raise an alarm: a few are noise from the internet, a run of them is an attack or
   * a secret token that no longer matches the Zoom app's.
   */
  webhookRejectedPerPeriod: z.int().min(1).default(10),
});

const functionSchema = (defaults: { readonly memoryMb: number; readonly timeoutSeconds: number }) =>
  z.strictObject({
    memoryMb: z.int().min(128).max(10_240).default(defaults.memoryMb),
    timeoutSeconds: z.int().min(1).max(900).default(defaults.timeoutSeconds),
  });

/** A queue consumer: batch size and concurrency are derived from the Zoom budget unless given. */
const queueConsumerSchema = (defaults: { readonly memoryMb: number; readonly timeoutSeconds: number }) =>
  functionSchema(defaults).extend({
    /** Messages per invocation (1-10); derived from the Zoom rate limits when not given. */
    batchSize: z.int().min(1).max(10).optional(),
    /** Concurrent invocations at most (2-1000, as Lambda allows); derived from the Zoom rate limits when not given. */
    maximumConcurrency: z.int().min(2).max(1_000).optional(),
    /** How long Lambda gathers messages before invoking (0: at once). */
    maxBatchingWindowSeconds: z.int().min(0).max(300).default(0),
    /**
     * Concurrency reserved for the function (taken from the account's pool, and its ceiling): the
     * event source mapping's maximum concurrency when not given. At least that maximum, or the
     * mapping would be throttled (deployment-rules.ts).
     */
    reservedConcurrency: z.int().min(2).max(1_000).optional(),
  });

/**
 * How the functions and queues are sized: shared by the CDK stack and the local runtime (which
 * runs the same functions with the same timeouts, batches and concurrency).
 */
export const runtimeTuningSchema = z.strictObject({
  functions: z
    .strictObject({
      ingest: queueConsumerSchema({ memoryMb: 512, timeoutSeconds: 120 }).prefault({}),
      poll: queueConsumerSchema({ memoryMb: 512, timeoutSeconds: 120 }).prefault({}),
      reconcile: functionSchema({ memoryMb: 256, timeoutSeconds: 240 }).prefault({}),
      /**
       * The receiver of Zoom's webhooks: it verifies, looks one recording up and queues a message,
       * well within Zoom's 3 s; the endpoint's throttle keeps a flood (or an attacker) from
       * spending more than this on it. Refused requests get 429 and Zoom retries them.
       */
      webhook: functionSchema({ memoryMb: 256, timeoutSeconds: 10 })
        .extend({
          throttleRatePerSecond: z.int().min(1).max(10_000).default(50),
          throttleBurst: z.int().min(1).max(5_000).default(100),
          /** Concurrency reserved for the receiver: at the throttle's rate, each request taking well under a second. */
          reservedConcurrency: z.int().min(1).max(1_000).default(10),
        })
        .prefault({}),
      logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('INFO'),
    })
    .prefault({}),
  queues: z
    .strictObject({
      /** Receives before a message moves to its queue's DLQ. */
      maxReceiveCount: z.int().min(1).max(1_000).default(5),
      /** How long an unprocessed message is kept. */
      retentionDays: z.int().min(1).max(14).default(4),
      /** Visibility timeout as a multiple of the consumer's timeout: AWS advises at least 6. */
      visibilityTimeoutFactor: z.int().min(6).max(40).default(6),
    })
    .prefault({}),
});

export type RuntimeTuning = z.output<typeof runtimeTuningSchema>;

const urlSignerSchema = z.strictObject({
  /**
   * How often the dedicated signer's access key is replaced. The replaced key stays active until
   * the next rotation, so the interval must outlast every URL signed with it.
   */
  rotationDays: z.int().min(1).max(365).default(30),
});

const deploymentFieldsSchema = runtimeTuningSchema.extend({
  /** The AWS account; when omitted, the one of the credentials used to deploy. */
  account: z
    .string()
    .regex(/^\d{12}$/, 'a 12-digit AWS account id')
    .optional(),
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'an AWS region such as "eu-west-1"'),
  /** What the functions do: validated again by each function at cold start. */
  settings: environmentSettingsSchema,
  recordings: recordingsSchema.prefault({ mode: 'create' }),
  results: resultsSchema.prefault({}),
  retention: retentionSchema.prefault({}),
  alerts: alertsSchema.prefault({}),
  alarms: alarmsSchema.prefault({}),
  /**
   * Per Zoom profile: `create` (the stack creates the secret, empty, under the environment's
   * prefix) or `existing` (the secret exists already and is only read). `create` by default.
   */
  zoomSecrets: z.record(z.string(), z.enum(['create', 'existing'])).default({}),
  urlSigner: urlSignerSchema.prefault({}),
  /** Tags added to every resource. */
  tags: z.record(z.string().min(1).max(128), z.string().max(256)).default({}),
});

/** A deployment before the rules across fields are checked (deployment-rules.ts). */
export type DeploymentFields = z.output<typeof deploymentFieldsSchema>;

export const deploymentSchema = deploymentFieldsSchema.superRefine((deployment, context) => {
  for (const issue of deploymentIssues(deployment)) {
    context.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  }
});

export type Deployment = z.output<typeof deploymentSchema>;
export type DeploymentInput = z.input<typeof deploymentSchema>;

/**
 * Validates an environment's deployment file. Throws one {@link ConfigError} naming every invalid
 * field as `<fieldPrefix>.<path>` (the file name, by the CDK app), never a value.
 */
export function parseDeployment(input: unknown, fieldPrefix = 'deployment'): Deployment {
  return parseConfig(deploymentSchema, input, fieldPrefix, 'deployment configuration');
}

export { secretNamePrefix } from './deployment-rules.ts';
