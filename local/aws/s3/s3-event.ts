import { LOCAL_ACCOUNT_ID } from '../constants.ts';
import { encodeS3EventKey } from './event-key.ts';
import type { S3EventName } from './notification-config.ts';

/**
 * The JSON S3 sends to a queue for an object event (one record per message), shaped as
 * documented in "Event message structure" (eventVersion 2.1). Removal events carry no size or
 * eTag, as on S3; versionId is absent because the local S3 has no versioning.
 */
export interface S3EventNotificationRecord {
  readonly eventVersion: '2.1';
  readonly eventSource: 'aws:s3';
  readonly awsRegion: string;
  readonly eventTime: string;
  readonly eventName: S3EventName;
  readonly userIdentity: { readonly principalId: string };
  readonly requestParameters: { readonly sourceIPAddress: string };
  readonly responseElements: { readonly 'x-amz-request-id': string; readonly 'x-amz-id-2': string };
  readonly s3: {
    readonly s3SchemaVersion: '1.0';
    readonly configurationId: string;
    readonly bucket: {
      readonly name: string;
      readonly ownerIdentity: { readonly principalId: string };
      readonly arn: string;
    };
    readonly object: {
      readonly key: string;
      readonly size?: number;
      readonly eTag?: string;
      readonly versionId?: string;
      readonly sequencer: string;
    };
  };
}

export interface S3EventNotification {
  readonly Records: readonly S3EventNotificationRecord[];
}

/** The message S3 sends once to each destination when a notification configuration is set: consumers must skip it. */
export interface S3TestEvent {
  readonly Service: 'Amazon S3';
  readonly Event: 's3:TestEvent';
  readonly Time: string;
  readonly Bucket: string;
  readonly RequestId: string;
  readonly HostId: string;
}

/** What happened to which object, as the local S3 front observed it. */
export interface ObjectEvent {
  readonly eventName: S3EventName;
  readonly bucket: string;
  /** The raw key; it is encoded for queue notifications, and sent as it is to EventBridge. */
  readonly key: string;
  readonly size?: number | undefined;
  /** Without quotes, as S3 puts it in events. */
  readonly eTag?: string | undefined;
  readonly sourceIp: string;
  readonly requestId: string;
  readonly hostId: string;
  readonly time: Date;
  readonly sequencer: string;
}

/** The principal ids of the single local account, in the shapes S3 uses. */
const LOCAL_PRINCIPAL_ID = 'AWS:AIDAQMINGESTLOCALUSER';
const LOCAL_OWNER_ID = 'A1QMINGESTLOCALOWNER';

export function s3EventNotification(
  event: ObjectEvent,
  configurationId: string,
  region: string,
): S3EventNotification {
  const isCreation = event.eventName.startsWith('ObjectCreated:');
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: region,
        eventTime: event.time.toISOString(),
        eventName: event.eventName,
        userIdentity: { principalId: LOCAL_PRINCIPAL_ID },
        requestParameters: { sourceIPAddress: event.sourceIp },
        responseElements: { 'x-amz-request-id': event.requestId, 'x-amz-id-2': event.hostId },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId,
          bucket: {
            name: event.bucket,
            ownerIdentity: { principalId: LOCAL_OWNER_ID },
            arn: `arn:aws:s3:::${event.bucket}`,
          },
          object: {
            key: encodeS3EventKey(event.key),
            ...(isCreation && event.size !== undefined ? { size: event.size } : {}),
            ...(isCreation && event.eTag !== undefined ? { eTag: event.eTag } : {}),
            sequencer: event.sequencer,
          },
        },
      },
    ],
  };
}

/**
 * The `detail` of the event S3 sends to EventBridge, as documented in "EventBridge event message
 * structure" (S3 user guide). Unlike in queue notifications, the key is the key itself, not
 * URL-encoded. `version-id` is absent because the local S3 has no versioning.
 */
export interface S3EventBridgeDetail {
  readonly version: '0';
  readonly bucket: { readonly name: string };
  readonly object: {
    readonly key: string;
    readonly size?: number;
    readonly etag?: string;
    readonly 'version-id'?: string;
    readonly sequencer: string;
  };
  readonly 'request-id': string;
  /** The account of the requester. */
  readonly requester: string;
  readonly 'source-ip-address': string;
  /** The API call that created or deleted the object. */
  readonly reason: string;
  /** For deletions: `Permanently Deleted` (unversioned), or `Delete Marker Created`. */
  readonly 'deletion-type'?: string;
}

/** One PutEvents entry, as S3 puts it on the default bus of its account and region. */
export interface S3EventBridgeEntry {
  readonly Source: 'aws.s3';
  readonly DetailType: 'Object Created' | 'Object Deleted';
  /** The JSON of an {@link S3EventBridgeDetail}. */
  readonly Detail: string;
  readonly Resources: string[];
  /** Seconds since the epoch, as PutEvents takes it. */
  readonly Time: number;
}

/** How each event type reads on EventBridge: its detail-type, reason and deletion type. */
const EVENTBRIDGE_SHAPES: Readonly<
  Record<
    S3EventName,
    {
      readonly detailType: S3EventBridgeEntry['DetailType'];
      readonly reason: string;
      readonly deletionType?: string;
    }
  >
> = {
  'ObjectCreated:Put': { detailType: 'Object Created', reason: 'PutObject' },
  'ObjectCreated:Post': { detailType: 'Object Created', reason: 'PostObject' },
  'ObjectCreated:Copy': { detailType: 'Object Created', reason: 'CopyObject' },
  'ObjectCreated:CompleteMultipartUpload': {
    detailType: 'Object Created',
    reason: 'CompleteMultipartUpload',
  },
  'ObjectRemoved:Delete': {
    detailType: 'Object Deleted',
    reason: 'DeleteObject',
    deletionType: 'Permanently Deleted',
  },
  'ObjectRemoved:DeleteMarkerCreated': {
    detailType: 'Object Deleted',
    reason: 'DeleteObject',
    deletionType: 'Delete Marker Created',
  },
};

export function s3EventBridgeEntry(event: ObjectEvent): S3EventBridgeEntry {
  const shape = EVENTBRIDGE_SHAPES[event.eventName];
  const isCreation = shape.detailType === 'Object Created';
  const detail: S3EventBridgeDetail = {
    version: '0',
    bucket: { name: event.bucket },
    object: {
      key: event.key,
      ...(isCreation && event.size !== undefined ? { size: event.size } : {}),
      ...(isCreation && event.eTag !== undefined ? { etag: event.eTag } : {}),
      sequencer: event.sequencer,
    },
    'request-id': event.requestId,
    requester: LOCAL_ACCOUNT_ID,
    'source-ip-address': event.sourceIp,
    reason: shape.reason,
    ...(shape.deletionType === undefined ? {} : { 'deletion-type': shape.deletionType }),
  };
  return {
    Source: 'aws.s3',
    DetailType: shape.detailType,
    Detail: JSON.stringify(detail),
    Resources: [`arn:aws:s3:::${event.bucket}`],
    Time: event.time.getTime() / 1000,
  };
}

export function s3TestEvent(bucket: string, requestId: string, hostId: string, time: Date): S3TestEvent {
  return {
    Service: 'Amazon S3',
    Event: 's3:TestEvent',
    Time: time.toISOString(),
    Bucket: bucket,
    RequestId: requestId,
    HostId: hostId,
  };
}

let lastSequence = 0n;

/**
 * An event sequencer: upper-case hex that grows with every event, so for one key a later event
 * always has the greater value, as S3 guarantees.
 */
export function nextSequencer(now: number = Date.now()): string {
  const candidate = BigInt(now) << 16n;
  lastSequence = candidate > lastSequence ? candidate : lastSequence + 1n;
  return lastSequence.toString(16).toUpperCase().padStart(18, '0');
}
