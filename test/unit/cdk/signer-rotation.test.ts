import {
  CreateAccessKeyCommand,
  DeleteAccessKeyCommand,
  IAMClient,
  ListAccessKeysCommand,
} from '@aws-sdk/client-iam';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  type RotationEvent,
  rotateSignerKey,
  SIGNER_USER_TAG,
} from '../../../cdk/signer-rotation/rotation.ts';
import { PermanentError } from '../../../shared/errors.ts';
import { silentLogger } from '../../../shared/logging.ts';

const SECRET_ID = 'qm-ingest/staging/url-signer';
const USER = 'qm-ingest-staging-url-signer';
const TOKEN = 'token-2';
const CURRENT_VERSION = 'token-1';
const CURRENT_KEY = 'FAKECURRENTKEY000001';
const OLD_KEY = 'FAKEPREVIOUSKEY00001';
const NEW_KEY = 'FAKENEWKEY0000000001';

const secretsManager = mockClient(SecretsManagerClient);
const iam = mockClient(IAMClient);
const NOW = Date.parse('2026-12-07T12:00:00Z');
const HOUR_MS = 3_600_000;
const deps = {
  secretsManager: new SecretsManagerClient({ region: 'eu-west-1' }),
  iam: new IAMClient({ region: 'eu-west-1' }),
  logger: silentLogger,
  clock: { now: () => NOW },
  replacedKeyLifetimeMs: 7 * HOUR_MS,
};

const event = (step: RotationEvent['Step']): RotationEvent => ({
  Step: step,
  SecretId: SECRET_ID,
  ClientRequestToken: TOKEN,
});

function describeSecret(stages: Record<string, string[]>, overrides: Record<string, unknown> = {}): void {
  secretsManager.on(DescribeSecretCommand).resolves({
    RotationEnabled: true,
    VersionIdsToStages: stages,
    Tags: [{ Key: SIGNER_USER_TAG, Value: USER }],
    ...overrides,
  });
}

const pendingRotation = { [CURRENT_VERSION]: ['AWSCURRENT'], [TOKEN]: ['AWSPENDING'] };
const keySecret = (accessKeyId: string) =>
  JSON.stringify({ access_key_id: accessKeyId, secret_access_key: 'secret-material' });

function currentSecret(secretString: string): void {
  secretsManager.on(GetSecretValueCommand, { SecretId: SECRET_ID, VersionStage: 'AWSCURRENT' }).resolves({
    SecretString: secretString,
  });
}

function previousSecret(secretString: string): void {
  secretsManager.on(GetSecretValueCommand, { SecretId: SECRET_ID, VersionStage: 'AWSPREVIOUS' }).resolves({
    SecretString: secretString,
  });
}

/**
 * A createSecret step after a rotation `sinceLastRotationMs` ago that replaced `replacedKey` (now
 * AWSPREVIOUS); the user holds `otherKey` beside the current key.
 */
function rotationAfterReplacing(replacedKey: string, sinceLastRotationMs: number, otherKey: string): void {
  describeSecret(pendingRotation, { LastRotatedDate: new Date(NOW - sinceLastRotationMs) });
  currentSecret(keySecret(CURRENT_KEY));
  previousSecret(keySecret(replacedKey));
  noPendingVersion();
  userKeys([otherKey, 'Active'], [CURRENT_KEY, 'Active']);
}

function expectOnlyDeletedThenCreated(deletedKey: string): void {
  expect(iam.commandCalls(DeleteAccessKeyCommand).map((call) => call.args[0].input)).toEqual([
    { UserName: USER, AccessKeyId: deletedKey },
  ]);
  expect(iam.commandCalls(CreateAccessKeyCommand)).toHaveLength(1);
}

function noPendingVersion(): void {
  secretsManager
    .on(GetSecretValueCommand, { SecretId: SECRET_ID, VersionId: TOKEN, VersionStage: 'AWSPENDING' })
    .rejects(new ResourceNotFoundException({ message: 'no such version', $metadata: {} }));
}

function userKeys(...keys: [string, 'Active' | 'Inactive'][]): void {
  iam.on(ListAccessKeysCommand, { UserName: USER }).resolves({
    AccessKeyMetadata: keys.map(([AccessKeyId, Status]) => ({ AccessKeyId, Status, UserName: USER })),
  });
}

beforeEach(() => {
  secretsManager.reset();
  iam.reset();
  secretsManager
    .on(GetSecretValueCommand, { SecretId: SECRET_ID, VersionStage: 'AWSPREVIOUS' })
    .rejects(new ResourceNotFoundException({ message: 'no AWSPREVIOUS version', $metadata: {} }));
  iam.on(CreateAccessKeyCommand).resolves({
    AccessKey: {
      AccessKeyId: NEW_KEY,
      SecretAccessKey: 'new-secret-material',
      UserName: USER,
      Status: 'Active',
    },
  });
});

describe('createSecret', () => {
  it('creates the first key while the secret is still empty, as the stack creates it', async () => {
    // Prepare
    describeSecret({ [TOKEN]: ['AWSPENDING'] });
    secretsManager
      .on(GetSecretValueCommand, { SecretId: SECRET_ID, VersionStage: 'AWSCURRENT' })
      .rejects(new ResourceNotFoundException({ message: 'no value for AWSCURRENT', $metadata: {} }));
    noPendingVersion();
    userKeys();

    // Act
    await rotateSignerKey(event('createSecret'), deps);

    // Assess
    expect(iam.commandCalls(DeleteAccessKeyCommand)).toHaveLength(0);
    expect(iam.commandCalls(CreateAccessKeyCommand)[0]?.args[0].input).toEqual({ UserName: USER });
    expect(secretsManager.commandCalls(PutSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: SECRET_ID,
      ClientRequestToken: TOKEN,
      SecretString: JSON.stringify({ access_key_id: NEW_KEY, secret_access_key: 'new-secret-material' }),
      VersionStages: ['AWSPENDING'],
    });
  });

  it('deletes the key replaced at the previous rotation, keeps the current one, then creates the next', async () => {
    // Prepare
    describeSecret(pendingRotation);
    currentSecret(keySecret(CURRENT_KEY));
    noPendingVersion();
    userKeys([OLD_KEY, 'Active'], [CURRENT_KEY, 'Active']);

    // Act
    await rotateSignerKey(event('createSecret'), deps);

    // Assess
    expectOnlyDeletedThenCreated(OLD_KEY);
  });

  it('refuses, deleting nothing, within one URL lifetime of the rotation that replaced a key', async () => {
    // Prepare
    rotationAfterReplacing(OLD_KEY, 2 * HOUR_MS, OLD_KEY);

    // Act
    const step = rotateSignerKey(event('createSecret'), deps);

    // Assess
    await expect(step).rejects.toThrow(PermanentError);
    await expect(rotateSignerKey(event('createSecret'), deps)).rejects.toThrow(
      `may back download URLs until ${new Date(NOW + 5 * HOUR_MS).toISOString()}`,
    );
    expect(iam.commandCalls(DeleteAccessKeyCommand)).toHaveLength(0);
    expect(iam.commandCalls(CreateAccessKeyCommand)).toHaveLength(0);
  });

  it('deletes the replaced key once its URLs have expired', async () => {
    // Prepare
    rotationAfterReplacing(OLD_KEY, 8 * HOUR_MS, OLD_KEY);

    // Act
    await rotateSignerKey(event('createSecret'), deps);

    // Assess
    expectOnlyDeletedThenCreated(OLD_KEY);
  });

  it('deletes a key left by a failed attempt at once: it was never current, so it signed nothing', async () => {
    // Prepare
    const leftover = 'FAKELEFTOVERKEY00001';
    rotationAfterReplacing(OLD_KEY, HOUR_MS, leftover);

    // Act
    await rotateSignerKey(event('createSecret'), deps);

    // Assess
    expectOnlyDeletedThenCreated(leftover);
  });

  it('does nothing when the pending version exists already (a repeated step)', async () => {
    // Prepare
    describeSecret(pendingRotation);
    secretsManager
      .on(GetSecretValueCommand, { SecretId: SECRET_ID, VersionId: TOKEN, VersionStage: 'AWSPENDING' })
      .resolves({ SecretString: keySecret(NEW_KEY) });

    // Act
    await rotateSignerKey(event('createSecret'), deps);

    // Assess
    expect(iam.commandCalls(CreateAccessKeyCommand)).toHaveLength(0);
    expect(secretsManager.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });

  it('fails without a tag naming the signer user', async () => {
    // Prepare
    describeSecret(pendingRotation, { Tags: [] });

    // Act
    const step = rotateSignerKey(event('createSecret'), deps);

    // Assess
    await expect(step).rejects.toThrow(`has no ${SIGNER_USER_TAG} tag`);
    expect(iam.commandCalls(CreateAccessKeyCommand)).toHaveLength(0);
  });
});

describe('testSecret', () => {
  it('passes when the pending key is an active key of the user', async () => {
    // Prepare
    describeSecret(pendingRotation);
    secretsManager
      .on(GetSecretValueCommand, { SecretId: SECRET_ID, VersionId: TOKEN, VersionStage: 'AWSPENDING' })
      .resolves({ SecretString: keySecret(NEW_KEY) });
    userKeys([CURRENT_KEY, 'Active'], [NEW_KEY, 'Active']);

    // Act
    const step = rotateSignerKey(event('testSecret'), deps);

    // Assess
    await expect(step).resolves.toBeUndefined();
  });

  it.each([
    [
      'inactive',
      [
        [CURRENT_KEY, 'Active'],
        [NEW_KEY, 'Inactive'],
      ],
    ],
    ['missing', [[CURRENT_KEY, 'Active']]],
  ] as const)('fails when the pending key is %s', async (_label, keys) => {
    // Prepare
    describeSecret(pendingRotation);
    secretsManager
      .on(GetSecretValueCommand, { SecretId: SECRET_ID, VersionId: TOKEN, VersionStage: 'AWSPENDING' })
      .resolves({ SecretString: keySecret(NEW_KEY) });
    userKeys(...keys.map(([id, status]) => [id, status] as [string, 'Active' | 'Inactive']));

    // Act
    const step = rotateSignerKey(event('testSecret'), deps);

    // Assess
    await expect(step).rejects.toThrow(PermanentError);
    await expect(rotateSignerKey(event('testSecret'), deps)).rejects.toThrow('is not an active access key');
  });
});

describe('finishSecret', () => {
  it('moves AWSCURRENT to the new version, leaving the replaced key active', async () => {
    // Prepare
    describeSecret(pendingRotation);

    // Act
    await rotateSignerKey(event('finishSecret'), deps);

    // Assess
    expect(secretsManager.commandCalls(UpdateSecretVersionStageCommand)[0]?.args[0].input).toEqual({
      SecretId: SECRET_ID,
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: TOKEN,
      RemoveFromVersionId: CURRENT_VERSION,
    });
    expect(iam.commandCalls(DeleteAccessKeyCommand)).toHaveLength(0);
  });

  it('does nothing when the version is current already', async () => {
    // Prepare
    describeSecret({ [TOKEN]: ['AWSCURRENT'], [CURRENT_VERSION]: ['AWSPREVIOUS'] });

    // Act
    await rotateSignerKey(event('finishSecret'), deps);

    // Assess
    expect(secretsManager.commandCalls(UpdateSecretVersionStageCommand)).toHaveLength(0);
  });
});

describe('every step', () => {
  it('has nothing to do at setSecret: the key is active once created', async () => {
    // Prepare
    describeSecret(pendingRotation);

    // Act
    await rotateSignerKey(event('setSecret'), deps);

    // Assess
    expect(iam.calls()).toHaveLength(0);
    expect(secretsManager.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });

  it.each([
    ['rotation is off', { RotationEnabled: false }, 'does not have rotation enabled'],
    [
      'the token is no version of the secret',
      { VersionIdsToStages: { [CURRENT_VERSION]: ['AWSCURRENT'] } },
      'is not a version',
    ],
    [
      'the version is not pending',
      { VersionIdsToStages: { [CURRENT_VERSION]: ['AWSCURRENT'], [TOKEN]: [] } },
      'is not pending rotation',
    ],
  ])('refuses to run when %s', async (_label, overrides, problem) => {
    // Prepare
    describeSecret(pendingRotation, overrides);

    // Act
    const step = rotateSignerKey(event('createSecret'), deps);

    // Assess
    await expect(step).rejects.toThrow(problem);
    expect(iam.calls()).toHaveLength(0);
  });

  it('translates an AWS failure into a retryable error without secret values', async () => {
    // Prepare
    describeSecret(pendingRotation);
    currentSecret(keySecret(CURRENT_KEY));
    noPendingVersion();
    iam.on(ListAccessKeysCommand).rejects(Object.assign(new Error('slow down'), { name: 'Throttling' }));

    // Act
    const step = rotateSignerKey(event('createSecret'), deps);

    // Assess
    await expect(step).rejects.toMatchObject({
      retryable: true,
      message: 'IAM ListAccessKeys failed: Throttling',
    });
  });
});
