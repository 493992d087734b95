import type { Recording } from '../shared/recordings/recording.ts';
import { RecordingRepository } from '../shared/recordings/repository.ts';
import { type RecordingFilter, scanRecordings } from '../shared/recordings/scan.ts';
import type { TableTarget } from './table-target.ts';

/**
 * Finds the recordings an operator names: by recording id (one read), by Zoom interaction id (one
 * index query when the environment's Zoom accounts are known), or by object key (`calls/a.wav` or
 * `s3://bucket/calls/a.wav`). A key may name several recordings (each overwrite with other bytes
 * is one), newest first. Keys and, where the accounts are unknown, interaction ids are looked up
 * with a scan of the table's recordings (see shared/recordings/scan.ts for its cost).
 */

/** A recording id: 128 bits in base64url (recordingIdOf). */
const RECORDING_ID = /^[A-Za-z0-9_-]{22}$/;
const S3_URL = /^s3:\/\/([^/]+)\/(.+)$/;

export async function findRecordings(target: TableTarget, reference: string): Promise<Recording[]> {
  const repository = new RecordingRepository(target.dynamodb, { tableName: target.tableName });
  const s3Url = S3_URL.exec(reference);
  if (s3Url !== null) {
    return scanByKey(target, { bucket: s3Url[1] ?? '', value: s3Url[2] ?? '' });
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
  return scanByKey(target, { bucket: undefined, value: reference });
}

/** Every recording whose key (in `bucket`, when given) or interaction id is `value`, newest first. */
async function scanByKey(
  target: TableTarget,
  match: { readonly bucket: string | undefined; readonly value: string },
): Promise<Recording[]> {
  const filter: Omit<RecordingFilter, 'purpose'> =
    match.bucket === undefined
      ? {
          expression: '#key = :value OR #interactionId = :value',
          names: { '#key': 'key', '#interactionId': 'interactionId' },
          values: { ':value': match.value },
        }
      : {
          expression: '#bucket = :bucket AND #key = :value',
          names: { '#bucket': 'bucket', '#key': 'key' },
          values: { ':bucket': match.bucket, ':value': match.value },
        };
  const found: Recording[] = [];
  for await (const recording of scanRecordings(target.dynamodb, target.tableName, {
    ...filter,
    purpose: 'looking recordings up by key or interaction id',
  })) {
    found.push(recording);
  }
  return found.sort((left, right) => right.receivedAt - left.receivedAt);
}
