import { RecordingQueries } from '../shared/recordings/queries.ts';
import type { Recording } from '../shared/recordings/recording.ts';
import type { RecordingStatus } from '../shared/recordings/state-machine.ts';
import { describeUnreadable } from '../shared/recordings/unreadable.ts';
import type { TimeRange } from '../shared/table/query.ts';
import type { TableTarget } from './table-target.ts';

/**
 * The recordings that entered one of `statuses` within a time range, newest first: one by-status
 * index listing per status (each already newest first, and read only as far as `limit` needs),
 * merged. A recording is listed under its current status only, at the time it entered it.
 */
export interface Listing {
  readonly recordings: readonly Recording[];
  /** More recordings matched than `limit`. */
  readonly truncated: boolean;
}

export async function listRecordings(
  target: TableTarget,
  options: {
    readonly statuses: readonly RecordingStatus[];
    readonly range: TimeRange;
    readonly limit: number;
  },
): Promise<Listing> {
  const queries = new RecordingQueries(target.dynamodb, {
    tableName: target.tableName,
    onUnreadable: (item) => console.error(describeUnreadable(item)),
  });
  const perStatus = await Promise.all(
    options.statuses.map(async (status) => {
      const found: Recording[] = [];
      for await (const recording of queries.byStatus(status, options.range, { order: 'desc' })) {
        found.push(recording);
        if (found.length > options.limit) {
          break;
        }
      }
      return found;
    }),
  );
  const merged = perStatus.flat().sort((left, right) => right.statusChangedAt - left.statusChangedAt);
  return { recordings: merged.slice(0, options.limit), truncated: merged.length > options.limit };
}
