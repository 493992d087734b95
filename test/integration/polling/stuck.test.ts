import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PollMetric } from '../../../shared/polling/metrics.ts';
import type { NewRecording, Recording } from '../../../shared/recordings/recording.ts';
import { RecordingRepository } from '../../../shared/recordings/repository.ts';
import { eventually } from '../../helpers/ingest-pipeline.ts';
import { type PollingPipeline, startPollingPipeline } from '../../helpers/polling-pipeline.ts';
import { ManualClock } from '../../helpers/shared-manual-clock.ts';

/**
 * Every recording that enters ends in a visible terminal state: the real reconciler (on its
 * schedule, through the local trigger) finds the recordings stuck before submission through the
 * status index on DynamoDB Local and ends them through the state machine, its notification and
 * alert published; a recording that waits for a recorded reason, or that was written a moment
 * ago, is left alone. The stuck ones are written by a writer whose clock is seven hours back
 * (the default threshold is six), as ingest would have left them before its message was lost.
 */

const HOUR = 3_600_000;
let pipeline: PollingPipeline;
let past: RecordingRepository;
let present: RecordingRepository;

beforeAll(async () => {
  pipeline = await startPollingPipeline();
  const options = { tableName: pipeline.config.resources.tableName };
  past = new RecordingRepository(pipeline.clients.dynamodb, {
    ...options,
    clock: new ManualClock(Date.now() - 7 * HOUR),
  });
  present = new RecordingRepository(pipeline.clients.dynamodb, options);
});

afterAll(async () => {
  await pipeline?.stop();
});

function aNewRecording(ownerDelivery: string | undefined): NewRecording {
  return {
    zoomAccountId: 'acct-stuck',
    profile: 'main',
    bucket: 'recordings',
    key: `calls/2026-11-24/jane.doe@example.com/stuck-${randomUUID()}.mp3`,
    contentIdentity: { kind: 'checksum', value: randomUUID() },
    size: 2_048,
    contentType: 'audio/mpeg',
    receivedAt: Date.now() - 7 * HOUR,
    metadata: { queueId: 'queue-7' },
    reason: 'Announced by S3 ObjectCreated:Put',
    ownerDelivery,
  };
}

/** A recording SUBMITTING for `delivery`, which may or may not have posted. */
async function submitting(repository: RecordingRepository, mayHavePosted: boolean): Promise<Recording> {
  const { recording } = await repository.claim(aNewRecording('lost-message'));
  return repository.transition(recording, {
    to: 'SUBMITTING',
    reason: 'Submitting to Zoom (submission 1)',
    ingestWork: { ownerDelivery: 'lost-message', mayHavePosted },
  });
}

describe('the reconciler ends recordings stuck before submission', () => {
  it('RECEIVED and SUBMITTING without a POST FAILED, SUBMITTING after a POST NEEDS_REVIEW, RESUBMITTED FAILED; waiting ones left alone', async () => {
    // Prepare
    const received = (await past.claim(aNewRecording('lost-message'))).recording;
    const posted = await submitting(past, true);
    const handedOver = await submitting(past, false);
    const failed = await past.transition((await past.claim(aNewRecording(undefined))).recording, {
      to: 'FAILED',
      reason: 'Zoom refused the credentials',
      notification: { details: { code: 'zoom-credentials' } },
    });
    const retried = await past.transition(failed, { to: 'RESUBMITTED', reason: 'Retried by an operator' });
    const held = await past.updateIngestWork(await submitting(past, false), {
      ownerDelivery: 'lost-message',
      mayHavePosted: false,
      waiting: { until: Date.now() + HOUR, cause: 'rate-limited' },
    });
    const fresh = await submitting(present, true);

    // Act
    const ended = await Promise.all(
      [received, posted, handedOver, retried].map((recording) => pipeline.waitForEnd(recording.recordingId)),
    );
    const runsSoFar = pipeline.logs.withMessage('Reconciler run finished').length;
    await eventually(
      () => pipeline.logs.withMessage('Reconciler run finished').length >= runsSoFar + 2,
      10_000,
      'two more reconciler runs',
    );

    // Assess
    expect(ended.map((recording) => [recording.status, recording.submission])).toEqual([
      ['FAILED', 1],
      ['NEEDS_REVIEW', 1],
      ['FAILED', 1],
      ['FAILED', 2],
    ]);
    expect(ended.every((recording) => recording.ingestWork === undefined)).toBe(true);
    const [review] = await pipeline.alerts(posted.recordingId);
    expect(review?.subject).toBe('qm-ingest itest: recording NEEDS_REVIEW');
    expect(review?.message).toContain('a duplicate interaction is possible; check Zoom');
    const [receivedNotification] = await pipeline.notifications(received.recordingId);
    expect(JSON.parse(receivedNotification?.message ?? '{}')).toMatchObject({
      status: 'FAILED',
      reason: expect.stringMatching(/^Stuck in RECEIVED: no progress for 7 h .*Nothing was sent to Zoom\./),
      details: { code: 'stuck', stuckIn: 'RECEIVED', source: 'reconciler' },
    });
    expect((await pipeline.recording(held.recordingId)).status).toBe('SUBMITTING');
    expect((await pipeline.recording(fresh.recordingId)).status).toBe('SUBMITTING');
    expect(pipeline.metrics.total(PollMetric.stuckEnded)).toBe(4);
    expect(
      pipeline.metrics.total(PollMetric.stuckEnded, { stuckIn: 'SUBMITTING', endedAs: 'NEEDS_REVIEW' }),
    ).toBe(1);
    const lastRun = pipeline.logs.withMessage('Reconciler run finished').at(-1);
    // The waiting recording is not even read: its watch in the work index lies past its wait.
    expect(lastRun?.fields).toMatchObject({ stuckEnded: 0, stuckLeftAlone: 0, stuckFailed: 0 });
  });
});
