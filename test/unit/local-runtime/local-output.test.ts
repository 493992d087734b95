import { describe, expect, it } from 'vitest';
import { type BannerInfo, clockTime, formatBanner, formatEvent } from '../../../cli/local-output.ts';
import type { RuntimeEvent } from '../../../local/runtime/index.ts';
import type { RecordingFinishedMessage } from '../../../shared/notify/messages.ts';
import type { Recording } from '../../../shared/recordings/recording.ts';

const info: BannerInfo = {
  startupMs: 2_040,
  scenario: 'Local first run',
  zoomApiBaseUrl: 'http://127.0.0.1:4572/v2',
  webhookUrl: 'http://127.0.0.1:41234/zoom/webhook',
  awsEnv: {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'QMINGESTLOCALACCESSKEY',
    AWS_SECRET_ACCESS_KEY: 'QmIngestLocalSecretKey',
    AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4566',
    AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:4567',
  },
  s3Endpoint: 'http://127.0.0.1:4566',
  region: 'us-east-1',
  bucket: 'qm-local-recordings-000000000000-us-east-1',
  existingBucket: 'qm-local-existing-recordings-000000000000-us-east-1',
  prefix: 'calls/',
  suffixes: ['.mp3', '.wav'],
  functions: 'ingest (batches of 10, up to 5 at once)',
  dataDir: '.local',
  logsDir: '.local/logs',
  samplePath: '.local/samples/call.wav',
  today: '2026-11-25',
};

const recording = { recordingId: 'rec1', key: 'calls/2026-11-25/a.wav' } as Recording;
const at = new Date(2026, 10, 25, 9, 5, 7).getTime();

/** The outcome event of a recording's notification: the fields a test is about over a local rec1. */
function outcomeEvent(fields: Partial<RecordingFinishedMessage>): RuntimeEvent {
  return {
    kind: 'outcome',
    receivedAt: at,
    message: {
      schemaVersion: 1,
      type: 'qm-ingest.recording.finished',
      notificationId: 'rec1-1',
      environment: 'local',
      recordingId: 'rec1',
      bucket: 'b',
      key: 'calls/a.wav',
      zoomAccountId: 'acc',
      profile: 'simulator',
      submission: 1,
      interactionId: 'int1',
      queueId: null,
      status: 'EVALUATED',
      reason: 'The automated evaluation completed',
      occurredAt: '2026-11-25T09:05:07.000Z',
      details: {},
      ...fields,
    },
  };
}

describe('formatBanner', () => {
  it('names the webhook endpoint, or says webhooks are off', () => {
    expect(formatBanner(info)).toContain('  webhooks           http://127.0.0.1:41234/zoom/webhook');
    expect(formatBanner({ ...info, webhookUrl: undefined })).toContain(
      'webhooks           off (--no-webhooks)',
    );
  });

  it('prints the endpoints as export lines, endpoints first', () => {
    // Act
    const lines = formatBanner(info).split('\n');

    // Assess
    const exports = lines.filter((line) => line.startsWith('export '));
    expect(exports).toEqual([
      'export AWS_ENDPOINT_URL_S3=http://127.0.0.1:4566',
      'export AWS_ENDPOINT_URL_SQS=http://127.0.0.1:4567',
      'export AWS_ACCESS_KEY_ID=QMINGESTLOCALACCESSKEY',
      'export AWS_REGION=us-east-1',
      'export AWS_SECRET_ACCESS_KEY=QmIngestLocalSecretKey',
    ]);
  });

  it('prints a ready AWS CLI command: local credentials, the S3 endpoint, the sample, a new key and metadata', () => {
    // Act
    const banner = formatBanner(info);

    // Assess
    expect(banner).toContain(
      [
        '  AWS_ACCESS_KEY_ID=QMINGESTLOCALACCESSKEY AWS_SECRET_ACCESS_KEY=QmIngestLocalSecretKey AWS_REGION=us-east-1 \\',
        '  aws --endpoint-url http://127.0.0.1:4566 s3 cp .local/samples/call.wav \\',
        '    s3://qm-local-recordings-000000000000-us-east-1/calls/2026-11-25/call-$(date +%H%M%S).wav \\',
        '    --metadata agent-email=jane.doe@example.com,direction=inbound',
      ].join('\n'),
    );
    expect(banner).toContain('Recordings bucket: qm-local-recordings-000000000000-us-east-1');
    expect(banner).toContain('ready in 2.0 s');
  });

  it('names the bucket whose events come through EventBridge, and how to drop a recording there', () => {
    // Act
    const lines = formatBanner(info).split('\n');

    // Assess
    expect(lines).toContain(
      'Existing bucket:   qm-local-existing-recordings-000000000000-us-east-1 (same keys; events through EventBridge, as for a bucket of yours: recordings mode "existing")',
    );
    expect(lines).toContain(
      '  (or s3://qm-local-existing-recordings-000000000000-us-east-1/... to come in through EventBridge)',
    );
  });

  it('says when nothing is kept', () => {
    // Act
    const banner = formatBanner({ ...info, dataDir: undefined, logsDir: undefined, samplePath: undefined });

    // Assess
    expect(banner).toContain('in memory (nothing kept)');
    expect(banner).toContain('s3 cp call.wav');
    expect(banner).not.toContain('function logs');
  });
});

describe('formatEvent', () => {
  const context = {
    keyOf: (id: string) => (id === 'rec1' ? recording.key : undefined),
    logsDir: '.local/logs',
  };

  it('shows a transition with its time, status, key and reason', () => {
    // Prepare
    const event: RuntimeEvent = {
      kind: 'progress',
      recording,
      entry: {
        at,
        from: null,
        to: 'RECEIVED',
        reason: 'Announced by S3 ObjectCreated:Put',
        submission: 1,
      },
    };

    // Act / Assess
    expect(formatEvent(event, context)).toBe(
      '09:05:07  RECEIVED           calls/2026-11-25/a.wav  Announced by S3 ObjectCreated:Put',
    );
  });

  it('leaves terminal transitions to their notification', () => {
    // Prepare
    const event: RuntimeEvent = {
      kind: 'progress',
      recording,
      entry: { at, from: 'SUBMITTED', to: 'EVALUATED', reason: 'done', submission: 1 },
    };

    // Act / Assess
    expect(formatEvent(event, context)).toBeUndefined();
  });

  it('shows an evaluated outcome with its scores and interaction, under the real key', () => {
    // Prepare
    const event = outcomeEvent({
      key: 'calls/[email]/a.wav',
      details: { evaluations: [{ score: 9, totalScore: 30 }] },
    });

    // Act / Assess
    expect(formatEvent(event, context)).toBe(
      '09:05:07  EVALUATED          calls/2026-11-25/a.wav  scores 9/30 (interaction int1)',
    );
  });

  it('shows a rejection with its code and reason, under the masked key when the real one is unknown', () => {
    // Prepare
    const event = outcomeEvent({
      notificationId: 'rec2-1',
      recordingId: 'rec2',
      key: 'calls/[email]/b.wav',
      interactionId: null,
      status: 'REJECTED',
      reason: 'The object is empty (0 bytes)',
      details: { code: 'zero-bytes' },
    });

    // Act / Assess
    expect(formatEvent(event, context)).toBe(
      '09:05:07  REJECTED           calls/[email]/b.wav  zero-bytes: The object is empty (0 bytes)',
    );
  });

  it('shows a failed evaluation by its reason, not by the scores it lacks', () => {
    // Prepare
    const event = outcomeEvent({
      status: 'EVALUATION_FAILED',
      reason: '1 of 1 automated evaluations failed in Zoom',
      details: { evaluations: [{ type: 'automated', status: 'FAILED' }] },
    });

    // Act / Assess
    expect(formatEvent(event, context)).toBe(
      '09:05:07  EVALUATION_FAILED  calls/2026-11-25/a.wav  1 of 1 automated evaluations failed in Zoom',
    );
  });

  it('shows an alert by its subject and why', () => {
    // Prepare
    const event: RuntimeEvent = {
      kind: 'alert',
      recordingId: 'rec2',
      status: 'REJECTED',
      subject: 'qm-ingest local: recording REJECTED',
      body: 'Recording rec2 ended REJECTED in qm-ingest environment local.\n\nWhy: The object is empty\n',
      receivedAt: at,
    };

    // Act / Assess
    expect(formatEvent(event, context)).toBe(
      '09:05:07  ALERT              qm-ingest local: recording REJECTED: The object is empty',
    );
  });

  it('shows a problem with where the logs are', () => {
    // Prepare
    const event: RuntimeEvent = {
      kind: 'problem',
      source: 'qm-ingest-local-ingest',
      message: 'Unexpected failure',
      at,
    };

    // Act / Assess
    expect(formatEvent(event, context)).toBe(
      '09:05:07  !                  qm-ingest-local-ingest: Unexpected failure  (function logs: .local/logs)',
    );
  });
});

describe('clockTime', () => {
  it('pads the local time', () => {
    // Act / Assess
    expect(clockTime(new Date(2026, 0, 2, 3, 4, 5).getTime())).toBe('03:04:05');
  });
});
