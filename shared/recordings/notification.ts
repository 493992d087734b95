import { shortHash } from '../table/keys.ts';
import * as z from '../zod.ts';
import { RecordingRequestError } from './errors.ts';
import { parseStoredItem, type Recording } from './recording.ts';
import { isTerminal, TERMINAL_STATUSES } from './state-machine.ts';

/**
 * The outbox entry a terminal transition leaves behind: the notification still to publish. It is
 * written in the same transaction as the transition, so a crash between the state write and the
 * publish loses nothing: the publisher marks it sent, the reconciler retries what is pending.
 */

export const NOTIFICATION_SCHEMA_VERSION = 1;

const jsonObjectSchema = z.record(z.string(), z.json());
const nonEmptyString = z.string().check(z.minLength(1));
const nonNegativeInt = z.int().check(z.nonnegative());
/** A JSON value (what a notification's details may hold). */
export type JsonValue = z.infer<ReturnType<typeof z.json>>;

export const notificationSchema = z.object({
  schemaVersion: z.literal(NOTIFICATION_SCHEMA_VERSION),
  /** Stable across retries of the publish, so a subscriber can drop a repeat. */
  notificationId: nonEmptyString,
  recordingId: nonEmptyString,
  zoomAccountId: nonEmptyString,
  profile: nonEmptyString,
  submission: z.int().check(z.positive()),
  status: z.enum(TERMINAL_STATUSES),
  /**
   * What happened: the recording `finished`, or the results of a finished recording changed
   * (`evaluation_updated`: a manual evaluation completed late, a re-score, a dispute resolved).
   */
  event: z._default(z.enum(['finished', 'evaluation_updated']), 'finished'),
  reason: z.string(),
  bucket: nonEmptyString,
  key: nonEmptyString,
  interactionId: z.optional(nonEmptyString),
  queueId: z.optional(z.string()),
  occurredAt: nonNegativeInt,
  /** What the writer of the transition adds (scores, evaluation ids). No transcript, no phone numbers. */
  details: jsonObjectSchema,
  state: z.enum(['PENDING', 'SENT']),
  /**
   * When the notification message itself was published, for a notification that also raises an
   * alert: the two are sent and tracked apart, so a failed alert is retried without sending the
   * notification again.
   */
  notificationPublishedAt: z.optional(nonNegativeInt),
  sentAt: z.optional(nonNegativeInt),
});
export type Notification = z.infer<typeof notificationSchema>;

/**
 * What a terminal transition must bring for its notification. Required by the type of every
 * terminal transition, so a terminal status cannot be written without its outbox entry.
 */
export interface NotificationDraft {
  readonly details: Readonly<Record<string, JsonValue>>;
}

/**
 * A recording has at most one terminal transition per submission (leaving a terminal status
 * starts a new submission), so recording id + submission names the notification for good.
 */
export function notificationIdOf(recordingId: string, submission: number): string {
  return `${recordingId}-${submission}`;
}

/** The pending notification for a recording that has just entered a terminal status. */
export function pendingNotificationFor(recording: Recording, draft: NotificationDraft): Notification {
  if (!isTerminal(recording.status)) {
    throw new RecordingRequestError(
      `A notification is only written for a terminal status, not ${recording.status}`,
    );
  }
  const result = notificationSchema.safeParse({
    schemaVersion: NOTIFICATION_SCHEMA_VERSION,
    notificationId: notificationIdOf(recording.recordingId, recording.submission),
    recordingId: recording.recordingId,
    zoomAccountId: recording.zoomAccountId,
    profile: recording.profile,
    submission: recording.submission,
    status: recording.status,
    reason: recording.reason,
    bucket: recording.bucket,
    key: recording.key,
    interactionId: recording.interactionId,
    queueId: recording.metadata.queueId,
    occurredAt: recording.statusChangedAt,
    details: draft.details,
    state: 'PENDING',
  });
  if (!result.success) {
    const fields = result.error.issues.map((issue) => issue.path.join('.') || '(notification)');
    throw new RecordingRequestError(
      `The notification for recording ${recording.recordingId} is invalid at: ${fields.join(', ')}`,
    );
  }
  return result.data;
}

/** What changed in a finished recording's results, and when it was found. */
export interface EvaluationUpdate {
  readonly evaluationId: string;
  /** A digest of the evaluation as Zoom now shows it: a re-score or a resolved dispute changes it. */
  readonly version: string;
  readonly occurredAt: number;
}

/**
 * The pending `evaluation_updated` notification of a finished recording. Its id names the
 * evaluation and its version, so finding the same update again (a duplicate webhook, a retried
 * message, the next scheduled check) notifies once, and a later change notifies again.
 */
export function evaluationUpdatedNotificationFor(
  recording: Recording,
  draft: NotificationDraft,
  update: EvaluationUpdate,
): Notification {
  const base = pendingNotificationFor(recording, draft);
  return {
    ...base,
    notificationId: `${base.notificationId}-update-${shortHash(`${update.evaluationId}\n${update.version}`)}`,
    event: 'evaluation_updated',
    reason: `Evaluation ${update.evaluationId} of the interaction was completed or changed in Zoom after the recording finished`,
    occurredAt: update.occurredAt,
  };
}

export function parseNotification(item: Record<string, unknown>): Notification {
  const { notificationId } = item;
  return parseStoredItem(
    notificationSchema,
    item,
    `Notification ${String(notificationId)}`,
    NOTIFICATION_SCHEMA_VERSION,
  );
}
