import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { parseZoomProfile } from '../../../shared/config/zoom-profile.ts';
import { ConfigError } from '../../../shared/errors.ts';
import { ZoomClientRegistry } from '../../../shared/zoom/client-registry.ts';

function registry(): ZoomClientRegistry {
  return new ZoomClientRegistry({
    profiles: [
      parseZoomProfile({ name: 'emea', secretName: 'qm/emea' }),
      parseZoomProfile({ name: 'us', secretName: 'qm/us' }),
    ],
    dynamoDb: new DynamoDBClient({ region: 'us-east-1' }),
    secretsManager: new SecretsManagerClient({ region: 'us-east-1' }),
    tableName: 'state',
  });
}

describe('ZoomClientRegistry', () => {
  it('builds one client per profile and keeps it', () => {
    // Prepare
    const clients = registry();

    // Act
    const first = clients.forProfile('emea');
    const again = clients.forProfile('emea');
    const other = clients.forProfile('us');

    // Assess
    expect(again).toBe(first);
    expect(first.profile.name).toBe('emea');
    expect(other.client).not.toBe(first.client);
    expect(other.profile.secretName).toBe('qm/us');
  });

  it('refuses a profile that is not configured, naming it', () => {
    // Prepare
    const clients = registry();

    // Act / Assess
    expect(() => clients.forProfile('apac')).toThrow(
      new ConfigError("No Zoom profile named 'apac' is configured"),
    );
  });
});
