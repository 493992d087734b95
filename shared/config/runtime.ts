import { ConfigError } from '../errors.ts';
import * as z from '../zod.ts';
import { type EnvironmentSettings, parseEnvironmentSettings } from './environment.ts';
import { parseConfig } from './parse.ts';

/**
 * What a deployed function knows about its environment, read once at cold start from the process
 * environment that the CDK stack (or the local runtime) sets. This is the only module that reads
 * `process.env`: a missing or invalid value stops the container at once with a message naming the
 * variable, instead of failing on the first event.
 */

/** The environment variables every function gets, and what each holds. */
export const RUNTIME_VARIABLES = {
  settings: 'QM_SETTINGS',
  tableName: 'QM_TABLE_NAME',
  ingestQueueUrl: 'QM_INGEST_QUEUE_URL',
  pollQueueUrl: 'QM_POLL_QUEUE_URL',
  resultsBucket: 'QM_RESULTS_BUCKET',
  notificationTopicArn: 'QM_NOTIFICATION_TOPIC_ARN',
  alertTopicArn: 'QM_ALERT_TOPIC_ARN',
  resultsKmsKeyId: 'QM_RESULTS_KMS_KEY_ID',
} as const;

/**
 * A KMS key as S3 takes it for SSE-KMS: a key ARN or alias ARN (what a stack passes, valid across
 * accounts), a key id (a UUID, or `mrk-` and 32 hex digits for a multi-Region key) or `alias/name`.
 */
const KMS_KEY_REFERENCE =
  /^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key\/[0-9a-zA-Z-]+|alias\/[A-Za-z0-9/_-]+)|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32}|alias\/[A-Za-z0-9/_-]+)$/;

const resourcesSchema = z.strictObject({
  tableName: z.string().check(z.minLength(3), z.maxLength(255)),
  ingestQueueUrl: z.url(),
  pollQueueUrl: z.url(),
  resultsBucket: z.string().check(z.minLength(3), z.maxLength(63)),
  notificationTopicArn: z.string().check(z.startsWith('arn:')),
  alertTopicArn: z.string().check(z.startsWith('arn:')),
  /**
   * The environment's KMS key, for the objects written to the results bucket (transcripts, large
   * results): SSE-KMS with this key. Optional: without it SSE-KMS is still requested, with the
   * account's AWS-managed key for S3.
   */
  resultsKmsKeyId: z.optional(
    z.string().check(z.regex(KMS_KEY_REFERENCE, 'a KMS key ARN, alias ARN, key id or alias/name')),
  ),
});

/** The AWS resources of the environment, by name, URL or ARN. */
export type RuntimeResources = z.output<typeof resourcesSchema>;

export interface RuntimeConfig {
  readonly settings: EnvironmentSettings;
  readonly resources: RuntimeResources;
}

/** Reads and validates the runtime configuration from `env` (the process environment by default). */
export function loadRuntimeConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): RuntimeConfig {
  const resources = parseConfig(
    resourcesSchema,
    {
      tableName: env[RUNTIME_VARIABLES.tableName],
      ingestQueueUrl: env[RUNTIME_VARIABLES.ingestQueueUrl],
      pollQueueUrl: env[RUNTIME_VARIABLES.pollQueueUrl],
      resultsBucket: env[RUNTIME_VARIABLES.resultsBucket],
      notificationTopicArn: env[RUNTIME_VARIABLES.notificationTopicArn],
      alertTopicArn: env[RUNTIME_VARIABLES.alertTopicArn],
      // Set but empty is unset: how a stack or a console clears a variable.
      resultsKmsKeyId: nonEmpty(env[RUNTIME_VARIABLES.resultsKmsKeyId]),
    },
    'env',
    'runtime configuration (environment variables QM_*)',
  );
  return {
    settings: parseEnvironmentSettings(readJson(env, RUNTIME_VARIABLES.settings), 'QM_SETTINGS'),
    resources,
  };
}

/** The variables that hand `config` to a function: what the CDK stack and the local runtime set. */
export function toRuntimeVariables(config: RuntimeConfig): Record<string, string> {
  const { resources } = config;
  return {
    [RUNTIME_VARIABLES.settings]: JSON.stringify(config.settings),
    [RUNTIME_VARIABLES.tableName]: resources.tableName,
    [RUNTIME_VARIABLES.ingestQueueUrl]: resources.ingestQueueUrl,
    [RUNTIME_VARIABLES.pollQueueUrl]: resources.pollQueueUrl,
    [RUNTIME_VARIABLES.resultsBucket]: resources.resultsBucket,
    [RUNTIME_VARIABLES.notificationTopicArn]: resources.notificationTopicArn,
    [RUNTIME_VARIABLES.alertTopicArn]: resources.alertTopicArn,
    ...(resources.resultsKmsKeyId === undefined
      ? {}
      : { [RUNTIME_VARIABLES.resultsKmsKeyId]: resources.resultsKmsKeyId }),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === '' ? undefined : value;
}

function readJson(env: Readonly<Record<string, string | undefined>>, name: string): unknown {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    throw new ConfigError(`Invalid runtime configuration: ${name} is not set`);
  }
  try {
    return JSON.parse(raw);
  } catch {
    // The parser's message quotes the text, which may hold a misplaced secret: never pass it on.
    throw new ConfigError(`Invalid runtime configuration: ${name} is not valid JSON`);
  }
}

/** The variable of the URL signer's rotation function: how long a replaced key may back live URLs. */
export const SIGNER_ROTATION_VARIABLES = {
  replacedKeyLifetimeSeconds: 'QM_SIGNER_REPLACED_KEY_LIFETIME_SECONDS',
} as const;

const signerRotationSchema = z.strictObject({
  replacedKeyLifetimeSeconds: z.coerce.number().check(z.int(), z.positive()),
});

/** Reads and validates the rotation function's configuration from `env` (the process environment by default). */
export function loadSignerRotationConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): z.output<typeof signerRotationSchema> {
  return parseConfig(
    signerRotationSchema,
    { replacedKeyLifetimeSeconds: env[SIGNER_ROTATION_VARIABLES.replacedKeyLifetimeSeconds] },
    'env',
    `runtime configuration (environment variable ${SIGNER_ROTATION_VARIABLES.replacedKeyLifetimeSeconds})`,
  );
}
