import { PermanentError } from '../errors.ts';
import type { Recording } from './recording.ts';

/**
 * Why a write to a recording was refused. Each carries the recording as DynamoDB found it (when
 * it exists), so the caller decides what to do next without another read. All are permanent:
 * repeating the same conditional write can never succeed, the caller must re-read and decide.
 */

/** No recording with that id exists. */
export class RecordingNotFoundError extends PermanentError {
  readonly recordingId: string;

  constructor(recordingId: string) {
    super(`Recording ${recordingId} does not exist`);
    this.recordingId = recordingId;
  }
}

/** What a stale write was older than: the submission, the poll sequence, or the stored results. */
export type StaleBy = 'submission' | 'poll' | 'results revision';

/**
 * The writer acted on an older submission or an older poll than the recording's current one (a
 * late poll message, a duplicate, a worker that slept through a resubmission), or brought results
 * older than those stored. The write is dropped; the recording never moves backwards.
 */
export class StaleWriteError extends PermanentError {
  readonly current: Recording;
  readonly staleBy: StaleBy;

  constructor(current: Recording, staleBy: StaleBy, expected: number) {
    const found = {
      submission: current.submission,
      poll: current.poll.pollSeq,
      'results revision': current.results?.revision ?? 0,
    }[staleBy];
    super(
      `Stale write to recording ${current.recordingId}: written for ${staleBy} ${expected}, the recording is at ${staleBy} ${found} (${current.status})`,
    );
    this.current = current;
    this.staleBy = staleBy;
  }
}

/**
 * Another writer with the same view of the recording moved it first: two workers raced for the
 * same transition and this one lost. The winner carries on; this writer drops its work.
 */
export class TransitionConflictError extends PermanentError {
  readonly current: Recording;

  constructor(current: Recording, expectedStatus: string) {
    super(
      `Recording ${current.recordingId} was moved by another writer: expected ${expectedStatus}, found ${current.status} (submission ${current.submission})`,
    );
    this.current = current;
  }
}

/** A request to the repository that is malformed whatever the recording's state (a caller's bug). */
export class RecordingRequestError extends PermanentError {}
