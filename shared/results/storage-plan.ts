import { recordingKey } from '../table/keys.ts';
import type { CollectedResults } from './collect.ts';
import type { RecordingResults } from './results.ts';

/**
 * Where each part of a recording's results goes, decided before anything is written. DynamoDB
 * items stop at 400 KB, so: the transcript (the one part that grows with the call's length) always
 * goes to the results bucket; the results document goes into a DynamoDB item of the recording's
 * partition when it is small enough, into the bucket otherwise. Either way the recording points
 * at it (RecordingRepository.setResults), so readers follow one reference.
 *
 * Every write has a tag of its own (the submission and the poll that collected it), so two writers
 * never overwrite each other's objects: the recording's reference, written with a growing
 * revision, says which one counts.
 */

/** The sort key prefix of results items, in the recording's partition (`REC#<id>`). */
export const RESULTS_SORT_KEY_PREFIX = 'RESULTS#';

export interface StorageOptions {
  readonly bucket: string;
  /** '' or segments ending with '/'. */
  readonly keyPrefix: string;
  /** A document larger than this (UTF-8 JSON bytes) goes to the bucket. */
  readonly inlineMaxBytes: number;
}

export interface StoragePlan {
  /** The transcript object to write first, when there is a transcript. */
  readonly transcript: { readonly key: string; readonly body: string } | undefined;
  /** The document as stored: with its transcript reference. */
  readonly document: RecordingResults;
  /** The document's JSON, as stored in the bucket (and measured for the item). */
  readonly documentBody: string;
  readonly location:
    | { readonly kind: 'item'; readonly sk: string }
    | { readonly kind: 's3'; readonly bucket: string; readonly key: string };
}

/** A tag naming one collection of results: unique per submission and poll. */
export function resultsTag(submission: number, pollSeq: number): string {
  return `s${submission}-p${pollSeq}`;
}

/** The results item's key for a tag. */
export function resultsItemKey(
  recordingId: string,
  tag: string,
): { readonly pk: string; readonly sk: string } {
  return { pk: recordingKey(recordingId).pk, sk: `${RESULTS_SORT_KEY_PREFIX}${tag}` };
}

/** The bucket folder of every results document and transcript of a recording. */
export function resultsFolderOf(keyPrefix: string, recordingId: string): string {
  return `${keyPrefix}${recordingId}/`;
}

/** The bucket keys of a tag's document and transcript. */
export function resultsObjectKeys(
  keyPrefix: string,
  recordingId: string,
  tag: string,
): { readonly document: string; readonly transcript: string } {
  const folder = `${resultsFolderOf(keyPrefix, recordingId)}${tag}/`;
  return { document: `${folder}results.json`, transcript: `${folder}transcript.json` };
}

export function planResultsStorage(
  collected: CollectedResults,
  tag: string,
  options: StorageOptions,
): StoragePlan {
  const { recordingId } = collected.results;
  const keys = resultsObjectKeys(options.keyPrefix, recordingId, tag);
  const transcriptBody =
    collected.transcript === undefined ? undefined : JSON.stringify(collected.transcript);
  const document: RecordingResults =
    collected.transcript === undefined || transcriptBody === undefined
      ? collected.results
      : {
          ...collected.results,
          transcript: {
            bucket: options.bucket,
            key: keys.transcript,
            bytes: Buffer.byteLength(transcriptBody),
            items: collected.transcript.items?.length ?? 0,
            language: collected.transcript.language,
          },
        };
  const documentBody = JSON.stringify(document);
  const inline = Buffer.byteLength(documentBody) <= options.inlineMaxBytes;
  return {
    transcript: transcriptBody === undefined ? undefined : { key: keys.transcript, body: transcriptBody },
    document,
    documentBody,
    location: inline
      ? { kind: 'item', sk: resultsItemKey(recordingId, tag).sk }
      : { kind: 's3', bucket: options.bucket, key: keys.document },
  };
}
