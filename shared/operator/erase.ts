import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteObjectCommand,
  ListObjectVersionsCommand,
  type ListObjectVersionsCommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { readProperty, translateAwsError } from '../aws/errors.ts';
import { listObjects } from '../aws/s3-listing.ts';
import type { Clock } from '../clock.ts';
import type { Recording } from '../recordings/recording.ts';
import { exportObjectPrefixes } from '../results/bi-export.ts';
import { resultsFolderOf } from '../results/storage-plan.ts';
import { documentClientOf } from '../table/document-client.ts';
import { translateDynamoError } from '../table/dynamo-errors.ts';
import { auditKey, ItemType, recordingKey } from '../table/keys.ts';
import { queryTableItems } from '../table/query.ts';

/**
 * `qm-ingest erase <recording>`: deletes a recording everywhere qm-ingest keeps it, on request
 * (GDPR): every item of its partition in the state table (the recording with its history, its
 * outbox notifications, its results items), its documents, transcripts and BI export rows in the results bucket,
 * and, when asked, the recording and its sidecar in the recordings bucket (every version, the
 * bucket being versioned when the stack creates it). Zoom's QM API has no delete: what Zoom still
 * holds (the interaction) is returned for a request to Zoom. An audit entry records who erased
 * what and when, without personal data (no key, no metadata: the recording id is a hash).
 *
 * The recording item goes last, so an erase cut short is found again and finished by running it
 * once more.
 */

export interface EraseDependencies {
  readonly dynamodb: DynamoDBClient;
  readonly s3: S3Client;
  readonly tableName: string;
  readonly resultsBucket: string;
  /** The results key prefix (polling.results.keyPrefix). */
  readonly resultsKeyPrefix: string;
  /** The BI export's key prefix in the results bucket (polling.results.export.keyPrefix). */
  readonly exportKeyPrefix: string;
  readonly clock: Clock;
}

export interface EraseRequest {
  /** Also delete the recording's object and sidecar from the recordings bucket. */
  readonly withObject: boolean;
  /** The sidecar's key, when `withObject`. */
  readonly sidecarKey: string;
  /** Who erases (the operator's user, or their AWS identity), for the audit entry. */
  readonly operator: string;
  readonly dryRun: boolean;
}

export interface EraseReport {
  readonly recordingId: string;
  /** State table items (the recording, notifications, results items). */
  readonly items: number;
  readonly resultsObjects: number;
  /** Versions (or objects) of the recording and its sidecar, when asked. */
  readonly recordingObjects: number;
  /** What Zoom still holds: the interaction, to name in a deletion request to Zoom. */
  readonly zoom: { readonly accountId: string; readonly interactionId: string | undefined };
  readonly dryRun: boolean;
}

export async function eraseRecording(
  deps: EraseDependencies,
  recording: Recording,
  request: EraseRequest,
): Promise<EraseReport> {
  const { recordingId } = recording;
  const client = documentClientOf(deps.dynamodb);
  const items: { pk: string; sk: string }[] = [];
  for await (const item of queryTableItems(
    client,
    {
      TableName: deps.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': recordingKey(recordingId).pk },
      ProjectionExpression: 'pk, sk',
      ConsistentRead: true,
    },
    `listing the items of recording ${recordingId}`,
  )) {
    items.push({ pk: String(item['pk']), sk: String(item['sk']) });
  }
  const resultsPrefixes = [
    resultsFolderOf(deps.resultsKeyPrefix, recordingId),
    // The BI export holds the recording's results too (personal data masked or not).
    ...exportObjectPrefixes(deps.exportKeyPrefix, recording),
  ];
  const resultsObjects = (
    await Promise.all(resultsPrefixes.map((prefix) => listKeys(deps.s3, deps.resultsBucket, prefix)))
  ).flat();
  const objectVersions = request.withObject
    ? [
        ...(await versionsOf(deps.s3, recording.bucket, recording.key)),
        ...(await versionsOf(deps.s3, recording.bucket, request.sidecarKey)),
      ]
    : [];
  const report: EraseReport = {
    recordingId,
    items: items.length,
    resultsObjects: resultsObjects.length,
    recordingObjects: objectVersions.length,
    zoom: { accountId: recording.zoomAccountId, interactionId: recording.interactionId },
    dryRun: request.dryRun,
  };
  if (request.dryRun) {
    return report;
  }
  for (const key of resultsObjects) {
    await deleteObject(deps.s3, { bucket: deps.resultsBucket, key, versionId: undefined });
  }
  for (const version of objectVersions) {
    await deleteObject(deps.s3, version);
  }
  const recordingItemKey = recordingKey(recordingId);
  const others = items.filter((item) => item.sk !== recordingItemKey.sk);
  for (const key of [...others, recordingItemKey]) {
    try {
      await client.send(new DeleteCommand({ TableName: deps.tableName, Key: key }));
    } catch (error) {
      throw translateDynamoError(error, `erasing an item of recording ${recordingId}`);
    }
  }
  await writeAudit(deps, recording, request, report);
  return report;
}

async function writeAudit(
  deps: EraseDependencies,
  recording: Recording,
  request: EraseRequest,
  report: EraseReport,
): Promise<void> {
  const at = deps.clock.now();
  try {
    await documentClientOf(deps.dynamodb).send(
      new PutCommand({
        TableName: deps.tableName,
        Item: {
          ...auditKey('ERASE', at, recording.recordingId),
          type: ItemType.audit,
          action: 'erase',
          at: new Date(at).toISOString(),
          operator: request.operator,
          recordingId: recording.recordingId,
          status: recording.status,
          zoomAccountId: recording.zoomAccountId,
          ...(recording.interactionId === undefined ? {} : { interactionId: recording.interactionId }),
          itemsDeleted: report.items,
          resultsObjectsDeleted: report.resultsObjects,
          recordingObjectsDeleted: report.recordingObjects,
          withObject: request.withObject,
        },
      }),
    );
  } catch (error) {
    throw translateDynamoError(
      error,
      `writing the audit entry of erasing recording ${recording.recordingId}`,
    );
  }
}

async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of listObjects(s3, bucket, prefix)) {
    if (object.Key !== undefined) {
      keys.push(object.Key);
    }
  }
  return keys;
}

interface ObjectVersion {
  readonly bucket: string;
  readonly key: string;
  /** Undefined: the object of an unversioned bucket. */
  readonly versionId: string | undefined;
}

/**
 * Every version and delete marker of exactly `key`. A server that does not list versions (the
 * local S3: an unversioned bucket) gives the object itself, when it exists.
 */
async function versionsOf(s3: S3Client, bucket: string, key: string): Promise<ObjectVersion[]> {
  const found: ObjectVersion[] = [];
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  do {
    let page: ListObjectVersionsCommandOutput;
    try {
      page = await s3.send(
        new ListObjectVersionsCommand({
          Bucket: bucket,
          Prefix: key,
          KeyMarker: keyMarker,
          VersionIdMarker: versionIdMarker,
        }),
      );
    } catch (error) {
      if (isNotImplemented(error)) {
        return (await listKeys(s3, bucket, key))
          .filter((listed) => listed === key)
          .map(() => ({ bucket, key, versionId: undefined }));
      }
      throw translateAwsError(error, 'S3', `ListObjectVersions (a recording in ${bucket})`);
    }
    for (const version of [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]) {
      if (version.Key === key) {
        found.push({ bucket, key, versionId: version.VersionId });
      }
    }
    keyMarker = page.IsTruncated === true ? page.NextKeyMarker : undefined;
    versionIdMarker = page.IsTruncated === true ? page.NextVersionIdMarker : undefined;
  } while (keyMarker !== undefined);
  return found;
}

/** How a server without versions refuses the listing (the local S3: 405 MethodNotAllowed). */
function isNotImplemented(error: unknown): boolean {
  const status = readProperty(readProperty(error, '$metadata'), 'httpStatusCode');
  return (
    (error instanceof Error && (error.name === 'NotImplemented' || error.name === 'MethodNotAllowed')) ||
    status === 501 ||
    status === 405
  );
}

async function deleteObject(s3: S3Client, object: ObjectVersion): Promise<void> {
  try {
    await s3.send(
      new DeleteObjectCommand({
        Bucket: object.bucket,
        Key: object.key,
        ...(object.versionId === undefined ? {} : { VersionId: object.versionId }),
      }),
    );
  } catch (error) {
    throw translateAwsError(error, 'S3', `DeleteObject (in ${object.bucket})`);
  }
}
