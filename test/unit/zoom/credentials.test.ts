import {
  DecryptionFailure,
  GetSecretValueCommand,
  InternalServiceError,
  ResourceNotFoundException,
  SecretsManagerClient,
  SecretsManagerServiceException,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseZoomProfile } from '../../../shared/config/zoom-profile.ts';
import { ZoomQmClient } from '../../../shared/zoom/client.ts';
import {
  type CredentialsProvider,
  SecretsManagerCredentialsProvider,
} from '../../../shared/zoom/credentials.ts';
import { ZoomAuthError, ZoomTransientError } from '../../../shared/zoom/errors.ts';
import { InMemoryTokenStore } from '../../../shared/zoom/in-memory-token-store.ts';
import { FakeFetch, json } from '../../helpers/fake-fetch.ts';
import { FakeClock } from './support/fake-clock.ts';
import { rejectionOf, TEST_CREDENTIALS } from './support/harness.ts';

const SECRET_ID = 'qm-ingest/prod/zoom-account-main';
const CLIENT_SECRET = 'sEcReT-value-that-must-never-appear-3f9a';
const SECRET_JSON = JSON.stringify({
  account_id: 'acct-Qm7xY2',
  client_id: 'client-id-4Hf9',
  client_secret: CLIENT_SECRET,
  webhook_secret_token: 'whs-token-8e1f',
});

const secretsManager = mockClient(SecretsManagerClient);

function provider(clock = new FakeClock(), cacheTtlMs = 300_000) {
  return new SecretsManagerCredentialsProvider({
    client: new SecretsManagerClient({}),
    secretId: SECRET_ID,
    cacheTtlMs,
    clock,
  });
}

const serviceError = (name: string, fault: 'client' | 'server', httpStatusCode: number) =>
  new SecretsManagerServiceException({
    name,
    $fault: fault,
    $metadata: { httpStatusCode },
    message: `${name} happened`,
  });

describe('SecretsManagerCredentialsProvider', () => {
  beforeEach(() => {
    secretsManager.reset();
  });

  it('reads the secret by its id and maps its JSON to credentials', async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand, { SecretId: SECRET_ID }).resolves({ SecretString: SECRET_JSON });

    // Act
    const credentials = await provider().getCredentials();

    // Assess
    expect(credentials).toEqual({
      accountId: 'acct-Qm7xY2',
      clientId: 'client-id-4Hf9',
      clientSecret: CLIENT_SECRET,
      webhookSecretToken: 'whs-token-8e1f',
    });
  });

  it('caches within the TTL, shares one read between concurrent callers, and reads again after it', async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: SECRET_JSON });
    const clock = new FakeClock();
    const credentials = provider(clock, 60_000);

    // Act
    await Promise.all([
      credentials.getCredentials(),
      credentials.getCredentials(),
      credentials.getCredentials(),
    ]);
    clock.advance(59_999);
    await credentials.getCredentials();
    const readsWithinTtl = secretsManager.commandCalls(GetSecretValueCommand).length;
    clock.advance(1);
    await credentials.getCredentials();

    // Assess
    expect(readsWithinTtl).toBe(1);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('invalidate() makes the next call read the secret again (a rotated secret)', async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: SECRET_JSON });
    const credentials = provider();
    await credentials.getCredentials();

    // Act
    credentials.invalidate();
    await credentials.getCredentials();

    // Assess
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it.each([
    [
      'ResourceNotFoundException',
      () => new ResourceNotFoundException({ $metadata: { httpStatusCode: 400 }, message: 'not found' }),
      ZoomAuthError,
    ],
    ['AccessDeniedException', () => serviceError('AccessDeniedException', 'client', 400), ZoomAuthError],
    [
      'DecryptionFailure',
      () => new DecryptionFailure({ $metadata: { httpStatusCode: 400 }, message: 'kms' }),
      ZoomAuthError,
    ],
    [
      'an unknown client fault',
      () => serviceError('BrandNewValidationException', 'client', 400),
      ZoomAuthError,
    ],
    ['ThrottlingException', () => serviceError('ThrottlingException', 'client', 400), ZoomTransientError],
    [
      'InternalServiceError',
      () => new InternalServiceError({ $metadata: { httpStatusCode: 500 }, message: 'boom' }),
      ZoomTransientError,
    ],
    ['a 503', () => serviceError('ServiceUnavailable', 'server', 503), ZoomTransientError],
    [
      'a reset connection',
      () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      ZoomTransientError,
    ],
    ['a timeout', () => Object.assign(new Error('timed out'), { name: 'TimeoutError' }), ZoomTransientError],
  ])('%s is translated to %O', async (label, makeError, expectedClass) => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).rejects(makeError());

    // Act
    const error = await rejectionOf(provider().getCredentials());

    // Assess
    expect(error).toBeInstanceOf(expectedClass);
    expect((error as ZoomAuthError).failure.operation).toBe('credentials');
    expect((error as Error).message).toContain(SECRET_ID);
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect((error as Error).message.includes('put-secret-value')).toBe(label === 'ResourceNotFoundException');
  });

  it('a failed read is not cached: the next call tries again', async () => {
    // Prepare
    secretsManager
      .on(GetSecretValueCommand)
      .rejectsOnce(serviceError('ThrottlingException', 'client', 400))
      .resolves({ SecretString: SECRET_JSON });
    const credentials = provider();
    await rejectionOf(credentials.getCredentials());

    // Act
    const read = await credentials.getCredentials();

    // Assess
    expect(read.accountId).toBe('acct-Qm7xY2');
  });

  it('malformed JSON is permanent and never quotes the secret (not even through a cause)', async () => {
    // Prepare
    secretsManager
      .on(GetSecretValueCommand)
      .resolves({ SecretString: `{"client_secret": "${CLIENT_SECRET}", oops` });

    // Act
    const error = await rejectionOf(provider().getCredentials());

    // Assess
    expect(error).toBeInstanceOf(ZoomAuthError);
    expect((error as Error).message).toContain('not valid JSON');
    expect((error as Error).cause).toBeUndefined();
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain(CLIENT_SECRET);
  });

  it('a secret without client_secret names the missing field, not the values', async () => {
    // Prepare
    secretsManager
      .on(GetSecretValueCommand)
      .resolves({ SecretString: JSON.stringify({ account_id: 'acct-1', client_id: CLIENT_SECRET }) });

    // Act
    const error = await rejectionOf(provider().getCredentials());

    // Assess
    expect(error).toBeInstanceOf(ZoomAuthError);
    expect((error as Error).message).toContain('client_secret');
    expect((error as Error).message).not.toContain(CLIENT_SECRET);
  });

  it('a binary-only secret is permanent', async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array([1, 2, 3]) });

    // Act
    const error = await rejectionOf(provider().getCredentials());

    // Assess
    expect(error).toBeInstanceOf(ZoomAuthError);
  });
});

describe('the client and its credentials', () => {
  it('forgets cached credentials when Zoom rejects them, so a rotated secret is picked up', async () => {
    // Prepare
    let invalidations = 0;
    const credentials: CredentialsProvider = {
      getCredentials: async () => TEST_CREDENTIALS,
      invalidate: () => {
        invalidations += 1;
      },
    };
    const http = new FakeFetch().route(
      'POST',
      '/oauth/token',
      json(401, { reason: 'Invalid client_id or client_secret', error: 'invalid_client' }),
    );
    const clock = new FakeClock();
    const client = new ZoomQmClient({
      profile: parseZoomProfile({
        name: 'p',
        secretName: SECRET_ID,
        oauthUrl: 'https://zoom.test/oauth/token',
      }),
      credentials,
      tokenStore: new InMemoryTokenStore(clock),
      rateLimiter: { tryTake: async () => ({ granted: true }) },
      fetch: http.fetch,
      clock,
    });

    // Act
    const error = await rejectionOf(client.getInteraction('int-1'));

    // Assess
    expect(error).toBeInstanceOf(ZoomAuthError);
    expect(invalidations).toBe(1);
  });
});
