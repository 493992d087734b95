import {
  CreateAccessKeyCommand,
  DeleteAccessKeyCommand,
  type IAMClient,
  ListAccessKeysCommand,
} from '@aws-sdk/client-iam';
import {
  DescribeSecretCommand,
  type DescribeSecretCommandOutput,
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import { translateAwsError } from '../../shared/aws/errors.ts';
import type { Clock } from '../../shared/clock.ts';
import { PermanentError } from '../../shared/errors.ts';
import { parseSignerSecret } from '../../shared/ingest/iam-user-credentials.ts';
import type { Logger } from '../../shared/logging.ts';

/**
 * Rotation of the dedicated URL signer's access key, run by Secrets Manager in its four steps.
 * The secret holds `{"access_key_id", "secret_access_key"}` (what ingest's signer reads). An IAM
 * user holds at most two keys, and a URL signed with a key dies with it, so a rotation:
 * - createSecret: deletes every key of the user except the current one (the one replaced at the
 *   previous rotation, normally a whole rotation interval ago: every URL it signed has expired,
 *   which the deployment schema checks; or a key left behind by a failed attempt), creates a new
 *   key and stores it as the pending version. A rotation run sooner (by hand, or on a stack update
 *   that changes the schedule) within one URL lifetime of the previous one is refused before it
 *   deletes anything: the replaced key may still back live URLs. It fails, the errors alarm
 *   fires, and the rotation can be run again once that key's URLs have expired;
 * - setSecret: nothing: IAM keys are active as soon as they exist;
 * - testSecret: checks the pending key is an active key of the user;
 * - finishSecret: makes the pending version current. The replaced key stays active, so the URLs
 *   it signed keep working until the next rotation.
 * The user's name is a tag of the secret, set by the stack, so the function needs no configuration.
 */

/** The tag of the signer secret that names the IAM user whose keys it holds. */
export const SIGNER_USER_TAG = 'qm-ingest:url-signer-user';

const CURRENT = 'AWSCURRENT';
const PENDING = 'AWSPENDING';
const PREVIOUS = 'AWSPREVIOUS';

export const rotationEventSchema = z.object({
  Step: z.enum(['createSecret', 'setSecret', 'testSecret', 'finishSecret']),
  SecretId: z.string().min(1),
  ClientRequestToken: z.string().min(1),
});

export type RotationEvent = z.output<typeof rotationEventSchema>;

export interface RotationDependencies {
  readonly secretsManager: SecretsManagerClient;
  readonly iam: IAMClient;
  readonly logger: Logger;
  readonly clock: Clock;
  /**
   * How long a key may still back live URLs after it stopped being current: the URL expiry plus
   * the time a function may keep signing with a cached key.
   */
  readonly replacedKeyLifetimeMs: number;
}

/** Runs one step; throws (and Secrets Manager retries the rotation later) when it cannot complete. */
export async function rotateSignerKey(event: RotationEvent, deps: RotationDependencies): Promise<void> {
  const { SecretId: secretId, ClientRequestToken: token, Step: step } = event;
  const secret = await describeSecret(deps, secretId);
  if (secret.RotationEnabled !== true) {
    throw new PermanentError(`Secret ${secretId} does not have rotation enabled`);
  }
  const stages = secret.VersionIdsToStages?.[token];
  if (stages === undefined) {
    throw new PermanentError(`Version ${token} is not a version of secret ${secretId}`);
  }
  if (stages.includes(CURRENT)) {
    deps.logger.info('Rotation step skipped: the version is already current', { step, secretId });
    return;
  }
  if (!stages.includes(PENDING)) {
    throw new PermanentError(`Version ${token} of secret ${secretId} is not pending rotation`);
  }
  const userName = signerUserOf(secret, secretId);
  const context = { secretId, token, userName };
  switch (step) {
    case 'createSecret':
      return createPendingKey(deps, context, secret);
    case 'setSecret':
      deps.logger.info('Rotation: setSecret has nothing to do, IAM keys are active once created', {
        secretId,
      });
      return;
    case 'testSecret':
      return testPendingKey(deps, context);
    case 'finishSecret':
      return finishRotation(deps, context, secret);
  }
}

interface StepContext {
  readonly secretId: string;
  readonly token: string;
  readonly userName: string;
}

async function createPendingKey(
  deps: RotationDependencies,
  context: StepContext,
  secret: DescribeSecretCommandOutput,
): Promise<void> {
  const { secretId, token, userName } = context;
  if ((await readVersion(deps, secretId, { VersionId: token, VersionStage: PENDING })) !== undefined) {
    deps.logger.info('Rotation: the pending key exists already', { secretId });
    return;
  }
  const currentKeyId = accessKeyIdOf(await readVersion(deps, secretId, { VersionStage: CURRENT }), secretId);
  const replacedKeyId = accessKeyIdOf(
    await readVersion(deps, secretId, { VersionStage: PREVIOUS }),
    secretId,
  );
  const keys = await listAccessKeys(deps, userName);
  if (keys.some((key) => key.accessKeyId === replacedKeyId)) {
    refuseWhileReplacedKeyLives(deps, secretId, secret.LastRotatedDate);
  }
  for (const key of keys) {
    if (key.accessKeyId !== currentKeyId) {
      await call('IAM', 'DeleteAccessKey', () =>
        deps.iam.send(new DeleteAccessKeyCommand({ UserName: userName, AccessKeyId: key.accessKeyId })),
      );
      deps.logger.info('Rotation: deleted a replaced signer key', { secretId, accessKeyId: key.accessKeyId });
    }
  }
  const created = await call('IAM', 'CreateAccessKey', () =>
    deps.iam.send(new CreateAccessKeyCommand({ UserName: userName })),
  );
  const accessKeyId = created.AccessKey?.AccessKeyId;
  const secretAccessKey = created.AccessKey?.SecretAccessKey;
  if (accessKeyId === undefined || secretAccessKey === undefined) {
    throw new PermanentError(`IAM CreateAccessKey returned no key for user ${userName}`);
  }
  await call('Secrets Manager', 'PutSecretValue', () =>
    deps.secretsManager.send(
      new PutSecretValueCommand({
        SecretId: secretId,
        ClientRequestToken: token,
        SecretString: JSON.stringify({ access_key_id: accessKeyId, secret_access_key: secretAccessKey }),
        VersionStages: [PENDING],
      }),
    ),
  );
  deps.logger.info('Rotation: created the pending signer key', { secretId, accessKeyId });
}

/**
 * Throws while the key replaced at the last rotation may still back live URLs: deleting it would
 * break them. A key never made current (left by a failed attempt) signed nothing and is not guarded.
 */
function refuseWhileReplacedKeyLives(
  deps: RotationDependencies,
  secretId: string,
  lastRotatedAt: Date | undefined,
): void {
  if (lastRotatedAt === undefined) {
    return;
  }
  const liveUntil = lastRotatedAt.getTime() + deps.replacedKeyLifetimeMs;
  if (deps.clock.now() < liveUntil) {
    throw new PermanentError(
      `Rotation of ${secretId} refused: the key replaced at the last rotation (${lastRotatedAt.toISOString()}) may back download URLs until ${new Date(liveUntil).toISOString()}; rotate again after that (aws secretsmanager rotate-secret --secret-id ${secretId})`,
    );
  }
}

async function testPendingKey(deps: RotationDependencies, context: StepContext): Promise<void> {
  const { secretId, token, userName } = context;
  const pending = await readVersion(deps, secretId, { VersionId: token, VersionStage: PENDING });
  if (pending === undefined) {
    throw new PermanentError(`Secret ${secretId} has no pending version ${token} to test`);
  }
  const { accessKeyId } = parseSignerSecret(pending, secretId);
  const key = (await listAccessKeys(deps, userName)).find(
    (candidate) => candidate.accessKeyId === accessKeyId,
  );
  if (key?.status !== 'Active') {
    throw new PermanentError(
      `The pending key of secret ${secretId} is not an active access key of user ${userName}`,
    );
  }
  deps.logger.info('Rotation: the pending signer key is active', { secretId, accessKeyId });
}

async function finishRotation(
  deps: RotationDependencies,
  context: StepContext,
  secret: DescribeSecretCommandOutput,
): Promise<void> {
  const { secretId, token } = context;
  const currentVersion = Object.entries(secret.VersionIdsToStages ?? {}).find(([, stages]) =>
    stages.includes(CURRENT),
  )?.[0];
  await call('Secrets Manager', 'UpdateSecretVersionStage', () =>
    deps.secretsManager.send(
      new UpdateSecretVersionStageCommand({
        SecretId: secretId,
        VersionStage: CURRENT,
        MoveToVersionId: token,
        ...(currentVersion === undefined ? {} : { RemoveFromVersionId: currentVersion }),
      }),
    ),
  );
  deps.logger.info('Rotation: the new signer key is current', { secretId });
}

async function describeSecret(
  deps: RotationDependencies,
  secretId: string,
): Promise<DescribeSecretCommandOutput> {
  return call('Secrets Manager', 'DescribeSecret', () =>
    deps.secretsManager.send(new DescribeSecretCommand({ SecretId: secretId })),
  );
}

function signerUserOf(secret: DescribeSecretCommandOutput, secretId: string): string {
  const userName = secret.Tags?.find((tag) => tag.Key === SIGNER_USER_TAG)?.Value;
  if (userName === undefined || userName === '') {
    throw new PermanentError(`Secret ${secretId} has no ${SIGNER_USER_TAG} tag naming the signer's IAM user`);
  }
  return userName;
}

/** The secret string of a version, or undefined when there is no such version. */
async function readVersion(
  deps: RotationDependencies,
  secretId: string,
  version: { readonly VersionId?: string; readonly VersionStage: string },
): Promise<string | undefined> {
  try {
    const output = await deps.secretsManager.send(
      new GetSecretValueCommand({ SecretId: secretId, ...version }),
    );
    return output.SecretString;
  } catch (error) {
    if (error instanceof Error && error.name === 'ResourceNotFoundException') {
      return undefined;
    }
    throw translateAwsError(error, 'Secrets Manager', 'GetSecretValue');
  }
}

/** A version's key id; undefined when there is no such version (the secret is created empty) or it holds no key. */
function accessKeyIdOf(secretString: string | undefined, secretId: string): string | undefined {
  try {
    return parseSignerSecret(secretString, secretId).accessKeyId;
  } catch (error) {
    if (error instanceof PermanentError) {
      return undefined;
    }
    throw error;
  }
}

interface AccessKey {
  readonly accessKeyId: string;
  readonly status: string | undefined;
}

async function listAccessKeys(deps: RotationDependencies, userName: string): Promise<AccessKey[]> {
  const output = await call('IAM', 'ListAccessKeys', () =>
    deps.iam.send(new ListAccessKeysCommand({ UserName: userName })),
  );
  return (output.AccessKeyMetadata ?? []).flatMap((key) =>
    key.AccessKeyId === undefined ? [] : [{ accessKeyId: key.AccessKeyId, status: key.Status }],
  );
}

async function call<T>(service: string, operation: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw translateAwsError(error, service, operation);
  }
}
