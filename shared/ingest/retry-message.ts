import { INGEST_WAIT_CAUSES, type Recording } from '../recordings/recording.ts';
import * as z from '../zod.ts';

/**
 * The message ingest re-sends to its own queue when a recording must wait: a rate limit (Zoom's
 * 429 or the local limiter), a sidecar that may still arrive, a transient failure, or a due time
 * further out than SQS's 15-minute delay. The original message is deleted once this one is sent,
 * so waiting never uses up the queue's receive count and never lands a recording in the DLQ.
 */

export const RETRY_MESSAGE_KIND = 'qm-ingest/retry';

const nonEmptyString = z.string().check(z.minLength(1));
const nonNegativeInt = z.int().check(z.nonnegative());

/** Why a recording waits (the same causes its ingest work records while it waits). */
export const RETRY_CAUSES = INGEST_WAIT_CAUSES;
export type RetryCause = (typeof RETRY_CAUSES)[number];

/** One created object, the same whichever event shape announced it (the key decoded). */
export const objectCreatedSchema = z.strictObject({
  source: z.enum(['s3', 'eventbridge']),
  /** `ObjectCreated:Put` and the like for S3, the `reason` (`PutObject`...) for EventBridge. */
  eventName: nonEmptyString,
  bucket: nonEmptyString,
  key: nonEmptyString,
  size: z.optional(nonNegativeInt),
  /** Without quotes. */
  eTag: z.optional(nonEmptyString),
  versionId: z.optional(nonEmptyString),
  sequencer: z.optional(nonEmptyString),
  /** When S3 created the object (epoch ms). */
  eventTime: nonNegativeInt,
});

export type ObjectCreated = z.output<typeof objectCreatedSchema>;

export const ingestRetryMessageSchema = z.strictObject({
  kind: z.literal(RETRY_MESSAGE_KIND),
  version: z.literal(1),
  /**
   * The delivery that first took the recording on (the SQS message id of its event): the
   * recording records it, so the chain of re-sends that owns the recording is told apart from a
   * duplicate event.
   */
  origin: nonEmptyString,
  object: objectCreatedSchema,
  /**
   * The recording this re-send is about, once it is claimed: the next attempt reads it directly,
   * so a recording whose object is deleted or overwritten while it waits is still found (and
   * ended) rather than mistaken for a new upload. Whether the last POST may have reached Zoom is
   * the recording's own record (its ingest work), never the message's: a redelivered message
   * cannot know about a POST made after it was sent.
   */
  recordingId: z.optional(nonEmptyString),
  /** Not to be worked on before this instant (epoch ms): re-sent until then. */
  dueAt: nonNegativeInt,
  cause: z.enum(RETRY_CAUSES),
  /** Transient failures so far, against the configured budget. */
  transientFailures: nonNegativeInt,
  /** Rate-limit refusals so far: counted for the record, never a reason to give up. */
  rateLimited: nonNegativeInt,
  /** Set when Zoom created the interaction but recording it failed: the next attempt only records it. */
  created: z.optional(
    z.strictObject({
      submission: z.int().check(z.positive()),
      interactionId: nonEmptyString,
      urlExpiresAt: nonNegativeInt,
    }),
  ),
});

export type IngestRetryMessage = z.output<typeof ingestRetryMessageSchema>;

/**
 * The re-send that hands a recording over to ingest now, naming it by id, for the delivery
 * `origin` that owns it (the poller's automatic resubmission, an operator's retry): ingest takes it
 * up like a re-send of its own, so every submission runs through the one ingest path.
 */
export function handOverMessage(
  recording: Recording,
  origin: string,
  eventName: string,
  now: number,
): IngestRetryMessage {
  return {
    kind: RETRY_MESSAGE_KIND,
    version: 1,
    origin,
    recordingId: recording.recordingId,
    object: {
      source: 's3',
      eventName,
      bucket: recording.bucket,
      key: recording.key,
      size: recording.size,
      ...(recording.versionId === undefined ? {} : { versionId: recording.versionId }),
      eventTime: recording.receivedAt,
    },
    dueAt: now,
    cause: 'transient',
    transientFailures: 0,
    rateLimited: 0,
  };
}
