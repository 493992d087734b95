import type { Clock } from '../clock.ts';
import { operatorRetryOrigin } from '../ingest/outcomes.ts';
import type { IngestRequeue } from '../ingest/ports.ts';
import { handOverMessage } from '../ingest/retry-message.ts';
import { isLostRace } from '../polling/poll-recording.ts';
import type { Recording } from '../recordings/recording.ts';
import type { RecordingRepository } from '../recordings/repository.ts';
import { isLegalTransition, RECORDING_STATUSES, type RecordingStatus } from '../recordings/state-machine.ts';

/**
 * `qm-ingest retry`: an operator's retry of a recording that ended badly. The recording moves to
 * RESUBMITTED (a new submission number, so Zoom sees a new Idempotency-Key), then a re-send naming
 * it is put on the ingest queue for the delivery that owns the retry (see isOwnedBy). Ingest takes
 * it up as it takes up a new upload: it reads the object and its metadata again (a sidecar or
 * metadata fixed since counts), moves it to SUBMITTING and submits it, with all its handling of
 * rate limits and Zoom's answers. There is no second submission path.
 *
 * A recording already RESUBMITTED (the hand-over failed, or is still on the queue) is handed over
 * again: the retry message is the same delivery, so ingest takes it up once.
 */

/** The statuses an operator's retry starts from: those the state machine lets move to RESUBMITTED. */
export const RETRYABLE_STATUSES: readonly RecordingStatus[] = RECORDING_STATUSES.filter((status) =>
  isLegalTransition(status, 'RESUBMITTED'),
);

export type RetryOutcome =
  | { readonly kind: 'retried'; readonly recording: Recording }
  | { readonly kind: 'handed-over-again'; readonly recording: Recording }
  | { readonly kind: 'would-retry'; readonly recording: Recording }
  | { readonly kind: 'not-retryable'; readonly recording: Recording; readonly why: string }
  /** Another writer moved the recording since it was read: nothing was done. */
  | { readonly kind: 'moved-on'; readonly recording: Recording };

export interface RetryDependencies {
  readonly recordings: Pick<RecordingRepository, 'transition'>;
  readonly requeue: IngestRequeue;
  readonly clock: Clock;
}

export interface RetryRequest {
  /** Why, in the operator's words; recorded in the recording's history. */
  readonly reason: string;
  readonly dryRun: boolean;
}

/** Whether a recording in `status` can be retried (or handed over again). */
export function canRetry(status: RecordingStatus): boolean {
  return status === 'RESUBMITTED' || RETRYABLE_STATUSES.includes(status);
}

export async function retryRecording(
  deps: RetryDependencies,
  recording: Recording,
  request: RetryRequest,
): Promise<RetryOutcome> {
  if (!canRetry(recording.status)) {
    return {
      kind: 'not-retryable',
      recording,
      why: `${recording.status} is not retried: only ${RETRYABLE_STATUSES.join(', ')} are`,
    };
  }
  if (request.dryRun) {
    return { kind: 'would-retry', recording };
  }
  if (recording.status === 'RESUBMITTED') {
    await handOver(deps, recording);
    return { kind: 'handed-over-again', recording };
  }
  let resubmitted: Recording;
  try {
    resubmitted = await deps.recordings.transition(recording, {
      to: 'RESUBMITTED',
      reason: `Operator retry (submission ${recording.submission + 1}): ${request.reason}`,
    });
  } catch (error) {
    if (isLostRace(error)) {
      return { kind: 'moved-on', recording };
    }
    throw error;
  }
  await handOver(deps, resubmitted);
  return { kind: 'retried', recording: resubmitted };
}

function handOver(deps: RetryDependencies, recording: Recording): Promise<void> {
  return deps.requeue.send(
    handOverMessage(
      recording,
      operatorRetryOrigin(recording.recordingId, recording.submission),
      'OperatorRetry',
      deps.clock.now(),
    ),
  );
}
