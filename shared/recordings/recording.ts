import { PermanentError } from '../errors.ts';
import * as z from '../zod.ts';
import { RECORDING_STATUSES } from './state-machine.ts';

/**
 * The recording as the state table stores it, with the zod schema that checks every item read
 * back (an item written by hand, by an older bug or by a newer release is refused with a clear
 * error instead of flowing on half-typed).
 */

/**
 * The schema version this release writes. Items with a higher version were written by a newer
 * release and are refused. Version 1 items (before ingest's work had a field of its own) are read
 * as they are: they have no `ingestWork`, and any write of a transition upgrades them.
 */
export const RECORDING_SCHEMA_VERSION = 2;

const nonNegativeInt = z.int().check(z.nonnegative());
const positiveInt = z.int().check(z.positive());
const nonEmptyString = z.string().check(z.minLength(1));
const epochMillis = nonNegativeInt;

/**
 * What makes two uploads of the same key the same recording: the object's full-object checksum,
 * its ETag where that is a digest of the bytes, or else its version id (decided by ingest).
 */
export const contentIdentitySchema = z.object({
  kind: z.enum(['checksum', 'etag', 'versionId']),
  value: nonEmptyString,
});
export type ContentIdentity = z.infer<typeof contentIdentitySchema>;

/**
 * The call's metadata as resolved by ingest (already validated there) and sent to Zoom. It holds
 * personal data (emails, phone numbers, names): it is stored for resubmissions and never logged.
 */
export const recordingMetadataSchema = z.object({
  agentEmail: z.optional(nonEmptyString),
  agentId: z.optional(nonEmptyString),
  consumerName: z.optional(z.string()),
  fromNumber: z.optional(z.string()),
  toNumber: z.optional(z.string()),
  direction: z.optional(z.enum(['inbound', 'outbound'])),
  disposition: z.optional(z.string()),
  queueId: z.optional(z.string()),
  primaryLanguage: z.optional(z.string()),
  /** The call's start, as sent to Zoom (`yyyy-MM-dd'T'HH:mm:ss'Z'`). */
  startTime: z.optional(z.iso.datetime()),
  channel: z.optional(z.enum(['voice', 'video'])),
});
export type RecordingMetadata = z.infer<typeof recordingMetadataSchema>;

const statusSchema = z.enum(RECORDING_STATUSES);

/** Why ingest holds a recording it owns until a delayed re-send of its own comes back. */
export const INGEST_WAIT_CAUSES = [
  'rate-limited',
  'transient',
  'sidecar-wait',
  'state-write',
  /** Looking Zoom's listing over for the interaction an uncertain POST may have created. */
  'lookup-wait',
] as const;

/**
 * Ingest's own record of its work on a recording, kept while the recording is RECEIVED or
 * SUBMITTING and removed when it leaves them. It is written only by conditional writes (the claim,
 * the transition to SUBMITTING, RecordingRepository.updateIngestWork), each moving the
 * write sequence on, so whoever decides on an older view of it (a duplicate delivery, the
 * reconciler's sweep of stuck recordings) finds its write refused.
 */
export const ingestWorkSchema = z.object({
  /**
   * The delivery that owns the recording: the SQS message id of the event that took it on, carried
   * by its re-sends (or the poller's resubmission, or an operator's retry). A second delivery of
   * the same event has another id, finds the recording owned and stands down; the owner's own
   * redelivery or re-send carries on.
   */
  ownerDelivery: nonEmptyString,
  /**
   * Whether a POST of the current submission may have reached Zoom. False only while none was sent
   * or the last one was refused before Zoom acted on it (a 429, the local limiter, no token): the
   * next POST is then safe on any account, and a recording stuck here provably created nothing.
   * Set to true before every POST, so a crash after it is never mistaken for "nothing sent".
   */
  mayHavePosted: z.boolean(),
  /**
   * While the owner waits for its delayed re-send (a rate limit up to Zoom's daily reset, a sidecar
   * still to come, a transient failure's backoff): when the re-send is due, and why. A waiting
   * recording is not stuck, however long ago its status changed.
   */
  waiting: z.optional(z.object({ until: epochMillis, cause: z.enum(INGEST_WAIT_CAUSES) })),
  /**
   * Since when a POST of the current submission may have created an interaction that qm-ingest
   * has not recorded (its answer was lost): on an account that ignores Idempotency-Key, the
   * interaction is looked for in Zoom's listing until `ingest.uncertainPost.patienceSeconds` after.
   */
  uncertainSince: z.optional(epochMillis),
});
export type IngestWork = z.infer<typeof ingestWorkSchema>;

/** One transition in a recording's history. `from` is null for the entry that created the recording. */
export const historyEntrySchema = z.object({
  at: epochMillis,
  from: z.nullable(statusSchema),
  to: statusSchema,
  reason: z.string(),
  /** The submission number after the transition. */
  submission: positiveInt,
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

/**
 * The poll schedule. DynamoDB, not the poll message, is its source of truth: a poll message
 * carries the `pollSeq` it was scheduled with, and every write to the recording increments
 * `pollSeq`, so a duplicated or outdated message can never move the recording.
 */
export const pollStateSchema = z.object({
  pollSeq: nonNegativeInt,
  /** Polls that counted against the schedule in the current submission (a 429 does not count). */
  attempts: nonNegativeInt,
  /** Present only while a poll is scheduled (status SUBMITTED). */
  nextPollDueAt: z.optional(epochMillis),
  deadlineAt: z.optional(epochMillis),
});
export type PollState = z.infer<typeof pollStateSchema>;

/**
 * Where the evaluation results of a recording are stored (filled in by the poll issue). It is
 * amended by its own write, with a growing revision, without touching the status, so a re-score
 * or a late manual evaluation never reopens a finished recording.
 */
export const resultsReferenceSchema = z.object({
  revision: positiveInt,
  updatedAt: epochMillis,
  location: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('item'), sk: nonEmptyString }),
    z.object({ kind: z.literal('s3'), bucket: nonEmptyString, key: nonEmptyString }),
  ]),
});
export type ResultsReference = z.infer<typeof resultsReferenceSchema>;

export const recordingSchema = z.object({
  schemaVersion: z.int().check(z.minimum(1), z.maximum(RECORDING_SCHEMA_VERSION)),
  recordingId: nonEmptyString,
  zoomAccountId: nonEmptyString,
  /** The configured Zoom profile that owns the recording's bucket/prefix. */
  profile: nonEmptyString,
  bucket: nonEmptyString,
  key: nonEmptyString,
  contentIdentity: contentIdentitySchema,
  versionId: z.optional(nonEmptyString),
  size: nonNegativeInt,
  contentType: z.string(),
  status: statusSchema,
  /** Starts at 1; goes up with each automatic resubmission and operator retry. */
  submission: positiveInt,
  /** Automatic resubmissions used since the last operator retry. */
  autoResubmissions: nonNegativeInt,
  statusChangedAt: epochMillis,
  /** When the recording was dropped (the S3 event time). */
  receivedAt: epochMillis,
  updatedAt: epochMillis,
  interactionId: z.optional(nonEmptyString),
  /** When the presigned URL Zoom downloads from stops working. */
  urlExpiresAt: z.optional(epochMillis),
  metadata: recordingMetadataSchema,
  poll: pollStateSchema,
  /** Why the recording is in its status, in words a person can act on (never parsed by code). */
  reason: z.string(),
  history: z.array(historyEntrySchema),
  results: z.optional(resultsReferenceSchema),
  /** Present while ingest works on the recording (RECEIVED, SUBMITTING); see {@link ingestWorkSchema}. */
  ingestWork: z.optional(ingestWorkSchema),
  /**
   * A finished recording whose manual evaluations were still pending, on an account without
   * webhooks: checked again at `nextAt` (the reconciler queues it), until `until`.
   */
  lateEvaluationCheck: z.optional(z.object({ nextAt: epochMillis, until: epochMillis })),
});
export type Recording = z.infer<typeof recordingSchema>;

/** What ingest knows when it claims a recording. */
export interface NewRecording {
  readonly zoomAccountId: string;
  readonly profile: string;
  readonly bucket: string;
  readonly key: string;
  readonly contentIdentity: ContentIdentity;
  readonly versionId?: string | undefined;
  readonly size: number;
  readonly contentType: string;
  readonly receivedAt: number;
  readonly metadata?: RecordingMetadata | undefined;
  /** Why the recording was created (e.g. the event that announced it). */
  readonly reason: string;
  /** The ingest delivery that takes the recording on (see {@link IngestWork.ownerDelivery}). */
  readonly ownerDelivery?: string | undefined;
}

/** An item in the table that does not match the schema this release reads. */
export class CorruptItemError extends PermanentError {}

/**
 * Validates an item read from the table. The message names the item and the failing fields,
 * never their values (they may hold personal data).
 */
export function parseStoredItem<T>(
  schema: z.ZodMiniType<T>,
  item: Record<string, unknown>,
  what: string,
  supportedVersion: number,
): T {
  const { schemaVersion: version } = item;
  if (typeof version === 'number' && version > supportedVersion) {
    throw new CorruptItemError(
      `${what} has schema version ${version}; this release reads up to ${supportedVersion}: upgrade before reading it`,
    );
  }
  const result = schema.safeParse(item);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join('.') || '(item)'}: ${issue.message}`,
    );
    throw new CorruptItemError(`${what} does not match its schema: ${problems.join('; ')}`);
  }
  return result.data;
}

export function parseRecording(item: Record<string, unknown>): Recording {
  const { recordingId } = item;
  return parseStoredItem(recordingSchema, item, `Recording ${String(recordingId)}`, RECORDING_SCHEMA_VERSION);
}
