import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createTestSecret,
  type LocalAwsClients,
  localAwsClients,
  uniqueName,
} from '../../helpers/local-stack.ts';

let clients: LocalAwsClients;

beforeAll(() => {
  clients = localAwsClients();
});

describe('local Secrets Manager emulator', () => {
  it('creates a secret and returns its current value by name, by ARN and by partial ARN', async () => {
    // Prepare
    const value = JSON.stringify({ clientId: 'id', clientSecret: 'not-a-real-secret' });
    // Act
    const secret = await createTestSecret(clients.secretsManager, value);
    const byName = await clients.secretsManager.send(new GetSecretValueCommand({ SecretId: secret.name }));
    const byArn = await clients.secretsManager.send(new GetSecretValueCommand({ SecretId: secret.arn }));
    const byPartialArn = await clients.secretsManager.send(
      new GetSecretValueCommand({ SecretId: secret.arn.slice(0, -7) }),
    );
    // Assess
    expect(secret.arn).toMatch(
      new RegExp(`^arn:aws:secretsmanager:[a-z0-9-]+:\\d{12}:secret:${secret.name}-[A-Za-z0-9]{6}$`),
    );
    for (const read of [byName, byArn, byPartialArn]) {
      expect(read).toMatchObject({
        ARN: secret.arn,
        Name: secret.name,
        SecretString: value,
        VersionStages: ['AWSCURRENT'],
      });
      expect(read.CreatedDate).toBeInstanceOf(Date);
    }
  });

  it('moves AWSCURRENT to a new value with PutSecretValue and keeps the old one as AWSPREVIOUS', async () => {
    // Prepare
    const secret = await createTestSecret(clients.secretsManager, 'first');
    // Act
    const put = await clients.secretsManager.send(
      new PutSecretValueCommand({ SecretId: secret.name, SecretString: 'second' }),
    );
    const current = await clients.secretsManager.send(new GetSecretValueCommand({ SecretId: secret.name }));
    const previous = await clients.secretsManager.send(
      new GetSecretValueCommand({ SecretId: secret.name, VersionStage: 'AWSPREVIOUS' }),
    );
    const described = await clients.secretsManager.send(new DescribeSecretCommand({ SecretId: secret.name }));
    // Assess
    expect(current).toMatchObject({ SecretString: 'second', VersionId: put.VersionId });
    expect(previous.SecretString).toBe('first');
    expect(described.VersionIdsToStages).toEqual({
      [String(previous.VersionId)]: ['AWSPREVIOUS'],
      [String(put.VersionId)]: ['AWSCURRENT'],
    });
  });

  it('answers with the exceptions Secrets Manager uses', async () => {
    // Prepare
    const secret = await createTestSecret(clients.secretsManager, 'value');
    const stranger = new SecretsManagerClient({
      credentials: { accessKeyId: 'AKIASTRANGER', secretAccessKey: 'nope' },
    });
    // Act
    const missing = await clients.secretsManager
      .send(new GetSecretValueCommand({ SecretId: uniqueName('missing') }))
      .catch((error: unknown) => error);
    const duplicate = await clients.secretsManager
      .send(new CreateSecretCommand({ Name: secret.name, SecretString: 'again' }))
      .catch((error: unknown) => error);
    const invalid = await clients.secretsManager
      .send(new CreateSecretCommand({ Name: 'spaces are not allowed', SecretString: 'x' }))
      .catch((error: unknown) => error);
    const refused = await stranger
      .send(new GetSecretValueCommand({ SecretId: secret.name }))
      .catch((error: unknown) => error);
    // Assess
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    expect(duplicate).toBeInstanceOf(ResourceExistsException);
    expect(invalid).toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
    expect(refused).toMatchObject({
      name: 'UnrecognizedClientException',
      $metadata: { httpStatusCode: 403 },
    });
  });
});
