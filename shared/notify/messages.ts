import { notificationRemedy, remedyLines } from '../operator/remedies.ts';
import type { Notification } from '../recordings/notification.ts';
import type { TerminalStatus } from '../recordings/state-machine.ts';
import { maskPersonalData, maskPersonalDataDeep } from './personal-data.ts';

/**
 * What subscribers receive. Every finished recording publishes one notification (JSON, for
 * programs) to the notification topic; the failures among them also publish an alert (readable
 * text, for people) to the alert topic. Both carry the outbox notification's id, stable across
 * retries, so a subscriber drops a repeat; and the same message attributes, so a subscription
 * filters on status, queue and Zoom account without reading the body. No transcript, and e-mail
 * addresses and phone numbers are masked in every free text (object key, reason, details).
 */

/** The statuses that also raise an alert: each needs a person to look. */
export const ALERT_STATUSES = [
  'EVALUATION_FAILED',
  'REJECTED',
  'FAILED',
  'TIMED_OUT',
  'NEEDS_REVIEW',
] as const satisfies readonly TerminalStatus[];

export const NOTIFICATION_MESSAGE_TYPE = 'qm-ingest.recording.finished';
export const ALERT_MESSAGE_TYPE = 'qm-ingest.recording.alert';
/** A finished recording's results changed: a late manual evaluation, a re-score, a resolved dispute. */
export const EVALUATION_UPDATED_MESSAGE_TYPE = 'qm-ingest.recording.evaluation_updated';

/** The JSON body of a notification (schema version 1). */
export interface RecordingFinishedMessage {
  readonly schemaVersion: 1;
  readonly type: typeof NOTIFICATION_MESSAGE_TYPE | typeof EVALUATION_UPDATED_MESSAGE_TYPE;
  /** Stable across retries: drop a message whose id was already handled. */
  readonly notificationId: string;
  readonly environment: string;
  readonly recordingId: string;
  readonly bucket: string;
  /** The object key, e-mail addresses and phone numbers masked. */
  readonly key: string;
  readonly zoomAccountId: string;
  readonly profile: string;
  readonly submission: number;
  readonly interactionId: string | null;
  readonly queueId: string | null;
  readonly status: TerminalStatus;
  readonly reason: string;
  /** When the recording reached its status (ISO-8601 UTC). */
  readonly occurredAt: string;
  /** What the writer of the status added: scores, evaluation ids, summary scores. */
  readonly details: unknown;
}

/** A message ready for a topic: body, optional subject, and the attributes subscriptions filter on. */
export interface OutgoingMessage {
  readonly body: string;
  /** Short, one line: e-mail subscriptions show it as the subject. */
  readonly subject?: string | undefined;
  readonly attributes: Readonly<Record<string, string>>;
}

/** The message attribute names subscribers filter on. */
export const MESSAGE_ATTRIBUTES = {
  type: 'type',
  status: 'status',
  queue: 'queue',
  zoomAccount: 'zoomAccount',
  profile: 'profile',
  environment: 'environment',
} as const;

/** The attribute value for a recording without a queue (SNS attribute values cannot be empty). */
export const NO_QUEUE = 'none';

export function isAlertStatus(status: TerminalStatus): boolean {
  return (ALERT_STATUSES as readonly TerminalStatus[]).includes(status);
}

export function notificationMessage(notification: Notification, environment: string): OutgoingMessage {
  const type =
    notification.event === 'evaluation_updated' ? EVALUATION_UPDATED_MESSAGE_TYPE : NOTIFICATION_MESSAGE_TYPE;
  const message: RecordingFinishedMessage = {
    schemaVersion: 1,
    type,
    notificationId: notification.notificationId,
    environment,
    recordingId: notification.recordingId,
    bucket: notification.bucket,
    key: maskPersonalData(notification.key),
    zoomAccountId: notification.zoomAccountId,
    profile: notification.profile,
    submission: notification.submission,
    interactionId: notification.interactionId ?? null,
    queueId: notification.queueId ?? null,
    status: notification.status,
    reason: maskPersonalData(notification.reason),
    occurredAt: new Date(notification.occurredAt).toISOString(),
    details: maskPersonalDataDeep(notification.details),
  };
  return {
    body: JSON.stringify(message),
    attributes: attributesOf(notification, environment, type),
  };
}

/** The alert for a notification whose status needs a person; undefined for the others. */
export function alertMessage(notification: Notification, environment: string): OutgoingMessage | undefined {
  // The status's alert went out when the recording finished; an update of its results needs no person.
  if (notification.event === 'evaluation_updated' || !isAlertStatus(notification.status)) {
    return undefined;
  }
  const lines = [
    `Recording ${notification.recordingId} ended ${notification.status} in qm-ingest environment ${environment}.`,
    '',
    `Why: ${maskPersonalData(notification.reason)}`,
    '',
    `Object: s3://${notification.bucket}/${maskPersonalData(notification.key)}`,
    `Zoom account: ${notification.zoomAccountId} (profile ${notification.profile})`,
    `Zoom interaction: ${notification.interactionId ?? 'none'}`,
    `Queue: ${notification.queueId ?? NO_QUEUE}`,
    `Submission: ${notification.submission}`,
    `When: ${new Date(notification.occurredAt).toISOString()}`,
    `Notification id: ${notification.notificationId}`,
    '',
    ...nextSteps(notification, environment),
  ];
  return {
    body: lines.join('\n'),
    subject: oneLineSubject(`qm-ingest ${environment}: recording ${notification.status}`),
    attributes: attributesOf(notification, environment, ALERT_MESSAGE_TYPE),
  };
}

function attributesOf(notification: Notification, environment: string, type: string): Record<string, string> {
  return {
    [MESSAGE_ATTRIBUTES.type]: type,
    [MESSAGE_ATTRIBUTES.status]: notification.status,
    [MESSAGE_ATTRIBUTES.queue]: nonEmpty(notification.queueId) ?? NO_QUEUE,
    [MESSAGE_ATTRIBUTES.zoomAccount]: notification.zoomAccountId,
    [MESSAGE_ATTRIBUTES.profile]: notification.profile,
    [MESSAGE_ATTRIBUTES.environment]: environment,
  };
}

/** What an operator does about the alert: the remedy, with the exact command when one exists. */
function nextSteps(notification: Notification, environment: string): string[] {
  const remedy = notificationRemedy(notification, environment);
  return remedy === undefined ? [] : remedyLines(remedy);
}

/** SNS subjects are one line of at most 100 characters. */
function oneLineSubject(text: string): string {
  return text.replace(/\s+/g, ' ').slice(0, 100);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
