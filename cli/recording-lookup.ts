import { ScanCommand, type ScanCommandOutput } from '@aws-sdk/lib-dynamodb';
import { parseRecording, type Recording } from '../shared/recordings/recording.ts';
import { RecordingRepository } from '../shared/recordings/repository.ts';
import { documentClientOf } from '../shared/table/document-client.ts';
import { translateDynamoError } from '../shared/table/dynamo-errors.ts';
import { ItemType } from '../shared/table/keys.ts';
import type { TableTarget } from './table-target.ts';

/**
 * Finds the recordings an operator names: by recording id (one read), by Zoom interaction id (one
 * index query when the environment's Zoom accounts are known), or by object key (`calls/a.wav` or
 * `s3://bucket/calls/a.wav`). A key may name several recordings (each overwrite with other bytes
 * is one), newest first. Keys and, where the accounts are unknown, interaction ids are looked up
 * with a scan of the table's recordings: the table has no index by key (its index set is settled,
 * see shared/table/definition.ts), and a scan reads every item, so on a large deployed table this
 * costs time and read capacity. It is an operator's occasional lookup, never a pipeline path.
 */

/** A recording id: 128 bits in base64url (recordingIdOf). */
const RECORDING_ID = /^[A-Za-z0-9_-]{22}$/;
const S3_URL = /^s3:\/\/([^/]+)\/(.+)$/;

export async function findRecordings(target: TableTarget, reference: string): Promise<Recording[]> {
  const repository = new RecordingRepository(target.dynamodb, { tableName: target.tableName });
  const s3Url = S3_URL.exec(reference);
  if (s3Url !== null) {
    return scanRecordings(target, { bucket: s3Url[1] ?? '', value: s3Url[2] ?? '' });
  }
  if (RECORDING_ID.test(reference)) {
    const recording = await repository.get(reference);
    if (recording !== undefined) {
      return [recording];
    }
  }
  for (const accountId of target.zoomAccountIds ?? []) {
    const recording = await repository.findByInteraction(accountId, reference);
    if (recording !== undefined) {
      return [recording];
    }
  }
  return scanRecordings(target, { bucket: undefined, value: reference });
}

/** Every recording whose key (in `bucket`, when given) or interaction id is `value`, newest first. */
async function scanRecordings(
  target: TableTarget,
  match: { readonly bucket: string | undefined; readonly value: string },
): Promise<Recording[]> {
  const client = documentClientOf(target.dynamodb);
  const names: Record<string, string> = { '#type': 'type', '#key': 'key', '#interactionId': 'interactionId' };
  const values: Record<string, unknown> = { ':type': ItemType.recording, ':value': match.value };
  let filter = '#type = :type AND (#key = :value OR #interactionId = :value)';
  if (match.bucket !== undefined) {
    names['#bucket'] = 'bucket';
    values[':bucket'] = match.bucket;
    filter = '#type = :type AND #bucket = :bucket AND #key = :value';
  }
  const found: Recording[] = [];
  let exclusiveStartKey: Record<string, unknown> | undefined;
  do {
    let page: ScanCommandOutput;
    try {
      page = await client.send(
        new ScanCommand({
          TableName: target.tableName,
          FilterExpression: filter,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ExclusiveStartKey: exclusiveStartKey,
        }),
      );
    } catch (error) {
      throw translateDynamoError(error, 'looking recordings up by key or interaction id');
    }
    for (const item of page.Items ?? []) {
      found.push(parseRecording(item));
    }
    exclusiveStartKey = page.LastEvaluatedKey;
  } while (exclusiveStartKey !== undefined);
  return found.sort((left, right) => right.receivedAt - left.receivedAt);
}
