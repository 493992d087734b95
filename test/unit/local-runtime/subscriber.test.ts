import { describe, expect, it } from 'vitest';
import { decodeDelivery } from '../../../local/runtime/subscriber.ts';
import { alertMessage, notificationMessage, type OutgoingMessage } from '../../../shared/notify/messages.ts';
import type { Notification } from '../../../shared/recordings/notification.ts';

const notification: Notification = {
  schemaVersion: 1,
  state: 'PENDING',
  notificationId: 'rec1-1',
  recordingId: 'rec1',
  bucket: 'qm-local-recordings',
  key: 'calls/jane.doe@example.com/a.wav',
  zoomAccountId: 'acc1',
  profile: 'simulator',
  submission: 1,
  interactionId: 'int1',
  queueId: 'q-support',
  status: 'REJECTED',
  event: 'finished',
  reason: 'The object is empty (0 bytes)',
  occurredAt: Date.parse('2026-11-25T12:00:00Z'),
  details: { code: 'zero-bytes' },
};

/** The envelope SNS delivers to an SQS subscription (RawMessageDelivery off). */
function envelope(message: OutgoingMessage): string {
  return JSON.stringify({
    Type: 'Notification',
    MessageId: 'm1',
    TopicArn: 'arn:aws:sns:us-east-1:000000000000:qm-ingest-local-alerts',
    Subject: message.subject,
    Message: message.body,
    Timestamp: '2026-11-25T12:00:01.000Z',
    MessageAttributes: Object.fromEntries(
      Object.entries(message.attributes).map(([name, value]) => [name, { Type: 'String', Value: value }]),
    ),
  });
}

describe('decodeDelivery', () => {
  it('reads a notification as published by the outbox, keyed by its notification id', () => {
    // Act
    const decoded = decodeDelivery(envelope(notificationMessage(notification, 'local')), 5);

    // Assess
    expect(decoded.deliveryId).toBe('notification:rec1-1');
    expect(decoded.event).toMatchObject({
      kind: 'outcome',
      receivedAt: 5,
      message: {
        recordingId: 'rec1',
        status: 'REJECTED',
        details: { code: 'zero-bytes' },
        key: 'calls/[email]/a.wav',
      },
    });
  });

  it('reads an alert as published by the outbox: its recording, status, subject and text', () => {
    // Prepare
    const alert = alertMessage(notification, 'local');
    if (alert === undefined) {
      throw new Error('REJECTED raises an alert');
    }

    // Act
    const decoded = decodeDelivery(envelope(alert), 5);

    // Assess
    expect(decoded.deliveryId).toBe('alert:rec1-1');
    expect(decoded.event).toMatchObject({
      kind: 'alert',
      recordingId: 'rec1',
      status: 'REJECTED',
      subject: 'qm-ingest local: recording REJECTED',
    });
  });

  it.each([
    ['no JSON', 'hello'],
    ['no SNS envelope', JSON.stringify({ hello: 'world' })],
    ['an unknown message type', envelope({ body: '{}', attributes: { type: 'other' } })],
    [
      'a notification that breaks its schema',
      envelope({ body: '{"schemaVersion":2}', attributes: { type: 'qm-ingest.recording.finished' } }),
    ],
    ['an alert in another form', envelope({ body: 'hi', attributes: { type: 'qm-ingest.recording.alert' } })],
  ])('reports %s as a problem', (_label, body) => {
    // Act
    const decoded = decodeDelivery(body, 5);

    // Assess
    expect(decoded.event.kind).toBe('problem');
    expect(decoded.deliveryId).toBeUndefined();
  });
});
