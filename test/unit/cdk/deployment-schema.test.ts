import { describe, expect, it } from 'vitest';
import {
  type DeploymentInput,
  parseDeployment,
  secretNamePrefix,
} from '../../../shared/config/deployment.ts';
import { ConfigError } from '../../../shared/errors.ts';

/** The smallest valid deployment of the environment `name`. */
function minimal(name = 'dev'): DeploymentInput {
  return {
    region: 'eu-west-1',
    settings: {
      name,
      zoomProfiles: [{ name: 'main', secretName: `qm-ingest/${name}/zoom/main` }],
      defaultProfile: 'main',
    },
  };
}

/** `minimal()` with `patch` applied to its settings. */
function withSettings(patch: Record<string, unknown>): DeploymentInput {
  const base = minimal();
  return { ...base, settings: { ...base.settings, ...patch } };
}

function problemOf(input: unknown): string {
  try {
    parseDeployment(input);
  } catch (error) {
    if (error instanceof ConfigError) {
      return error.message;
    }
    throw error;
  }
  throw new Error('expected the deployment to be refused');
}

describe('parseDeployment', () => {
  it('applies safe defaults to every section', () => {
    // Act
    const deployment = parseDeployment(minimal());

    // Assess
    expect(deployment.recordings).toEqual({
      mode: 'create',
      lifecycle: { noncurrentVersionExpireAfterDays: 30, abortIncompleteUploadsAfterDays: 7 },
    });
    expect(deployment.retention).toEqual({
      removalPolicy: 'retain',
      autoDeleteObjects: false,
      logRetentionDays: 90,
      accessLogExpireAfterDays: 365,
    });
    expect(deployment.functions.ingest).toEqual({
      memoryMb: 512,
      timeoutSeconds: 120,
      maxBatchingWindowSeconds: 0,
    });
    expect(deployment.queues).toEqual({ maxReceiveCount: 5, retentionDays: 4, visibilityTimeoutFactor: 6 });
    expect(deployment.alerts).toEqual({ emails: [] });
    expect(deployment.zoomSecrets).toEqual({});
    expect(deployment.settings.polling.deadlineSeconds).toBe(86_400);
  });

  it('names the secrets an environment creates after the environment', () => {
    // Act
    const prefix = secretNamePrefix('staging');

    // Assess
    expect(prefix).toBe('qm-ingest/staging/');
  });

  it.each([
    ['a region that is not one', { ...minimal(), region: 'Europe' }, 'deployment.region'],
    ['an account id with letters', { ...minimal(), account: '12345678901x' }, 'deployment.account'],
    [
      'a log retention CloudWatch does not offer',
      { ...minimal(), retention: { logRetentionDays: 10 } },
      'deployment.retention.logRetentionDays',
    ],
    [
      'a visibility timeout under 6x the function timeout',
      { ...minimal(), queues: { visibilityTimeoutFactor: 5 } },
      'deployment.queues.visibilityTimeoutFactor',
    ],
    [
      'a batch of more than 10 messages',
      { ...minimal(), functions: { ingest: { batchSize: 11 } } },
      'deployment.functions.ingest.batchSize',
    ],
    [
      'a concurrency Lambda refuses',
      { ...minimal(), functions: { poll: { maximumConcurrency: 1 } } },
      'deployment.functions.poll.maximumConcurrency',
    ],
    [
      'an alert address that is not one',
      { ...minimal(), alerts: { emails: ['ops'] } },
      'deployment.alerts.emails.0',
    ],
    [
      'a plain http webhook',
      { ...minimal(), alerts: { webhookUrl: 'http://hooks.example.com/x' } },
      'deployment.alerts.webhookUrl',
    ],
    ['an unknown field', { ...minimal(), bucket: 'x' }, 'deployment: Unrecognized key'],
    ['an invalid environment setting', withSettings({ name: 'Prod' }), 'deployment.settings.name'],
    [
      'an existing bucket with an invalid name',
      { ...minimal(), recordings: { mode: 'existing', bucketName: 'Calls_Bucket' } },
      'deployment.recordings.bucketName',
    ],
    [
      'an existing bucket key that is not a KMS key ARN',
      { ...minimal(), recordings: { mode: 'existing', bucketName: 'calls', kmsKeyArn: 'alias/calls' } },
      'deployment.recordings.kmsKeyArn',
    ],
  ])('refuses %s, naming the field', (_label, input, field) => {
    // Act
    const message = problemOf(input);

    // Assess
    expect(message).toContain(field);
  });

  it.each([
    ['user info', 'https://user:pass@hooks.example.com/qm'],
    ['a token in the query', 'https://hooks.example.com/qm?token=abc123'],
    ['a signature in the query', 'https://hooks.example.com/qm?X-Amz-Signature=abc'],
  ])('refuses a webhook URL carrying %s, without echoing it', (_label, webhookUrl) => {
    // Act
    const message = problemOf({ ...minimal(), alerts: { webhookUrl } });

    // Assess
    expect(message).toContain('deployment.alerts.webhookUrl: must not carry credentials');
    expect(message).not.toContain('abc');
    expect(message).not.toContain('pass');
  });

  it('accepts an https webhook without credentials', () => {
    // Act
    const deployment = parseDeployment({
      ...minimal(),
      alerts: { webhookUrl: 'https://hooks.example.com/qm' },
    });

    // Assess
    expect(deployment.alerts.webhookUrl).toBe('https://hooks.example.com/qm');
  });
});

describe('parseDeployment: rules across fields', () => {
  it.each([
    [
      'a poll lease no longer than the poll function timeout',
      { ...withSettings({ polling: { leaseSeconds: 120 } }) },
      'deployment.settings.polling.leaseSeconds: must be longer than functions.poll.timeoutSeconds (120)',
    ],
    [
      'a stuck-recording sweep sooner than the ingest queue gives up redelivering',
      { ...withSettings({ polling: { reconciler: { stuck: { afterSeconds: 1800 } } } }) },
      "deployment.settings.polling.reconciler.stuck.afterSeconds: must be longer than the ingest queue's redeliveries (queues.maxReceiveCount x queues.visibilityTimeoutFactor x functions.ingest.timeoutSeconds + 900 s = 4500 s)",
    ],
    [
      'a reconciler that runs longer than its interval',
      { ...minimal(), functions: { reconcile: { timeoutSeconds: 301 } } },
      "deployment.functions.reconcile.timeoutSeconds: must not exceed the reconciler's interval (300 s)",
    ],
    [
      'a created Zoom secret outside the environment prefix',
      withSettings({ zoomProfiles: [{ name: 'main', secretName: 'zoom/main' }] }),
      'deployment.settings.zoomProfiles.0.secretName: a secret this stack creates must be named under "qm-ingest/dev/"',
    ],
    [
      'two profiles creating the same secret',
      withSettings({
        zoomProfiles: [
          { name: 'a', secretName: 'qm-ingest/dev/zoom' },
          { name: 'b', secretName: 'qm-ingest/dev/zoom' },
        ],
        defaultProfile: 'a',
      }),
      'deployment.settings.zoomProfiles.1.secretName: another profile creates the same secret',
    ],
    [
      'a secret mode for an unknown profile',
      { ...minimal(), zoomSecrets: { other: 'existing' } },
      'deployment.zoomSecrets.other: names no profile',
    ],
    [
      'a URL signer secret outside the environment prefix',
      withSettings({ ingest: { presign: { signer: { kind: 'iamUser', secretName: 'signer' } } } }),
      'deployment.settings.ingest.presign.signer.secretName',
    ],
    [
      'a URL signer secret shared with Zoom credentials',
      withSettings({
        ingest: { presign: { signer: { kind: 'iamUser', secretName: 'qm-ingest/dev/zoom/main' } } },
      }),
      'deployment.settings.ingest.presign.signer.secretName: must differ from every Zoom credentials secret',
    ],
    [
      'a signer key rotated faster than its URLs expire',
      {
        ...withSettings({
          ingest: {
            presign: {
              urlExpirySeconds: 7 * 86_400,
              signer: { kind: 'iamUser', secretName: 'qm-ingest/dev/signer' },
            },
          },
        }),
        urlSigner: { rotationDays: 7 },
      },
      'deployment.urlSigner.rotationDays: must outlast settings.ingest.presign.urlExpirySeconds',
    ],
    [
      'a route naming a bucket when the stack creates the bucket',
      withSettings({ routes: [{ bucket: 'elsewhere', prefix: 'a/', profile: 'main' }] }),
      'deployment.settings.routes.0.bucket: must be omitted',
    ],
    [
      'a route naming another bucket than the existing one',
      {
        ...withSettings({ routes: [{ bucket: 'elsewhere', prefix: 'a/', profile: 'main' }] }),
        recordings: { mode: 'existing', bucketName: 'calls-bucket' },
      },
      'deployment.settings.routes.0.bucket: must be omitted or be recordings.bucketName',
    ],
    [
      'overlapping recording prefixes on a created bucket',
      withSettings({ ingest: { recordingPrefixes: ['calls/', 'calls/2026/'] } }),
      'deployment.settings.ingest.recordingPrefixes.1: overlaps recordingPrefixes[0]',
    ],
    [
      'the same prefix twice on a created bucket',
      withSettings({ ingest: { recordingPrefixes: ['calls/', 'calls/'] } }),
      'deployment.settings.ingest.recordingPrefixes.1: overlaps recordingPrefixes[0]',
    ],
    [
      'recordings expiring before Zoom may fetch them',
      { ...minimal(), recordings: { mode: 'create', lifecycle: { expireAfterDays: 1 } } },
      'deployment.recordings.lifecycle.expireAfterDays: must keep recordings longer',
    ],
    [
      'a transition to Standard-IA after the expiry',
      {
        ...minimal(),
        recordings: {
          mode: 'create',
          lifecycle: { expireAfterDays: 40, transitionToInfrequentAccessAfterDays: 40 },
        },
      },
      'deployment.recordings.lifecycle.transitionToInfrequentAccessAfterDays: must come before expireAfterDays',
    ],
    [
      'emptying buckets that are retained',
      { ...minimal(), retention: { removalPolicy: 'retain', autoDeleteObjects: true } },
      'deployment.retention.autoDeleteObjects',
    ],
    [
      'the local simulator URL in a deployed environment',
      withSettings({
        zoomProfiles: [
          { name: 'main', secretName: 'qm-ingest/dev/zoom/main', apiBaseUrl: 'http://127.0.0.1:9000/v2' },
        ],
      }),
      'deployment.settings.zoomProfiles.0.apiBaseUrl: must use https in a deployed environment',
    ],
  ])('refuses %s', (_label, input, problem) => {
    // Act
    const message = problemOf(input);

    // Assess
    expect(message).toContain(problem);
  });

  it('lets an existing Zoom secret live anywhere, and overlapping prefixes on an existing bucket', () => {
    // Prepare
    const input = {
      ...withSettings({
        zoomProfiles: [
          { name: 'main', secretName: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:zoom-AbCdEf' },
        ],
        ingest: { recordingPrefixes: ['calls/', 'calls/2026/'] },
      }),
      zoomSecrets: { main: 'existing' },
      recordings: { mode: 'existing', bucketName: 'calls-bucket' },
    };

    // Act
    const deployment = parseDeployment(input);

    // Assess
    expect(deployment.zoomSecrets).toEqual({ main: 'existing' });
    expect(deployment.settings.ingest.recordingPrefixes).toEqual(['calls/', 'calls/2026/']);
  });
});
