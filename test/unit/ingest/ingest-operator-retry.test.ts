import { describe, expect, it } from 'vitest';
import { RetryableError } from '../../../shared/errors.ts';
import { idempotencyKeyOf } from '../../../shared/ingest/outcomes.ts';
import { retryRecording } from '../../../shared/operator/retry.ts';
import { decideStuck } from '../../../shared/polling/stuck-sweep.ts';
import { ingestHarness } from '../../helpers/ingest-harness.ts';

/**
 * An operator's retry taken up by ingest: the recording, RESUBMITTED with a new submission, is
 * owned by the retry's message, resolved again (a sidecar that arrived since counts) and submitted
 * with the new submission's Idempotency-Key; a duplicate of the message stands down; a wait while
 * RESUBMITTED is recorded, so the stuck-recording sweep leaves it alone until it is due.
 */

const KEY = 'calls/unmatched.mp3';
const SIDECAR = 'recordings/calls/unmatched.mp3.json';

async function rejectedForMissingMetadata() {
  const harness = ingestHarness({
    settings: { ingest: { sidecar: { waitSeconds: 60, recheckSeconds: 30 } } },
  });
  harness.putObject(KEY, { Metadata: {} });
  await harness.drop(KEY);
  harness.clock.advance(60_000);
  await harness.deliverLastRequeue();
  return harness;
}

describe('ingest: an operator retry', () => {
  it('resolves the metadata again and submits the recording as a new submission', async () => {
    // Prepare
    const harness = await rejectedForMissingMetadata();
    const rejected = harness.recordings.only();
    harness.objects.sidecars.set(
      SIDECAR,
      JSON.stringify({ agent_email: 'sam.lee@example.com', direction: 'outbound' }),
    );
    const deps = { recordings: harness.recordings, requeue: harness.requeue, clock: harness.clock };

    // Act
    const retried = await retryRecording(deps, rejected, { reason: 'sidecar fixed', dryRun: false });
    const outcomes = await harness.deliverLastRequeue();
    const duplicate = await harness.deliverLastRequeue();

    // Assess
    expect(rejected.status).toBe('REJECTED');
    expect(retried).toMatchObject({ kind: 'retried', recording: { status: 'RESUBMITTED', submission: 2 } });
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['submitted']);
    expect(duplicate).toEqual([{ kind: 'skipped', reason: 'duplicate', recordingId: rejected.recordingId }]);
    const submitted = harness.recordings.only();
    expect(submitted).toMatchObject({
      status: 'SUBMITTED',
      submission: 2,
      metadata: { agentEmail: 'sam.lee@example.com' },
    });
    expect(submitted.history.map((entry) => entry.to)).toEqual([
      'RECEIVED',
      'REJECTED',
      'RESUBMITTED',
      'SUBMITTING',
      'SUBMITTED',
    ]);
    expect(harness.zoom.posts.map((post) => post.idempotencyKey)).toEqual([
      idempotencyKeyOf(rejected.recordingId, 2),
    ]);
  });

  it('ends REJECTED again when the metadata is still missing', async () => {
    // Prepare
    const harness = await rejectedForMissingMetadata();
    const deps = { recordings: harness.recordings, requeue: harness.requeue, clock: harness.clock };

    // Act
    await retryRecording(deps, harness.recordings.only(), { reason: 'try again', dryRun: false });
    const outcomes = await harness.deliverLastRequeue();

    // Assess
    expect(outcomes).toMatchObject([{ kind: 'rejected', code: 'missing-metadata' }]);
    expect(harness.recordings.only()).toMatchObject({ status: 'REJECTED', submission: 2 });
    expect(harness.zoom.posts).toHaveLength(0);
  });

  it('records a wait while RESUBMITTED, so the stuck sweep leaves the recording alone until it is due', async () => {
    // Prepare
    const harness = await rejectedForMissingMetadata();
    const deps = { recordings: harness.recordings, requeue: harness.requeue, clock: harness.clock };
    await retryRecording(deps, harness.recordings.only(), { reason: 'try again', dryRun: false });
    harness.objects.headFailures.push(new RetryableError('S3 HeadObject failed: SlowDown'));

    // Act
    const outcomes = await harness.deliverLastRequeue();
    const waiting = harness.recordings.only();

    // Assess
    expect(outcomes).toMatchObject([{ kind: 'delayed', cause: 'transient' }]);
    expect(waiting.status).toBe('RESUBMITTED');
    expect(waiting.ingestWork?.waiting).toMatchObject({ cause: 'transient' });
    const until = waiting.ingestWork?.waiting?.until ?? 0;
    expect(decideStuck(waiting, until + 1_000, 1_800_000)).toEqual({ action: 'leave' });
    expect(decideStuck(waiting, until + 1_800_000, 1_800_000)).toMatchObject({ action: 'end', to: 'FAILED' });
  });
});
