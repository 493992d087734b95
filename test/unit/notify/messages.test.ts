import { describe, expect, it } from 'vitest';
import { finishedDetails } from '../../../shared/notify/details.ts';
import {
  ALERT_MESSAGE_TYPE,
  ALERT_STATUSES,
  alertMessage,
  NOTIFICATION_MESSAGE_TYPE,
  notificationMessage,
} from '../../../shared/notify/messages.ts';
import { maskPersonalData, maskPersonalDataDeep } from '../../../shared/notify/personal-data.ts';
import { type Notification, pendingNotificationFor } from '../../../shared/recordings/notification.ts';
import { TERMINAL_STATUSES, type TerminalStatus } from '../../../shared/recordings/state-machine.ts';
import { collectResults } from '../../../shared/results/collect.ts';
import { aSubmittedRecording, automatedList, interactionDetail } from '../polling/support/fixtures.ts';

function aNotification(status: TerminalStatus, overrides: Partial<Notification> = {}): Notification {
  const recording = aSubmittedRecording({
    status,
    reason: 'Zoom refused agent jane.doe@example.com calling +1 205 354 6173',
    statusChangedAt: Date.parse('2026-11-25T11:00:00Z'),
  });
  return {
    ...pendingNotificationFor(recording, {
      details: { evaluations: [{ evaluationId: 'aI9HM3ZsEScAa', score: 85 }], note: 'call +12053546173' },
    }),
    ...overrides,
  };
}

describe('the notification', () => {
  it('carries the recording, the interaction, status, scores and reason, with a stable id', () => {
    // Act
    const message = notificationMessage(aNotification('EVALUATED'), 'prod');

    // Assess
    expect(JSON.parse(message.body)).toEqual({
      schemaVersion: 1,
      type: NOTIFICATION_MESSAGE_TYPE,
      notificationId: 'rec-0001-1',
      environment: 'prod',
      recordingId: 'rec-0001',
      bucket: 'recordings',
      key: 'calls/2026-11-24/[email]/inbound-123.mp3',
      zoomAccountId: 'acct-1',
      profile: 'default',
      submission: 1,
      interactionId: 'VgKcwkLoTPy80OyNcUo2Yg',
      queueId: 'queue-7',
      status: 'EVALUATED',
      reason: 'Zoom refused agent [email] calling [phone]',
      occurredAt: '2026-11-25T11:00:00.000Z',
      details: { evaluations: [{ evaluationId: 'aI9HM3ZsEScAa', score: 85 }], note: 'call [phone]' },
    });
  });

  it('has the attributes subscribers filter on: status, queue, Zoom account', () => {
    // Act
    const message = notificationMessage(aNotification('NO_EVALUATION'), 'prod');

    // Assess
    expect(message.attributes).toEqual({
      type: NOTIFICATION_MESSAGE_TYPE,
      status: 'NO_EVALUATION',
      queue: 'queue-7',
      zoomAccount: 'acct-1',
      profile: 'default',
      environment: 'prod',
    });
  });

  it("says 'none' for a recording without a queue (SNS attributes cannot be empty)", () => {
    // Act
    const message = notificationMessage(aNotification('EVALUATED', { queueId: undefined }), 'dev');

    // Assess
    expect(message.attributes['queue']).toBe('none');
    expect(JSON.parse(message.body).queueId).toBeNull();
  });

  it('never carries an e-mail address or a phone number, whatever the writer put in', () => {
    // Act
    const bodies = TERMINAL_STATUSES.map((status) => {
      const notification = aNotification(status);
      return [
        notificationMessage(notification, 'prod').body,
        alertMessage(notification, 'prod')?.body ?? '',
      ].join();
    }).join();

    // Assess
    expect(bodies).not.toMatch(/@example\.com/);
    expect(bodies).not.toMatch(/205.?354.?6173/);
  });
});

describe('the alert', () => {
  it.each(TERMINAL_STATUSES)('%s: an alert exactly when a person must look', (status) => {
    // Act
    const alert = alertMessage(aNotification(status), 'prod');

    // Assess
    expect(alert !== undefined).toBe((ALERT_STATUSES as readonly string[]).includes(status));
  });

  it('names the recording and why, in words, with a one-line subject', () => {
    // Act
    const alert = alertMessage(aNotification('TIMED_OUT'), 'staging');

    // Assess
    expect(alert?.subject).toBe('qm-ingest staging: recording TIMED_OUT');
    expect(alert?.body).toContain('Recording rec-0001 ended TIMED_OUT in qm-ingest environment staging.');
    expect(alert?.body).toContain('Why: Zoom refused agent [email] calling [phone]');
    expect(alert?.body).toContain('Object: s3://recordings/calls/2026-11-24/[email]/inbound-123.mp3');
    expect(alert?.body).toContain('Notification id: rec-0001-1');
    expect(alert?.body).toContain('Zoom did not finish in time');
    expect(alert?.attributes).toMatchObject({ type: ALERT_MESSAGE_TYPE, status: 'TIMED_OUT' });
  });
});

describe('the remedy in an alert', () => {
  it.each([
    ['FAILED', {}, 'qm-ingest retry rec-0001 --env prod'],
    ['TIMED_OUT', {}, 'qm-ingest retry rec-0001 --env prod'],
    ['REJECTED', { code: 'missing-metadata' }, 'qm-ingest retry rec-0001 --env prod'],
    [
      'NEEDS_REVIEW',
      { code: 'possible-duplicate' },
      'qm-ingest resolve rec-0001 --interaction <interaction-id> --env prod',
    ],
  ] as const)('%s %j names the command that fixes it', (status, details, command) => {
    // Act
    const alert = alertMessage(aNotification(status, { details }), 'prod');

    // Assess
    expect(alert?.body.split('\n')).toContain(`  ${command}`);
  });

  it('offers no command where none can help (bytes that cannot be sent need a new upload)', () => {
    // Act
    const alert = alertMessage(aNotification('REJECTED', { details: { code: 'too-large' } }), 'prod');

    // Assess
    expect(alert?.body).toContain('upload a corrected recording');
    expect(alert?.body).not.toContain('qm-ingest retry');
  });

  it('names no --env for the local runtime', () => {
    // Act
    const alert = alertMessage(aNotification('FAILED'), 'local');

    // Assess
    expect(alert?.body.split('\n')).toContain('  qm-ingest retry rec-0001');
  });
});

describe('masking personal data', () => {
  it.each([
    ['calls/2026-11-24/jane.doe@example.com/inbound-123.mp3', 'calls/2026-11-24/[email]/inbound-123.mp3'],
    ['from +12053546173 to +1 (209) 542-2197', 'from [phone] to [phone]'],
    ['caller 12095422197 at 2026-11-24T08:55:00Z', 'caller [phone] at 2026-11-24T08:55:00Z'],
    ['queue 7, 42 seconds', 'queue 7, 42 seconds'],
  ])('%j -> %j', (text, masked) => {
    // Act / Assess
    expect(maskPersonalData(text)).toBe(masked);
  });

  it('keeps identifiers intact in structured details', () => {
    // Act
    const masked = maskPersonalDataDeep({
      interactionId: '1234567890123',
      evaluation_id: '98765432101',
      comment: 'called 98765432101',
      nested: [{ id: '5550001112', text: 'mail a@b.io' }],
    });

    // Assess
    expect(masked).toEqual({
      interactionId: '1234567890123',
      evaluation_id: '98765432101',
      comment: 'called [phone]',
      nested: [{ id: '5550001112', text: 'mail [email]' }],
    });
  });
});

describe('the details a poll writes', () => {
  it('hold the scores and summary scores, no transcript, no names', () => {
    // Prepare
    const { results } = collectResults({
      recording: { recordingId: 'r', submission: 1, zoomAccountId: 'a' },
      interactionId: 'IX',
      status: 'EVALUATED',
      collectedAt: 1,
      detail: interactionDetail(),
      automated: automatedList([{ id: 'aI9HM3ZsEScAa', status: 'COMPLETED' }]),
      manualDetails: new Map(),
    });

    // Act
    const details = finishedDetails({ results: { ...results }, polls: 4, resultsRevision: 1 });

    // Assess
    expect(details).toEqual({
      polls: 4,
      resultsRevision: 1,
      evaluations: [
        {
          evaluationId: 'aI9HM3ZsEScAa',
          type: 'automated',
          status: 'COMPLETED',
          scorecardName: 'Customer Care',
          scoringFormat: 'points',
          score: 85,
          totalScore: 60,
          scoreRate: 0.855,
        },
      ],
      summary: { evaluationScore: 1, sentimentScore: 61.19, engagementScore: 5.546720115175143 },
      durationMinutes: 8,
      direction: 'inbound',
      language: 'en-US',
      queueName: 'Demo',
    });
    expect(JSON.stringify(details)).not.toMatch(/Admin3|halo|\+1205/);
  });

  it('without results, just the polls', () => {
    // Act / Assess
    expect(finishedDetails({ polls: 2 })).toEqual({ polls: 2, evaluations: [] });
  });
});
