import { RecordingRequestError } from './errors.ts';
import { type IngestWork, ingestWorkSchema, RECORDING_SCHEMA_VERSION, type Recording } from './recording.ts';
import type { Expectation } from './repository.ts';

/**
 * A rewrite of ingest's record of its work on a recording it owns (a wait, or a POST about to be
 * made), checked and computed without the table: the repository turns the plan into one
 * conditional write, and the in-memory stores of the unit tests apply the same plan.
 */
export interface IngestWorkPlan {
  /** What the write expects to find: the recording exactly as the writer read it. */
  readonly expected: Expectation;
  readonly next: Recording;
}

/**
 * Checks `work` for `current` (RECEIVED, SUBMITTING, or RESUBMITTED once an operator's retry is
 * taken up: nothing else is ingest's) and returns
 * the recording after the write: the work replaced, the write sequence moved on (so any writer
 * that decided on the recording before it is refused), the item upgraded to this schema version.
 */
export function planIngestWork(current: Recording, work: IngestWork, now: number): IngestWorkPlan {
  if (current.status !== 'RECEIVED' && current.status !== 'SUBMITTING' && current.status !== 'RESUBMITTED') {
    throw new RecordingRequestError(
      `Ingest works only on RECEIVED, SUBMITTING or RESUBMITTED recordings; ${current.recordingId} is ${current.status}`,
    );
  }
  const parsed = ingestWorkSchema.safeParse(work);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(ingestWork)');
    throw new RecordingRequestError(`Ingest's record of its work is invalid at: ${fields.join(', ')}`);
  }
  return {
    expected: { status: current.status, submission: current.submission, pollSeq: current.poll.pollSeq },
    next: {
      ...current,
      schemaVersion: RECORDING_SCHEMA_VERSION,
      updatedAt: now,
      poll: { ...current.poll, pollSeq: current.poll.pollSeq + 1 },
      ingestWork: parsed.data,
    },
  };
}

/** When the recording last showed life: its last write, or the end of the wait ingest recorded on it. */
export function lastSignOfLife(recording: Recording): number {
  return Math.max(recording.updatedAt, recording.ingestWork?.waiting?.until ?? 0);
}

/**
 * When the recording's current submission began: its upload, or the operator's retry that
 * started it. `ingest.maxAgeBeforeSubmissionSeconds` counts from here.
 */
export function submissionStartedAt(recording: Recording): number {
  const start = recording.history.findLast((entry) => entry.to === 'RECEIVED' || entry.to === 'RESUBMITTED');
  return start?.at ?? recording.receivedAt;
}
