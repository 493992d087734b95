import { PermanentError } from '../errors.ts';
import { recordingKeys } from '../observability/logger.ts';
import { RecordingNotFoundError, StaleWriteError, TransitionConflictError } from '../recordings/errors.ts';
import type { Recording } from '../recordings/recording.ts';

/** Small facts about a polled recording that the poller's parts share. */

/** A conditional write lost to another writer, or the recording moved on: the work is someone else's now. */
export function isLostRace(error: unknown): boolean {
  return (
    error instanceof StaleWriteError ||
    error instanceof TransitionConflictError ||
    error instanceof RecordingNotFoundError
  );
}

/** The interaction a SUBMITTED recording is polled for (the state machine guarantees one). */
export function interactionIdOf(recording: Recording): string {
  if (recording.interactionId === undefined) {
    throw new PermanentError(`Recording ${recording.recordingId} is SUBMITTED without an interaction id`);
  }
  return recording.interactionId;
}

/** The log fields of a polled recording: its correlation id and where its polling stands. */
export function pollLogFields(recording: Recording): Record<string, unknown> {
  return {
    ...recordingKeys(recording.recordingId),
    status: recording.status,
    submission: recording.submission,
    pollSeq: recording.poll.pollSeq,
    attempts: recording.poll.attempts,
    interactionId: recording.interactionId,
  };
}
