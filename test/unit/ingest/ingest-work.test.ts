import { describe, expect, it } from 'vitest';
import { RetryableError } from '../../../shared/errors.ts';
import { idempotencyKeyOf } from '../../../shared/ingest/outcomes.ts';
import { IngestQueueResubmitter } from '../../../shared/polling/ingest-resubmitter.ts';
import type { IngestWork } from '../../../shared/recordings/recording.ts';
import { ZoomRateLimitedError } from '../../../shared/zoom/errors.ts';
import { DEFAULT_KEY, type IngestHarness, ingestHarness } from '../../helpers/ingest-harness.ts';

/**
 * Ingest's own record of its work on a recording (who owns it, whether a POST may have reached
 * Zoom, until when it waits), written by the same conditional writes as its statuses: what makes
 * ownership typed rather than textual, a crash after any POST recoverable without a duplicate,
 * and a long wait recognisable by the reconciler's sweep of stuck recordings.
 */

function zoom429(retryAfterMs: number, kind: 'qps' | 'daily' = 'qps') {
  return new ZoomRateLimitedError(
    { operation: 'createInteraction', httpStatus: 429 },
    { retryAfterMs, kind, label: 'HEAVY', source: 'zoom' },
  );
}

/** The recording's ingest work at each POST, as Zoom is called. */
function workAtEachPost(harness: IngestHarness): (IngestWork | undefined)[] {
  const seen: (IngestWork | undefined)[] = [];
  const post = harness.zoom.createInteraction.bind(harness.zoom);
  harness.zoom.createInteraction = async (body, options) => {
    seen.push(harness.recordings.only().ingestWork);
    return post(body, options);
  };
  return seen;
}

describe("ingest's record of its work", () => {
  it('names the owning delivery in a typed field, and keeps the reason for people', async () => {
    // Prepare
    const harness = ingestHarness();
    harness.putObject();
    const atPost = workAtEachPost(harness);

    // Act
    await harness.drop(DEFAULT_KEY, 'message-42');

    // Assess
    const recording = harness.recordings.only();
    expect(atPost).toEqual([{ ownerDelivery: 'message-42', mayHavePosted: true }]);
    expect(recording.history.map((entry) => entry.reason)).toEqual([
      'Announced by S3 ObjectCreated:Put',
      'Submitting to Zoom (submission 1)',
      expect.stringMatching(/^Submitted to Zoom as interaction IX0001 \(submission 1\)$/),
    ]);
    expect(recording.ingestWork).toBeUndefined();
  });

  it('records a sidecar wait on the recording, until the next re-check', async () => {
    // Prepare
    const harness = ingestHarness({
      settings: { ingest: { sidecar: { waitSeconds: 120, recheckSeconds: 30 } } },
    });
    harness.putObject('calls/unmatched.mp3', { Metadata: {} });

    // Act
    await harness.drop('calls/unmatched.mp3', 'message-7');

    // Assess
    expect(harness.recordings.only()).toMatchObject({
      status: 'RECEIVED',
      ingestWork: {
        ownerDelivery: 'message-7',
        mayHavePosted: false,
        waiting: { until: Date.parse('2026-11-24T10:00:30Z'), cause: 'sidecar-wait' },
      },
    });
  });

  it('marks the recording as possibly posted before posting again after a 429', async () => {
    // Prepare
    const harness = ingestHarness();
    harness.putObject();
    harness.zoom.postFailures.push(zoom429(1_000));
    const atPost = workAtEachPost(harness);

    // Act
    await harness.drop();
    harness.clock.advance(5_000);
    await harness.deliverLastRequeue();

    // Assess
    expect(atPost).toEqual([
      { ownerDelivery: 'message-1', mayHavePosted: true },
      { ownerDelivery: 'message-1', mayHavePosted: true },
    ]);
    expect(harness.recordings.only().status).toBe('SUBMITTED');
  });

  it('never posts twice after a crash following a re-POST on an account that ignores Idempotency-Key', async () => {
    // Prepare
    const harness = ingestHarness({ profile: { honoursIdempotencyKey: false } });
    harness.putObject();
    harness.zoom.postFailures.push(zoom429(1_000));
    await harness.drop();
    harness.clock.advance(5_000);
    const resend = harness.requeue.lastBody();
    let crashed = false;
    harness.recordings.beforeTransition = (transition) => {
      if (transition.to === 'SUBMITTED' && !crashed) {
        crashed = true;
        throw new Error('the container died after the POST');
      }
    };

    // Act: the re-send posts, the container dies, SQS delivers the same message again.
    const crash = harness.deliver(resend, 'resend-1');
    await expect(crash).rejects.toThrow('the container died after the POST');
    const redelivered = await harness.deliver(resend, 'resend-1');

    // Assess
    expect(harness.zoom.posts).toHaveLength(2);
    expect(harness.zoom.listQueries).toHaveLength(1);
    // Zoom has not listed it yet: it is looked for again later, never posted again.
    expect(redelivered).toMatchObject([{ kind: 'delayed', cause: 'lookup-wait' }]);
  });

  it('stands down, sending nothing, when the recording was ended while it worked (the sweep of stuck recordings)', async () => {
    // Prepare
    const harness = ingestHarness();
    harness.putObject();
    harness.zoom.postFailures.push(zoom429(1_000));
    harness.recordings.beforeIngestWork = () => {
      const current = harness.recordings.only();
      harness.recordings.items.set(current.recordingId, {
        ...current,
        status: 'NEEDS_REVIEW',
        poll: { ...current.poll, pollSeq: current.poll.pollSeq + 1 },
      });
    };

    // Act
    const outcomes = await harness.drop();

    // Assess
    expect(outcomes).toEqual([
      { kind: 'skipped', reason: 'duplicate', recordingId: harness.recordings.only().recordingId },
    ]);
    expect(harness.requeue.sent).toEqual([]);
  });

  it('re-sends all the same when recording the wait fails transiently', async () => {
    // Prepare
    const harness = ingestHarness();
    harness.putObject();
    harness.zoom.postFailures.push(zoom429(1_000));
    harness.recordings.beforeIngestWork = () => {
      throw new RetryableError('DynamoDB UpdateItem failed: ProvisionedThroughputExceededException');
    };

    // Act
    const outcomes = await harness.drop();

    // Assess
    expect(outcomes).toMatchObject([{ kind: 'delayed', cause: 'rate-limited' }]);
    expect(harness.requeue.sent).toHaveLength(1);
    expect(harness.logger.lines.map((line) => line.message)).toContain(
      'Recording the wait failed; the recording is re-sent all the same',
    );
  });
});

describe("the poller's resubmission, taken up by ingest", () => {
  /** A recording submitted once, then handed back to ingest by the poller for a new submission. */
  async function handedOver() {
    const harness = ingestHarness();
    harness.putObject();
    await harness.drop();
    const resubmitter = new IngestQueueResubmitter({
      recordings: harness.recordings,
      requeue: harness.requeue,
      clock: harness.clock,
    });
    await resubmitter.resubmit(harness.recordings.only(), 'Zoom never processed it');
    return harness;
  }

  it('is resolved by recording id: an object overwritten meanwhile ends it, never starts another recording', async () => {
    // Prepare
    const harness = await handedOver();
    harness.putObject(DEFAULT_KEY, { ETag: '"ffffffffffffffffffffffffffffffff"' });

    // Act
    const outcomes = await harness.deliverLastRequeue();

    // Assess
    const recording = harness.recordings.only();
    expect(outcomes).toMatchObject([
      { kind: 'rejected', recordingId: recording.recordingId, code: 'object-deleted' },
    ]);
    expect(recording).toMatchObject({ status: 'REJECTED', submission: 2 });
    expect(harness.zoom.posts).toHaveLength(1);
  });

  it('posts the new submission, marked as possibly posted first', async () => {
    // Prepare
    const harness = await handedOver();
    const atPost = workAtEachPost(harness);

    // Act
    const outcomes = await harness.deliverLastRequeue();

    // Assess
    const recording = harness.recordings.only();
    expect(outcomes).toMatchObject([{ kind: 'submitted', recordingId: recording.recordingId }]);
    expect(atPost).toEqual([
      { ownerDelivery: `poll-resubmission-${recording.recordingId}-2`, mayHavePosted: true },
    ]);
    expect(harness.zoom.posts.map((post) => post.idempotencyKey)).toEqual([
      idempotencyKeyOf(recording.recordingId, 1),
      idempotencyKeyOf(recording.recordingId, 2),
    ]);
  });
});
