import type { Clock } from '../clock.ts';
import type { IngestRequeue } from '../ingest/ports.ts';
import { handOverMessage, type IngestRetryMessage } from '../ingest/retry-message.ts';
import type { Recording } from '../recordings/recording.ts';
import type { RecordingRepository } from '../recordings/repository.ts';
import type { Resubmitter } from './ports.ts';

/**
 * The automatic resubmission, handed to ingest through its own queue. The poller moves the
 * recording SUBMITTED -> SUBMITTING (a new submission number) owned by a delivery of its own,
 * recorded as "nothing posted yet for this submission", then puts an ingest re-send for that
 * delivery on the ingest queue, naming the recording by id. The ingest function takes it up like
 * any re-send it made itself: it reads the recording by id (so an object overwritten meanwhile is
 * the end of this recording, never the start of another from the new bytes), finds it owned by
 * that delivery and submits it with a fresh presigned URL and the new submission's
 * Idempotency-Key, with all of ingest's handling of rate limits, transient failures and Zoom's
 * answers. The POST runs where every POST runs, under the ingest function's concurrency and the
 * account's HEAVY limit.
 */

/** The delivery that owns a resubmission: one per recording and submission, so a retried hand-over is the same one. */
export function resubmissionOrigin(recordingId: string, submission: number): string {
  return `poll-resubmission-${recordingId}-${submission}`;
}

export interface IngestQueueResubmitterDependencies {
  readonly recordings: Pick<RecordingRepository, 'transition'>;
  readonly requeue: IngestRequeue;
  readonly clock: Clock;
}

export class IngestQueueResubmitter implements Resubmitter {
  readonly #deps: IngestQueueResubmitterDependencies;

  constructor(dependencies: IngestQueueResubmitterDependencies) {
    this.#deps = dependencies;
  }

  async resubmit(claimed: Recording, reason: string): Promise<Recording> {
    const next = await this.#deps.recordings.transition(claimed, {
      to: 'SUBMITTING',
      reason,
      ingestWork: {
        ownerDelivery: resubmissionOrigin(claimed.recordingId, claimed.submission + 1),
        mayHavePosted: false,
      },
    });
    await this.handOver(next);
    return next;
  }

  async handOver(recording: Recording): Promise<void> {
    await this.#deps.requeue.send(resubmissionMessage(recording, this.#deps.clock.now()));
  }
}

/** The ingest re-send that resubmits a SUBMITTING recording now, naming it by id. */
export function resubmissionMessage(recording: Recording, now: number): IngestRetryMessage {
  return handOverMessage(
    recording,
    resubmissionOrigin(recording.recordingId, recording.submission),
    'Resubmission',
    now,
  );
}
