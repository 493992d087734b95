import { describe, expect, it } from 'vitest';
import { isOwnedBy } from '../../../shared/ingest/outcomes.ts';
import type { IngestRequeue } from '../../../shared/ingest/ports.ts';
import { type IngestRetryMessage, ingestRetryMessageSchema } from '../../../shared/ingest/retry-message.ts';
import { IngestQueueResubmitter, resubmissionOrigin } from '../../../shared/polling/ingest-resubmitter.ts';
import { TestClock } from './support/fakes.ts';
import { aSubmittedRecording, HOUR, SUBMITTED_AT } from './support/fixtures.ts';
import { InMemoryRecordings } from './support/in-memory-recordings.ts';

class CapturingRequeue implements IngestRequeue {
  readonly sent: IngestRetryMessage[] = [];

  async send(message: IngestRetryMessage): Promise<void> {
    this.sent.push(message);
  }
}

function harness() {
  const clock = new TestClock(SUBMITTED_AT + 3 * HOUR);
  const recording = aSubmittedRecording({ versionId: 'v-42' });
  const recordings = new InMemoryRecordings(clock, recording);
  const requeue = new CapturingRequeue();
  const resubmitter = new IngestQueueResubmitter({ recordings, requeue, clock });
  return { clock, recording, recordings, requeue, resubmitter };
}

describe('the automatic resubmission handed to ingest', () => {
  it('moves the recording to SUBMITTING, a new submission owned by a delivery of its own', async () => {
    // Prepare
    const { recording, resubmitter } = harness();

    // Act
    const next = await resubmitter.resubmit(recording, 'Zoom never processed it');

    // Assess
    expect(next).toMatchObject({ status: 'SUBMITTING', submission: 2, autoResubmissions: 1 });
    expect(next.reason).toBe('Zoom never processed it');
    expect(next.ingestWork).toEqual({
      ownerDelivery: resubmissionOrigin(recording.recordingId, 2),
      mayHavePosted: false,
    });
    expect(isOwnedBy(next, resubmissionOrigin(recording.recordingId, 2))).toBe(true);
    expect(isOwnedBy(next, resubmissionOrigin(recording.recordingId, 1))).toBe(false);
  });

  it("puts an ingest re-send on ingest's queue: due now, that delivery, naming the recording by id", async () => {
    // Prepare
    const { clock, recording, requeue, resubmitter } = harness();

    // Act
    await resubmitter.resubmit(recording, 'Zoom never processed it');

    // Assess
    const [message] = requeue.sent;
    expect(ingestRetryMessageSchema.parse(message)).toEqual({
      kind: 'qm-ingest/retry',
      version: 1,
      origin: resubmissionOrigin(recording.recordingId, 2),
      recordingId: recording.recordingId,
      object: {
        source: 's3',
        eventName: 'Resubmission',
        bucket: recording.bucket,
        key: recording.key,
        size: recording.size,
        versionId: 'v-42',
        eventTime: recording.receivedAt,
      },
      dueAt: clock.now(),
      cause: 'transient',
      transientFailures: 0,
      rateLimited: 0,
    });
  });

  it('hands the same delivery over again when asked (a retried hand-over)', async () => {
    // Prepare
    const { recording, recordings, requeue, resubmitter } = harness();
    await resubmitter.resubmit(recording, 'Zoom never processed it');

    // Act
    await resubmitter.handOver(recordings.current(recording.recordingId));

    // Assess
    expect(requeue.sent.map((message) => message.origin)).toEqual([
      resubmissionOrigin(recording.recordingId, 2),
      resubmissionOrigin(recording.recordingId, 2),
    ]);
  });

  it('does not hand over when the recording moved meanwhile', async () => {
    // Prepare
    const { recording, recordings, requeue, resubmitter } = harness();
    recordings.put({ ...recording, poll: { ...recording.poll, pollSeq: recording.poll.pollSeq + 1 } });

    // Act / Assess
    await expect(resubmitter.resubmit(recording, 'Zoom never processed it')).rejects.toThrow('Stale write');
    expect(requeue.sent).toEqual([]);
  });
});
