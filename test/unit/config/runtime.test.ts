import { describe, expect, it } from 'vitest';
import { loadRuntimeConfig, toRuntimeVariables } from '../../../shared/config/runtime.ts';
import { ConfigError } from '../../../shared/errors.ts';

const settings = {
  name: 'dev',
  zoomProfiles: [{ name: 'main', secretName: 'qm-ingest/dev/zoom' }],
  defaultProfile: 'main',
};

const validEnv = {
  QM_SETTINGS: JSON.stringify(settings),
  QM_TABLE_NAME: 'qm-ingest-dev-state',
  QM_INGEST_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/qm-ingest-dev-ingest',
  QM_POLL_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/qm-ingest-dev-poll',
  QM_RESULTS_BUCKET: 'qm-ingest-dev-results',
  QM_NOTIFICATION_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:qm-ingest-dev-notifications',
  QM_ALERT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:qm-ingest-dev-alerts',
};

describe('loadRuntimeConfig', () => {
  it('reads the resources and the settings, with defaults applied', () => {
    // Act
    const config = loadRuntimeConfig(validEnv);

    // Assess
    expect(config.resources.tableName).toBe('qm-ingest-dev-state');
    expect(config.settings.zoomProfiles[0]?.apiBaseUrl).toBe('https://api.zoom.us/v2');
    expect(config.settings.polling.deadlineSeconds).toBe(86_400);
  });

  it('round-trips through the variables the stack sets', () => {
    // Prepare
    const config = loadRuntimeConfig(validEnv);

    // Act
    const again = loadRuntimeConfig(toRuntimeVariables(config));

    // Assess
    expect(again).toEqual(config);
  });

  it('names every missing or invalid variable', () => {
    // Prepare
    const { QM_TABLE_NAME: _omitted, ...env } = { ...validEnv, QM_POLL_QUEUE_URL: 'not a url' };

    // Act / Assess
    expect(() => loadRuntimeConfig(env)).toThrow(ConfigError);
    expect(() => loadRuntimeConfig(env)).toThrow(/env\.tableName: .*env\.pollQueueUrl: /);
  });

  it('refuses settings that are not JSON without quoting them', () => {
    // Prepare
    const env = { ...validEnv, QM_SETTINGS: '{"client_secret": "s3cr3t"' };

    // Act / Assess
    expect(() => loadRuntimeConfig(env)).toThrow('QM_SETTINGS is not valid JSON');
    expect(() => loadRuntimeConfig(env)).not.toThrow(/s3cr3t/);
  });

  it('names the invalid field of the settings', () => {
    // Prepare
    const env = { ...validEnv, QM_SETTINGS: JSON.stringify({ ...settings, defaultProfile: 'other' }) };

    // Act / Assess
    expect(() => loadRuntimeConfig(env)).toThrow(
      'QM_SETTINGS.defaultProfile: names no profile in zoomProfiles',
    );
  });
});

describe('the results KMS key (QM_RESULTS_KMS_KEY_ID)', () => {
  it.each([
    'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    'arn:aws-us-gov:kms:us-gov-west-1:123456789012:alias/qm-ingest-dev',
    '1234abcd-12ab-34cd-56ef-1234567890ab',
    'mrk-1234abcd12ab34cd56ef1234567890ab',
    'alias/qm-ingest/dev',
  ])('takes %s, and hands it on through the variables the stack sets', (keyId) => {
    // Prepare
    const env = { ...validEnv, QM_RESULTS_KMS_KEY_ID: keyId };

    // Act
    const config = loadRuntimeConfig(env);
    const variables = toRuntimeVariables(config);

    // Assess
    expect(config.resources.resultsKmsKeyId).toBe(keyId);
    expect(variables['QM_RESULTS_KMS_KEY_ID']).toBe(keyId);
  });

  it('is optional: absent or empty, none is set and none is handed on', () => {
    // Act
    const absent = loadRuntimeConfig(validEnv);
    const empty = loadRuntimeConfig({ ...validEnv, QM_RESULTS_KMS_KEY_ID: '' });

    // Assess
    expect(absent.resources.resultsKmsKeyId).toBeUndefined();
    expect(empty.resources.resultsKmsKeyId).toBeUndefined();
    expect(Object.keys(toRuntimeVariables(absent))).not.toContain('QM_RESULTS_KMS_KEY_ID');
  });

  it.each([
    ['an S3 bucket ARN', 'arn:aws:s3:::qm-ingest-dev-results'],
    ['a key name without its alias/ prefix', 'qm-ingest-dev'],
    ['a truncated key id', '1234abcd-12ab'],
  ])('refuses %s, naming the field', (_label, keyId) => {
    // Prepare
    const env = { ...validEnv, QM_RESULTS_KMS_KEY_ID: keyId };

    // Act / Assess
    expect(() => loadRuntimeConfig(env)).toThrow(ConfigError);
    expect(() => loadRuntimeConfig(env)).toThrow(
      /env\.resultsKmsKeyId: a KMS key ARN, alias ARN, key id or alias\/name/,
    );
  });
});
