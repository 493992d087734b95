import { randomBytes, randomUUID } from 'node:crypto';
import * as z from 'zod';
import { LOCAL_ACCOUNT_ID } from '../constants.ts';
import { handleJsonRequest, type JsonOperation, jsonOperation } from './aws-json.ts';
import { type RunningEmulator, startEmulatorServer } from './emulator-server.ts';
import { AwsServiceError } from './service-error.ts';
import { jsonStateFile, type StateFile } from './state-file.ts';

/**
 * Secrets Manager, emulated for the calls the project makes (the Zoom S2S OAuth credentials live
 * there): CreateSecret, PutSecretValue, GetSecretValue and DescribeSecret, over awsJson1_1 like the
 * real service, with version stages (AWSCURRENT/AWSPREVIOUS), lookup by name, ARN or partial ARN,
 * and AWS's error codes.
 */

interface SecretVersion {
  readonly versionId: string;
  readonly secretString?: string | undefined;
  /** Base64, as the JSON protocol carries blobs. */
  readonly secretBinary?: string | undefined;
  stages: string[];
  readonly createdDate: number;
}

interface Secret {
  readonly arn: string;
  readonly name: string;
  readonly description?: string | undefined;
  readonly createdDate: number;
  lastChangedDate: number;
  readonly versions: SecretVersion[];
}

interface SecretsState {
  readonly secrets: Secret[];
}

const SECRET_NAME = z
  .string()
  .min(1)
  .max(512)
  .regex(/^[A-Za-z0-9/_+=.@-]+$/, 'may contain only letters, digits and /_+=.@-');
const TOKEN = z.string().min(32).max(64).optional();
const VALUE = { SecretString: z.string().max(65_536).optional(), SecretBinary: z.base64().optional() };

const createSecretInput = z.object({
  Name: SECRET_NAME,
  ClientRequestToken: TOKEN,
  Description: z.string().max(2048).optional(),
  ...VALUE,
});
const putSecretValueInput = z.object({
  SecretId: z.string().min(1),
  ClientRequestToken: TOKEN,
  VersionStages: z.array(z.string().min(1)).min(1).optional(),
  ...VALUE,
});
const getSecretValueInput = z.object({
  SecretId: z.string().min(1),
  VersionId: z.string().optional(),
  VersionStage: z.string().optional(),
});
const describeSecretInput = z.object({ SecretId: z.string().min(1) });

const CURRENT = 'AWSCURRENT';
const PREVIOUS = 'AWSPREVIOUS';

export class SecretsManagerEmulator {
  readonly #region: string;
  readonly #state: StateFile<SecretsState>;
  readonly #secrets: Secret[];

  constructor(region: string, state: StateFile<SecretsState>) {
    this.#region = region;
    this.#state = state;
    this.#secrets = state.load()?.secrets ?? [];
  }

  readonly operations: Readonly<Record<string, JsonOperation>> = {
    CreateSecret: jsonOperation(createSecretInput, (input) => this.#createSecret(input)),
    PutSecretValue: jsonOperation(putSecretValueInput, (input) => this.#putSecretValue(input)),
    GetSecretValue: jsonOperation(getSecretValueInput, (input) => this.#getSecretValue(input)),
    DescribeSecret: jsonOperation(describeSecretInput, (input) => this.#describeSecret(input)),
  };

  #createSecret(input: z.infer<typeof createSecretInput>) {
    if (this.#secrets.some((secret) => secret.name === input.Name)) {
      throw new AwsServiceError(
        'ResourceExistsException',
        `The operation failed because the secret ${input.Name} already exists.`,
      );
    }
    const now = nowSeconds();
    const secret: Secret = {
      arn: `arn:aws:secretsmanager:${this.#region}:${LOCAL_ACCOUNT_ID}:secret:${input.Name}-${randomSuffix()}`,
      name: input.Name,
      description: input.Description,
      createdDate: now,
      lastChangedDate: now,
      versions: [],
    };
    const version = hasValue(input) ? this.#addVersion(secret, input, [CURRENT]) : undefined;
    this.#secrets.push(secret);
    this.#save();
    return { ARN: secret.arn, Name: secret.name, ...(version ? { VersionId: version.versionId } : {}) };
  }

  #putSecretValue(input: z.infer<typeof putSecretValueInput>) {
    const secret = this.#find(input.SecretId);
    if (!hasValue(input)) {
      throw new AwsServiceError(
        'InvalidRequestException',
        'You must provide either SecretString or SecretBinary.',
      );
    }
    const existing = secret.versions.find((version) => version.versionId === input.ClientRequestToken);
    if (existing !== undefined) {
      // A retried call with the same token is idempotent; the same token with another value is an error.
      if (existing.secretString !== input.SecretString || existing.secretBinary !== input.SecretBinary) {
        throw new AwsServiceError(
          'ResourceExistsException',
          `A version with VersionId ${existing.versionId} already exists with a different value.`,
        );
      }
      return {
        ARN: secret.arn,
        Name: secret.name,
        VersionId: existing.versionId,
        VersionStages: existing.stages,
      };
    }
    const version = this.#addVersion(secret, input, input.VersionStages ?? [CURRENT]);
    this.#save();
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.versionId,
      VersionStages: version.stages,
    };
  }

  #getSecretValue(input: z.infer<typeof getSecretValueInput>) {
    const secret = this.#find(input.SecretId);
    const stage = input.VersionStage ?? (input.VersionId === undefined ? CURRENT : undefined);
    const version = secret.versions.find(
      (candidate) =>
        (input.VersionId === undefined || candidate.versionId === input.VersionId) &&
        (stage === undefined || candidate.stages.includes(stage)),
    );
    if (version === undefined) {
      const wanted =
        input.VersionId === undefined ? `VersionStage: ${stage}` : `VersionId: ${input.VersionId}`;
      throw new AwsServiceError(
        'ResourceNotFoundException',
        `Secrets Manager can't find the specified secret value for ${wanted}`,
      );
    }
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.versionId,
      ...(version.secretString === undefined ? {} : { SecretString: version.secretString }),
      ...(version.secretBinary === undefined ? {} : { SecretBinary: version.secretBinary }),
      VersionStages: version.stages,
      CreatedDate: version.createdDate,
    };
  }

  #describeSecret(input: z.infer<typeof describeSecretInput>) {
    const secret = this.#find(input.SecretId);
    return {
      ARN: secret.arn,
      Name: secret.name,
      ...(secret.description === undefined ? {} : { Description: secret.description }),
      CreatedDate: secret.createdDate,
      LastChangedDate: secret.lastChangedDate,
      VersionIdsToStages: Object.fromEntries(
        secret.versions
          .filter((version) => version.stages.length > 0)
          .map((version) => [version.versionId, version.stages]),
      ),
    };
  }

  /** By name, full ARN, or ARN without the random suffix, as Secrets Manager resolves SecretId. */
  #find(secretId: string): Secret {
    const secret = this.#secrets.find(
      (candidate) =>
        candidate.name === secretId || candidate.arn === secretId || candidate.arn.slice(0, -7) === secretId,
    );
    if (secret === undefined) {
      throw new AwsServiceError(
        'ResourceNotFoundException',
        "Secrets Manager can't find the specified secret.",
      );
    }
    return secret;
  }

  #addVersion(
    secret: Secret,
    value: {
      ClientRequestToken?: string | undefined;
      SecretString?: string | undefined;
      SecretBinary?: string | undefined;
    },
    stages: readonly string[],
  ): SecretVersion {
    if (value.SecretString !== undefined && value.SecretBinary !== undefined) {
      throw new AwsServiceError(
        'InvalidParameterException',
        "You can't specify both a binary secret value and a string secret value in the same secret.",
      );
    }
    for (const stage of stages) this.#moveStage(secret, stage);
    const version: SecretVersion = {
      versionId: value.ClientRequestToken ?? randomUUID(),
      secretString: value.SecretString,
      secretBinary: value.SecretBinary,
      stages: [...stages],
      createdDate: nowSeconds(),
    };
    secret.versions.push(version);
    secret.lastChangedDate = version.createdDate;
    return version;
  }

  /** Takes `stage` off the version holding it; moving AWSCURRENT makes that version AWSPREVIOUS. */
  #moveStage(secret: Secret, stage: string): void {
    const holder = secret.versions.find((version) => version.stages.includes(stage));
    if (holder === undefined) return;
    holder.stages = holder.stages.filter((label) => label !== stage);
    if (stage === CURRENT) {
      for (const version of secret.versions)
        version.stages = version.stages.filter((label) => label !== PREVIOUS);
      holder.stages.push(PREVIOUS);
    }
  }

  #save(): void {
    this.#state.save({ secrets: this.#secrets });
  }
}

export type RunningSecretsManager = RunningEmulator<SecretsManagerEmulator>;

export async function startSecretsManagerServer(options: {
  readonly port?: number | undefined;
  readonly region: string;
  readonly dataDir?: string | undefined;
}): Promise<RunningSecretsManager> {
  const state = jsonStateFile<SecretsState>(options.dataDir, 'secrets-manager.json');
  const emulator = new SecretsManagerEmulator(options.region, state);
  const server = await startEmulatorServer({
    name: 'Secrets Manager',
    port: options.port,
    handle: (request, response) =>
      handleJsonRequest(request, response, 'secretsmanager', emulator.operations),
  });
  return { ...server, emulator };
}

function hasValue(input: { SecretString?: string | undefined; SecretBinary?: string | undefined }): boolean {
  return input.SecretString !== undefined || input.SecretBinary !== undefined;
}

function nowSeconds(): number {
  return Date.now() / 1000;
}

/** Secrets Manager appends a hyphen and six random characters to the name in the ARN. */
function randomSuffix(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(6)].map((byte) => alphabet[byte % alphabet.length]).join('');
}
