import { redactUrl } from '../redact.ts';
import * as z from '../zod.ts';
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
  .check(
    z.regex(
      /^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
      'an S3 bucket name: 3-63 lower-case letters, digits, "." or "-"',
    ),
  );

/** Lifecycle of the recordings bucket qm-ingest creates. */
const recordingsLifecycleSchema = z.strictObject({
  /** Recordings are deleted this many days after upload (never, when not given). */
  expireAfterDays: z.optional(z.int().check(z.minimum(1))),
  /** Recordings move to S3 Standard-IA this many days after upload (S3 requires at least 30). */
  transitionToInfrequentAccessAfterDays: z.optional(z.int().check(z.minimum(30))),
  /** Overwritten or deleted versions are kept this long, so a mistaken overwrite can be undone. */
  noncurrentVersionExpireAfterDays: z._default(z.int().check(z.minimum(1)), 30),
  /** Unfinished multipart uploads are cleaned up after this many days. */
  abortIncompleteUploadsAfterDays: z._default(z.int().check(z.minimum(1)), 7),
});

/**
 * Where recordings come from. `create`: qm-ingest creates the bucket and its S3 event
 * notifications. `existing`: the user's own bucket, whose notification configuration is left
 * alone: its events come through EventBridge (the user turns EventBridge notifications on).
 */
const recordingsSchema = z.discriminatedUnion('mode', [
  z.strictObject({
    mode: z.literal('create'),
    lifecycle: z.prefault(recordingsLifecycleSchema, {}),
  }),
  z.strictObject({
    mode: z.literal('existing'),
    bucketName: s3BucketName,
    /** The customer-managed KMS key the bucket encrypts with, if any: the signers need kms:Decrypt on it. */
    kmsKeyArn: z.optional(
      z
        .string()
        .check(
          z.regex(
            /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/,
            'a KMS key ARN (arn:aws:kms:...:key/...)',
          ),
        ),
    ),
  }),
]);

export type RecordingsSource = z.output<typeof recordingsSchema>;

const resultsSchema = z.strictObject({
  /** Stored transcripts and large results are deleted this many days after writing (never, when not given). */
  expireAfterDays: z.optional(z.int().check(z.minimum(1))),
  /** The bucket is versioned: an overwritten or deleted object can be restored for this many days. */
  noncurrentVersionExpireAfterDays: z._default(z.int().check(z.minimum(1)), 30),
});

const retentionSchema = z.strictObject({
  /**
   * `retain`: deleting the stack, or a change that replaces a resource, keeps the data (buckets,
   * table, key, secrets, logs), but a first creation that rolls back removes what it created, so
   * the deploy can simply be run again; what production needs. `destroy`: everything goes with
   * the stack.
   */
  removalPolicy: z._default(z.enum(['retain', 'destroy']), 'retain'),
  /** With `destroy`, also empty the buckets on deletion (CloudFormation cannot delete a full bucket). */
  autoDeleteObjects: z._default(z.boolean(), false),
  /** How long function logs are kept. */
  logRetentionDays: z._default(z.literal(LOG_RETENTION_DAYS), 90),
  /** How long S3 server access logs are kept. */
  accessLogExpireAfterDays: z._default(z.int().check(z.minimum(1)), 365),
});

/** An HTTPS endpoint subscribed to the alert topic. It lands in the template, so it must hold no secret. */
const webhookUrlSchema = z
  .url({ protocol: /^https$/ })
  .check(
    z.refine(
      (url) => redactUrl(url) === url,
      'must not carry credentials or secret query parameters (they would be stored in the template); subscribe such an endpoint by hand',
    ),
  );

const alertsSchema = z.strictObject({
  /** Addresses subscribed to the alert topic (each confirms by email). */
  emails: z._default(z.array(z.email()), []),
  webhookUrl: z.optional(webhookUrlSchema),
});

const alarmsSchema = z.strictObject({
  /** The period every alarm evaluates. */
  periodMinutes: z._default(z.int().check(z.minimum(1), z.maximum(60)), 5),
  /** A queue whose oldest message is older than this is falling behind. */
  oldestMessageAgeSeconds: z._default(z.int().check(z.minimum(60), z.maximum(14 * DAY_SECONDS)), 1_800),
  /** Rate-limit refusals from Zoom (HTTP 429) per period that raise an alarm. */
  zoomRateLimitedPerPeriod: z._default(z.int().check(z.minimum(1)), 20),
  /**
   * A function's errors alarm fires when, in `errorPeriodsToAlarm` of 3 consecutive periods, at
   * least `functionErrorsPerPeriod` invocations failed and they were at least
   * `functionErrorRatePercent` of its invocations: a lasting failure rate, never one blip.
   */
  functionErrorsPerPeriod: z._default(z.int().check(z.minimum(1)), 2),
  functionErrorRatePercent: z._default(z.int().check(z.minimum(1), z.maximum(100)), 10),
  errorPeriodsToAlarm: z._default(z.int().check(z.minimum(1), z.maximum(3)), 2),
  /** Notifications the reconciler finds still pending in one period (the outbox backlog) that raise an alarm. */
  notificationBacklogPerPeriod: z._default(z.int().check(z.minimum(1)), 20),
  /**
   * Webhook requests refused for their signature (forged, stale, unsigned, unknown account) per
   * period that raise an alarm: a few are noise from the internet, a run of them is an attack or
   * a secret token that no longer matches the Zoom app's.
   */
  webhookRejectedPerPeriod: z._default(z.int().check(z.minimum(1)), 10),
});

const functionSchema = (defaults: { readonly memoryMb: number; readonly timeoutSeconds: number }) =>
  z.strictObject({
    memoryMb: z._default(z.int().check(z.minimum(128), z.maximum(10_240)), defaults.memoryMb),
    timeoutSeconds: z._default(z.int().check(z.minimum(1), z.maximum(900)), defaults.timeoutSeconds),
  });

/** A queue consumer: batch size and concurrency are derived from the Zoom budget unless given. */
const queueConsumerSchema = (defaults: { readonly memoryMb: number; readonly timeoutSeconds: number }) =>
  z.extend(functionSchema(defaults), {
    /** Messages per invocation (1-10); derived from the Zoom rate limits when not given. */
    batchSize: z.optional(z.int().check(z.minimum(1), z.maximum(10))),
    /** Concurrent invocations at most (2-1000, as Lambda allows); derived from the Zoom rate limits when not given. */
    maximumConcurrency: z.optional(z.int().check(z.minimum(2), z.maximum(1_000))),
    /** How long Lambda gathers messages before invoking (0: at once). */
    maxBatchingWindowSeconds: z._default(z.int().check(z.minimum(0), z.maximum(300)), 0),
    /**
     * Concurrency reserved for the function (taken from the account's pool, and its ceiling): the
     * event source mapping's maximum concurrency when not given. At least that maximum, or the
     * mapping would be throttled (deployment-rules.ts).
     */
    reservedConcurrency: z.optional(z.int().check(z.minimum(2), z.maximum(1_000))),
  });

/**
 * How the functions and queues are sized: shared by the CDK stack and the local runtime (which
 * runs the same functions with the same timeouts, batches and concurrency).
 */
export const runtimeTuningSchema = z.strictObject({
  functions: z.prefault(
    z.strictObject({
      ingest: z.prefault(queueConsumerSchema({ memoryMb: 512, timeoutSeconds: 120 }), {}),
      poll: z.prefault(queueConsumerSchema({ memoryMb: 512, timeoutSeconds: 120 }), {}),
      reconcile: z.prefault(functionSchema({ memoryMb: 256, timeoutSeconds: 240 }), {}),
      /**
       * The receiver of Zoom's webhooks: it verifies, looks one recording up and queues a message,
       * well within Zoom's 3 s; the endpoint's throttle keeps a flood (or an attacker) from
       * spending more than this on it. Refused requests get 429 and Zoom retries them.
       */
      webhook: z.prefault(
        z.extend(functionSchema({ memoryMb: 256, timeoutSeconds: 10 }), {
          throttleRatePerSecond: z._default(z.int().check(z.minimum(1), z.maximum(10_000)), 50),
          throttleBurst: z._default(z.int().check(z.minimum(1), z.maximum(5_000)), 100),
          /** Concurrency reserved for the receiver: at the throttle's rate, each request taking well under a second. */
          reservedConcurrency: z._default(z.int().check(z.minimum(1), z.maximum(1_000)), 10),
        }),
        {},
      ),
      logLevel: z._default(z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']), 'INFO'),
    }),
    {},
  ),
  queues: z.prefault(
    z.strictObject({
      /** Receives before a message moves to its queue's DLQ. */
      maxReceiveCount: z._default(z.int().check(z.minimum(1), z.maximum(1_000)), 5),
      /** How long an unprocessed message is kept. */
      retentionDays: z._default(z.int().check(z.minimum(1), z.maximum(14)), 4),
      /** Visibility timeout as a multiple of the consumer's timeout: AWS advises at least 6. */
      visibilityTimeoutFactor: z._default(z.int().check(z.minimum(6), z.maximum(40)), 6),
    }),
    {},
  ),
});

export type RuntimeTuning = z.output<typeof runtimeTuningSchema>;

const urlSignerSchema = z.strictObject({
  /**
   * How often the dedicated signer's access key is replaced. The replaced key stays active until
   * the next rotation, so the interval must outlast every URL signed with it.
   */
  rotationDays: z._default(z.int().check(z.minimum(1), z.maximum(365)), 30),
});

const deploymentFieldsSchema = z.extend(runtimeTuningSchema, {
  /** The AWS account; when omitted, the one of the credentials used to deploy. */
  account: z.optional(z.string().check(z.regex(/^\d{12}$/, 'a 12-digit AWS account id'))),
  region: z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'an AWS region such as "eu-west-1"')),
  /** What the functions do: validated again by each function at cold start. */
  settings: environmentSettingsSchema,
  recordings: z.prefault(recordingsSchema, { mode: 'create' }),
  results: z.prefault(resultsSchema, {}),
  retention: z.prefault(retentionSchema, {}),
  alerts: z.prefault(alertsSchema, {}),
  alarms: z.prefault(alarmsSchema, {}),
  /**
   * Per Zoom profile: `create` (the stack creates the secret, empty, under the environment's
   * prefix) or `existing` (the secret exists already and is only read). `create` by default.
   */
  zoomSecrets: z._default(z.record(z.string(), z.enum(['create', 'existing'])), {}),
  urlSigner: z.prefault(urlSignerSchema, {}),
  /** Tags added to every resource. */
  tags: z._default(
    z.record(z.string().check(z.minLength(1), z.maxLength(128)), z.string().check(z.maxLength(256))),
    {},
  ),
});

/** A deployment before the rules across fields are checked (deployment-rules.ts). */
export type DeploymentFields = z.output<typeof deploymentFieldsSchema>;

export const deploymentSchema = deploymentFieldsSchema.check(
  z.superRefine((deployment, context) => {
    for (const issue of deploymentIssues(deployment)) {
      context.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    }
  }),
);

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
