import { lastSignOfLife } from '../../../../shared/recordings/ingest-work.ts';
import type { Recording } from '../../../../shared/recordings/recording.ts';
import { isBeforeSubmission, type RecordingStatus } from '../../../../shared/recordings/state-machine.ts';
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

/**
 * RecordingQueries.stuckCandidates over the recordings as they were when listed: those not yet
 * submitted whose last sign of life is before `idleBefore`, idle the longest first, whatever their age.
 */
/** The work index's checks for late evaluations over `listed`, as RecordingQueries.lateChecksDue answers them. */
export function lateChecksOf(listed: () => readonly Recording[]) {
  return async function* lateChecksDue(dueBy: number): AsyncGenerator<Recording> {
    yield* listed()
      .filter((recording) => (recording.lateEvaluationCheck?.nextAt ?? Number.POSITIVE_INFINITY) <= dueBy)
      .sort(
        (left, right) => (left.lateEvaluationCheck?.nextAt ?? 0) - (right.lateEvaluationCheck?.nextAt ?? 0),
      );
  };
}

export function stuckWatchOf(listed: readonly Recording[]) {
  return async function* stuckCandidates(idleBefore: number): AsyncGenerator<Recording> {
    yield* listed
      .filter((recording) => isBeforeSubmission(recording.status) && lastSignOfLife(recording) < idleBefore)
      .sort((left, right) => lastSignOfLife(left) - lastSignOfLife(right));
  };
}
