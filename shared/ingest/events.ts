import * as z from '../zod.ts';
import { decodeEventKey } from './object-key.ts';
import {
  type IngestRetryMessage,
  ingestRetryMessageSchema,
  type ObjectCreated,
  RETRY_MESSAGE_KIND,
} from './retry-message.ts';

export type { ObjectCreated } from './retry-message.ts';

/**
 * What a message on the ingest queue is. Three shapes arrive there: S3 event notifications (one
 * message per event, `Records[]`), EventBridge "Object Created" events (for a bucket that keeps
 * its own notification configuration), and the ingest function's own delayed re-sends. S3 also
 * puts an `s3:TestEvent` there when a notification configuration is set, and a bucket may send
 * other event types: those are not recordings, and are dropped with a log line.
 */

export type QueueMessage =
  | { readonly kind: 'object-created'; readonly objects: readonly ObjectCreated[] }
  | { readonly kind: 'retry'; readonly retry: IngestRetryMessage }
  | { readonly kind: 'test-event'; readonly bucket: string | undefined }
  /** Anything else: deleted with this description in the log. */
  | { readonly kind: 'not-a-recording-event'; readonly description: string };

const nonEmptyString = z.string().check(z.minLength(1));
const optionalString = z.optional(z.string());
const optionalSize = z.optional(z.int().check(z.nonnegative()));

const s3RecordSchema = z.object({
  eventSource: z.literal('aws:s3'),
  eventName: nonEmptyString,
  eventTime: nonEmptyString,
  s3: z.object({
    bucket: z.object({ name: nonEmptyString }),
    object: z.object({
      key: nonEmptyString,
      size: optionalSize,
      eTag: optionalString,
      versionId: optionalString,
      sequencer: optionalString,
    }),
  }),
});

const s3NotificationSchema = z.object({ Records: z.array(z.unknown()).check(z.minLength(1)) });

const s3TestEventSchema = z.object({ Event: z.literal('s3:TestEvent'), Bucket: optionalString });

const eventBridgeSchema = z.object({
  source: z.string(),
  'detail-type': z.string(),
  time: nonEmptyString,
  detail: z.unknown(),
});

const eventBridgeObjectCreatedSchema = z.object({
  bucket: z.object({ name: nonEmptyString }),
  object: z.object({
    key: nonEmptyString,
    size: optionalSize,
    etag: optionalString,
    // AWS's documented spelling is `etag`; moto, the reference emulator, writes `eTag`.
    eTag: optionalString,
    'version-id': optionalString,
    sequencer: optionalString,
  }),
  reason: optionalString,
});

/** Reads one message body. Never throws: what cannot be read is `not-a-recording-event`. */
export function parseQueueMessage(body: string): QueueMessage {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { kind: 'not-a-recording-event', description: 'the body is not JSON' };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { kind: 'not-a-recording-event', description: 'the body is not a JSON object' };
  }
  if ('kind' in json && json.kind === RETRY_MESSAGE_KIND) {
    const retry = ingestRetryMessageSchema.safeParse(json);
    return retry.success
      ? { kind: 'retry', retry: retry.data }
      : {
          kind: 'not-a-recording-event',
          description: `an invalid ingest re-send (${issuesOf(retry.error)})`,
        };
  }
  const test = s3TestEventSchema.safeParse(json);
  if (test.success) {
    return { kind: 'test-event', bucket: test.data.Bucket };
  }
  const notification = s3NotificationSchema.safeParse(json);
  if (notification.success) {
    return fromS3Notification(notification.data.Records);
  }
  const eventBridge = eventBridgeSchema.safeParse(json);
  if (eventBridge.success) {
    return fromEventBridge(eventBridge.data);
  }
  return {
    kind: 'not-a-recording-event',
    description: 'neither an S3 notification nor an EventBridge event',
  };
}

function fromS3Notification(records: readonly unknown[]): QueueMessage {
  const objects: ObjectCreated[] = [];
  const others: string[] = [];
  for (const raw of records) {
    const record = s3RecordSchema.safeParse(raw);
    if (!record.success) {
      others.push(`a malformed S3 record (${issuesOf(record.error)})`);
      continue;
    }
    const { eventName, eventTime, s3 } = record.data;
    if (!eventName.startsWith('ObjectCreated:')) {
      others.push(`S3 ${eventName}`);
      continue;
    }
    const created = objectCreated('s3', eventName, s3.bucket.name, {
      key: s3.object.key,
      size: s3.object.size,
      eTag: s3.object.eTag,
      versionId: s3.object.versionId,
      sequencer: s3.object.sequencer,
      time: eventTime,
    });
    if (created.ok) {
      objects.push(created.object);
    } else {
      others.push(created.problem);
    }
  }
  return objects.length > 0
    ? { kind: 'object-created', objects }
    : { kind: 'not-a-recording-event', description: others.join('; ') };
}

function fromEventBridge(event: z.output<typeof eventBridgeSchema>): QueueMessage {
  if (event.source !== 'aws.s3' || event['detail-type'] !== 'Object Created') {
    return {
      kind: 'not-a-recording-event',
      description: `EventBridge "${event['detail-type']}" from ${event.source}`,
    };
  }
  const detail = eventBridgeObjectCreatedSchema.safeParse(event.detail);
  if (!detail.success) {
    return {
      kind: 'not-a-recording-event',
      description: `a malformed EventBridge "Object Created" event (${issuesOf(detail.error)})`,
    };
  }
  const { bucket, object, reason } = detail.data;
  const created = objectCreated('eventbridge', reason ?? 'Object Created', bucket.name, {
    key: object.key,
    size: object.size,
    eTag: object.etag ?? object.eTag,
    versionId: object['version-id'],
    sequencer: object.sequencer,
    time: event.time,
  });
  return created.ok
    ? { kind: 'object-created', objects: [created.object] }
    : { kind: 'not-a-recording-event', description: created.problem };
}

interface RawObject {
  readonly key: string;
  readonly size: number | undefined;
  readonly eTag: string | undefined;
  readonly versionId: string | undefined;
  readonly sequencer: string | undefined;
  readonly time: string;
}

function objectCreated(
  source: ObjectCreated['source'],
  eventName: string,
  bucket: string,
  raw: RawObject,
): { ok: true; object: ObjectCreated } | { ok: false; problem: string } {
  // S3 notifications URL-encode the key (space as `+`); EventBridge events carry it as it is.
  const key = source === 's3' ? decodeEventKey(raw.key) : raw.key;
  const eventTime = Date.parse(raw.time);
  if (key === undefined || key === '') {
    return {
      ok: false,
      problem: `${source} ${eventName} with ${key === undefined ? 'a key that is not valid URL encoding' : 'an empty key'}`,
    };
  }
  if (Number.isNaN(eventTime)) {
    return { ok: false, problem: `${source} ${eventName} with an unreadable event time` };
  }
  return {
    ok: true,
    object: {
      source,
      eventName,
      bucket,
      key,
      eventTime,
      ...(raw.size === undefined ? {} : { size: raw.size }),
      ...(nonEmpty(raw.eTag) === undefined ? {} : { eTag: unquote(raw.eTag ?? '') }),
      // Unversioned buckets say "null" for the version in some events: that is no version.
      ...(nonEmpty(raw.versionId) === undefined || raw.versionId === 'null'
        ? {}
        : { versionId: raw.versionId }),
      ...(nonEmpty(raw.sequencer) === undefined ? {} : { sequencer: raw.sequencer }),
    },
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** ETags come quoted from HeadObject and unquoted in events: compare them without quotes. */
export function unquote(eTag: string): string {
  return eTag.replace(/^"+|"+$/g, '');
}

function issuesOf(error: z.core.$ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
}
