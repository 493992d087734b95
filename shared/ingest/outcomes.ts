import type { Recording } from '../recordings/recording.ts';
import type { SkipReason } from './object-filter.ts';
import type { RetryCause } from './retry-message.ts';

/**
 * What became of one object event, and the names the logs, metrics and notifications use for it.
 * Every outcome but `skipped` and `delayed` is a state the recording now rests in, written through
 * the state machine (with its outbox notification when terminal).
 */

/** Why a recording was REJECTED: permanent, a person must fix the input. */
export const REJECTION_CODES = [
  'zero-bytes',
  'too-large',
  'unsupported-type',
  'invalid-metadata',
  'missing-metadata',
  'zoom-validation',
  'zoom-not-found',
  'object-deleted',
] as const;
export type RejectionCode = (typeof REJECTION_CODES)[number];

/** Why a recording FAILED. */
export type FailureCode =
  | 'zoom-credentials'
  | 'retries-exhausted'
  /** A step before the POST (token store, rate limiter, credentials) failed for good: nothing was sent. */
  | 'not-sent'
  /** The recording waited longer than `ingest.maxAgeBeforeSubmissionSeconds` without being submitted. */
  | 'max-age';

export type IngestOutcome =
  | { readonly kind: 'skipped'; readonly reason: SkipReason; readonly recordingId?: string | undefined }
  | { readonly kind: 'submitted'; readonly recordingId: string; readonly interactionId: string }
  | {
      readonly kind: 'rejected';
      readonly recordingId: string;
      readonly code: RejectionCode;
      readonly reason: string;
    }
  | {
      readonly kind: 'failed';
      readonly recordingId: string;
      readonly code: FailureCode;
      readonly reason: string;
    }
  | { readonly kind: 'needs-review'; readonly recordingId: string; readonly reason: string }
  | {
      readonly kind: 'delayed';
      readonly recordingId: string | undefined;
      readonly cause: RetryCause;
      readonly dueAt: number;
    };

/** The EMF metric names ingest writes (namespace QmIngest). */
export const IngestMetric = {
  received: 'RecordingsReceived',
  skipped: 'RecordingsSkipped',
  rejected: 'RecordingsRejected',
  submitted: 'RecordingsSubmitted',
  failed: 'RecordingsFailed',
  needsReview: 'RecordingsNeedingReview',
  delayed: 'IngestDelayed',
  ignoredMessages: 'IngestMessagesIgnored',
  zoomCalls: 'ZoomCalls',
  zoomRateLimited: 'ZoomRateLimited',
  pollScheduleFailures: 'PollScheduleFailures',
} as const;

/**
 * Whether the delivery `origin` owns the recording: it is still RECEIVED or SUBMITTING and its
 * ingest work names that delivery (the SQS message id of the event that took it on, carried on
 * by its re-sends). A second delivery of the same event (a new message id) finds someone else's
 * and stands down; the owner's own redelivery after a crash, or its re-send, carries on. An
 * operator's retry (RESUBMITTED) is owned by the retry message of its submission, which ingest
 * takes up as it takes up a new upload.
 */
export function isOwnedBy(recording: Recording, origin: string): boolean {
  switch (recording.status) {
    case 'RECEIVED':
    case 'SUBMITTING':
      return recording.ingestWork?.ownerDelivery === origin;
    case 'RESUBMITTED':
      return origin === operatorRetryOrigin(recording.recordingId, recording.submission);
    default:
      return false;
  }
}

/** The delivery that owns an operator's retry: one per recording and submission, so a repeated hand-over is the same one. */
export function operatorRetryOrigin(recordingId: string, submission: number): string {
  return `operator-retry-${recordingId}-${submission}`;
}

/** The Idempotency-Key of a submission: the same for every POST of it, new for the next submission. */
export function idempotencyKeyOf(recordingId: string, submission: number): string {
  return `qm-ingest-${recordingId}-${submission}`;
}
