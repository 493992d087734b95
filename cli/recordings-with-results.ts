import { pollSettingsSchema } from '../shared/config/polling.ts';
import { RecordingQueries } from '../shared/recordings/queries.ts';
import type { Recording } from '../shared/recordings/recording.ts';
import type { RecordingStatus } from '../shared/recordings/state-machine.ts';
import { describeUnreadable } from '../shared/recordings/unreadable.ts';
import { ResultsStore } from '../shared/results/results-store.ts';
import type { TimeRange } from '../shared/table/query.ts';
import type { RecordingDetails } from './recording-format.ts';
import type { TableTarget } from './table-target.ts';

/**
 * Recordings with their current results, for `status`, `report` and `export`: read through the
 * by-status index (one query per status, UTC day and shard: never a scan), results by the
 * reference each recording holds (a GetItem or a GetObject). A results document that cannot be
 * read is reported beside the recording, never fatal to the others.
 */

/** A recording with its results when stored, or why they could not be read. */
export type RecordingWithResults = RecordingDetails;

/** Results read at once: enough to hide the round trips, few enough to stay far from throttling. */
const CONCURRENT_READS = 8;

export function resultsStoreFor(target: TableTarget): ResultsStore {
  // Reading needs only the stored location; the storage options matter when writing.
  const { keyPrefix, inlineMaxBytes } = pollSettingsSchema.parse({}).results;
  return new ResultsStore(target.dynamodb, target.s3, {
    tableName: target.tableName,
    bucket: target.resultsBucket,
    keyPrefix,
    inlineMaxBytes,
  });
}

/** The recording with its results, when it has some. */
export async function withResults(store: ResultsStore, recording: Recording): Promise<RecordingWithResults> {
  if (recording.results === undefined) {
    return { recording };
  }
  try {
    return { recording, results: await store.read(recording.recordingId, recording.results.location) };
  } catch (error) {
    return { recording, resultsError: error instanceof Error ? error.message : String(error) };
  }
}

/** Every recording that entered one of `statuses` within `range`, with its results. */
export async function recordingsWithResults(
  target: TableTarget,
  statuses: readonly RecordingStatus[],
  range: TimeRange,
): Promise<RecordingWithResults[]> {
  const queries = new RecordingQueries(target.dynamodb, {
    tableName: target.tableName,
    onUnreadable: (item) => console.error(describeUnreadable(item)),
  });
  const recordings: Recording[] = [];
  for (const status of statuses) {
    for await (const recording of queries.byStatus(status, range)) {
      recordings.push(recording);
    }
  }
  const store = resultsStoreFor(target);
  const found: RecordingWithResults[] = [];
  for (let start = 0; start < recordings.length; start += CONCURRENT_READS) {
    const batch = recordings.slice(start, start + CONCURRENT_READS);
    found.push(...(await Promise.all(batch.map((recording) => withResults(store, recording)))));
  }
  return found;
}
