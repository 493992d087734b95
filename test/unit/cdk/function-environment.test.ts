import { describe, expect, it } from 'vitest';
import { configuredEnvironments, loadDeployment } from '../../../cdk/environments.ts';
import {
  compactSettings,
  functionEnvironment,
  SETTINGS_VARIABLE_BUDGET_BYTES,
} from '../../../cdk/function-environment.ts';
import { parseEnvironmentSettings } from '../../../shared/config/environment.ts';
import { loadRuntimeConfig, RUNTIME_VARIABLES } from '../../../shared/config/runtime.ts';
import { ConfigError } from '../../../shared/errors.ts';

const RESOURCES = {
  tableName: 'qm-ingest-dev-state',
  ingestQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/qm-ingest-dev-ingest',
  pollQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/qm-ingest-dev-poll',
  resultsBucket: 'qm-dev-results-123456789012-eu-west-1',
  resultsKmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  notificationTopicArn: 'arn:aws:sns:eu-west-1:123456789012:qm-ingest-dev-notifications',
  alertTopicArn: 'arn:aws:sns:eu-west-1:123456789012:qm-ingest-dev-alerts',
};

/** Settings where almost nothing is a default. */
const busySettings = parseEnvironmentSettings({
  name: 'busy',
  zoomProfiles: [
    {
      name: 'a',
      secretName: 'qm-ingest/busy/a',
      apiBaseUrl: 'https://eu01api.zoom.us/v2',
      planLimits: {
        LIGHT: { perSecond: 80 },
        MEDIUM: { perSecond: 60 },
        HEAVY: { perSecond: 40, perDay: 60_000 },
      },
      limitFraction: 0.3,
      operationLabels: { createInteraction: 'MEDIUM' },
      honoursIdempotencyKey: false,
    },
    { name: 'b', secretName: 'qm-ingest/busy/b' },
  ],
  defaultProfile: 'b',
  routes: [{ prefix: 'emea/', profile: 'a' }],
  ingest: {
    recordingPrefixes: ['emea/', 'amer/'],
    recordingSuffixes: ['.wav'],
    keyTemplate: '{any}/{date}/{agent_email}/{direction}-{time}.{ext}',
    requiredMetadata: ['agent', 'queueId'],
    sidecar: { suffix: '.meta.json', required: true },
    presign: { signer: { kind: 'iamUser', secretName: 'qm-ingest/busy/signer' } },
    retries: { transientAttempts: 2 },
  },
  polling: { backoff: { jitter: 'none' }, reconciler: { intervalMinutes: 3 }, results: { keyPrefix: 'r/' } },
});

describe('compactSettings', () => {
  it.each([
    ...configuredEnvironments().map(
      (name) => [`the ${name} environment`, loadDeployment(name).settings] as const,
    ),
    ['settings with few defaults', busySettings] as const,
  ])('gives back exactly the settings once parsed: %s', (_label, settings) => {
    // Act
    const compact = compactSettings(settings);

    // Assess
    expect(parseEnvironmentSettings(JSON.parse(JSON.stringify(compact)))).toEqual(settings);
    expect(JSON.stringify(compact).length).toBeLessThan(JSON.stringify(settings).length);
  });

  it('leaves out what equals a default and keeps what differs', () => {
    // Act
    const compact = compactSettings(busySettings);

    // Assess
    expect(compact['polling']).toEqual({
      backoff: { jitter: 'none' },
      reconciler: { intervalMinutes: 3 },
      results: { keyPrefix: 'r/' },
    });
    expect(compact['zoomProfiles']).toEqual([
      expect.objectContaining({
        name: 'a',
        limitFraction: 0.3,
        operationLabels: { createInteraction: 'MEDIUM' },
      }),
      { name: 'b', secretName: 'qm-ingest/busy/b' },
    ]);
  });
});

describe('functionEnvironment', () => {
  it('sets every QM_* variable, which the functions read back as the same configuration', () => {
    // Prepare
    const settings = loadDeployment('prod').settings;

    // Act
    const variables = functionEnvironment(settings, RESOURCES);

    // Assess
    expect(Object.keys(variables).sort()).toEqual(Object.values(RUNTIME_VARIABLES).sort());
    expect(loadRuntimeConfig(variables)).toEqual({ settings, resources: RESOURCES });
  });

  it('refuses settings too large for Lambda’s 4 KB of variables, naming the field', () => {
    // Prepare
    const profiles = Array.from({ length: 80 }, (_, index) => ({
      name: `account-${index}`,
      secretName: `qm-ingest/big/zoom/account-${index}`,
    }));
    const settings = parseEnvironmentSettings({
      name: 'big',
      zoomProfiles: profiles,
      defaultProfile: 'account-0',
    });

    // Act
    const act = () => functionEnvironment(settings, RESOURCES);

    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(`deployment.settings: takes`);
    expect(act).toThrow(`more than the ${SETTINGS_VARIABLE_BUDGET_BYTES}`);
  });
});
