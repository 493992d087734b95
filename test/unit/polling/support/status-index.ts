import type { Recording } from '../../../../shared/recordings/recording.ts';
import type { RecordingStatus } from '../../../../shared/recordings/state-machine.ts';
import type { TimeRange } from '../../../../shared/table/query.ts';

/**
 * RecordingQueries.byStatus over the recordings as they were when listed (an index lags its
 * items): those that entered `status` within the half-open range, oldest first.
 */
export function statusIndexOf(listed: readonly Recording[]) {
  return async function* byStatus(status: RecordingStatus, range: TimeRange): AsyncGenerator<Recording> {
    yield* listed
      .filter(
        (recording) =>
          recording.status === status &&
          recording.statusChangedAt >= range.from &&
          recording.statusChangedAt < range.to,
      )
      .sort((left, right) => left.statusChangedAt - right.statusChangedAt);
  };
}
