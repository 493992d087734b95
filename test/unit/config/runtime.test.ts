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
