import { describe, expect, it } from 'vitest';
import { RetryableError } from '../../../shared/errors.ts';
import { InMemoryMetrics } from '../../../shared/observability/metrics.ts';
import { PollMetric } from '../../../shared/polling/metrics.ts';
import { decideStuck, StuckRecordingSweep } from '../../../shared/polling/stuck-sweep.ts';
import type { IngestWork, Recording } from '../../../shared/recordings/recording.ts';
import { RecordingPublisher } from '../../helpers/polling-publisher.ts';
import { aRecording } from '../recordings/recording-fixtures.ts';
import { CapturingLogger } from '../zoom/support/capturing-logger.ts';
import { TestClock } from './support/fakes.ts';
import { HOUR, MINUTE, pollSettings } from './support/fixtures.ts';
import { InMemoryRecordings } from './support/in-memory-recordings.ts';
import { stuckWatchOf } from './support/status-index.ts';

/** The sweep's clock: 2026-11-25 at noon UTC. */
const NOW = Date.parse('2026-11-25T12:00:00Z');
const AFTER_MS = 6 * HOUR;

/** A recording that entered `status` and was last written `idleMs` before {@link NOW}. */
function stuckIn(
  status: Recording['status'],
  idleMs: number,
  overrides: Partial<Recording> & { readonly ingestWork?: IngestWork } = {},
): Recording {
  const at = NOW - idleMs;
  return aRecording({
    recordingId: `rec-${status.toLowerCase()}-${idleMs}`,
    status,
    statusChangedAt: at,
    updatedAt: at,
    receivedAt: at - MINUTE,
    ...overrides,
  });
}

const owned = (mayHavePosted: boolean, waiting?: IngestWork['waiting']): IngestWork => ({
  ownerDelivery: 'message-1',
  mayHavePosted,
  ...(waiting === undefined ? {} : { waiting }),
});

describe('decideStuck', () => {
  it('ends a RECEIVED recording idle past the threshold FAILED: nothing was sent', () => {
    // Prepare
    const recording = stuckIn('RECEIVED', 7 * HOUR, { ingestWork: owned(false) });

    // Act
    const decision = decideStuck(recording, NOW, AFTER_MS);

    // Assess
    expect(decision).toEqual({
      action: 'end',
      to: 'FAILED',
      reason: expect.stringMatching(
        /^Stuck in RECEIVED: no progress for 7 h \(since 2026-11-25T05:00:00\.000Z\)\. Nothing was sent to Zoom\./,
      ),
    });
  });

  it('ends a SUBMITTING recording whose POST may have reached Zoom NEEDS_REVIEW, warning of a duplicate', () => {
    // Prepare
    const recording = stuckIn('SUBMITTING', 7 * HOUR, { ingestWork: owned(true), submission: 2 });

    // Act
    const decision = decideStuck(recording, NOW, AFTER_MS);

    // Assess
    expect(decision).toMatchObject({ action: 'end', to: 'NEEDS_REVIEW' });
    expect(decision.action === 'end' && decision.reason).toContain(
      'The POST of submission 2 may have reached Zoom before qm-ingest recorded the answer, so a duplicate interaction is possible; check Zoom',
    );
  });

  it('ends a SUBMITTING recording that provably sent nothing FAILED', () => {
    // Prepare
    const recording = stuckIn('SUBMITTING', 7 * HOUR, { ingestWork: owned(false) });

    // Act
    const decision = decideStuck(recording, NOW, AFTER_MS);

    // Assess
    expect(decision).toMatchObject({ action: 'end', to: 'FAILED' });
    expect(decision.action === 'end' && decision.reason).toContain(
      'Nothing was sent to Zoom for submission 1',
    );
  });

  it('takes a SUBMITTING recording that says nothing of its POST (written before ingest kept a record) as possibly posted', () => {
    // Prepare
    const recording = stuckIn('SUBMITTING', 7 * HOUR);

    // Act
    const decision = decideStuck(recording, NOW, AFTER_MS);

    // Assess
    expect(decision).toMatchObject({ action: 'end', to: 'NEEDS_REVIEW' });
  });

  it('ends a RESUBMITTED recording whose retry was never taken up FAILED', () => {
    // Prepare
    const recording = stuckIn('RESUBMITTED', 7 * HOUR, { submission: 3 });

    // Act
    const decision = decideStuck(recording, NOW, AFTER_MS);

    // Assess
    expect(decision).toMatchObject({ action: 'end', to: 'FAILED' });
    expect(decision.action === 'end' && decision.reason).toContain(
      'The retry was never taken up, and nothing was sent to Zoom for submission 3',
    );
  });

  it('leaves alone a recording held by a daily limit until the reset, however long ago its status changed', () => {
    // Prepare
    const reset = Date.parse('2026-11-26T00:00:00Z');
    const recording = stuckIn('SUBMITTING', 20 * HOUR, {
      ingestWork: owned(false, { until: reset, cause: 'rate-limited' }),
    });

    // Act
    const now = decideStuck(recording, NOW, AFTER_MS);
    const justBeforeThreshold = decideStuck(recording, reset + AFTER_MS - 1, AFTER_MS);
    const atThreshold = decideStuck(recording, reset + AFTER_MS, AFTER_MS);

    // Assess
    expect(now).toEqual({ action: 'leave' });
    expect(justBeforeThreshold).toEqual({ action: 'leave' });
    expect(atThreshold).toMatchObject({ action: 'end', to: 'FAILED' });
  });

  it('leaves alone a recording written recently, whenever its status changed', () => {
    // Prepare
    const recording = stuckIn('SUBMITTING', 9 * HOUR, { updatedAt: NOW - HOUR, ingestWork: owned(true) });

    // Act
    const decision = decideStuck(recording, NOW, AFTER_MS);

    // Assess
    expect(decision).toEqual({ action: 'leave' });
  });

  it('leaves alone a recording that moved on since it was listed', () => {
    // Prepare
    const recording = stuckIn('SUBMITTED', 9 * HOUR);

    // Act
    const decision = decideStuck(recording, NOW, AFTER_MS);

    // Assess
    expect(decision).toEqual({ action: 'leave' });
  });
});

function sweepHarness(recordings: readonly Recording[], stuck: Record<string, number> = {}) {
  const clock = new TestClock(NOW);
  const store = new InMemoryRecordings(clock, ...recordings);
  const publisher = new RecordingPublisher();
  const metrics = new InMemoryMetrics();
  const logger = new CapturingLogger();
  const settings = pollSettings({ reconciler: { stuck: { afterSeconds: AFTER_MS / 1_000, ...stuck } } });
  const sweep = new StuckRecordingSweep({
    queries: { stuckCandidates: stuckWatchOf(recordings) },
    repository: store,
    publisher,
    settings: settings.reconciler.stuck,
    clock,
    logger,
    metrics,
  });
  return { clock, store, publisher, metrics, logger, sweep };
}

describe('the sweep of stuck recordings', () => {
  it('ends each stuck recording through the state machine, its notification written and published', async () => {
    // Prepare
    const received = stuckIn('RECEIVED', 8 * HOUR, { ingestWork: owned(false) });
    const posted = stuckIn('SUBMITTING', 7 * HOUR, { ingestWork: owned(true) });
    const handedOver = stuckIn('SUBMITTING', 10 * HOUR, { ingestWork: owned(false) });
    const retried = stuckIn('RESUBMITTED', 9 * HOUR, { submission: 2 });
    const waiting = stuckIn('SUBMITTING', 20 * HOUR, {
      ingestWork: owned(false, { until: NOW + 12 * HOUR, cause: 'rate-limited' }),
    });
    const harness = sweepHarness([received, posted, handedOver, retried, waiting]);

    // Act
    const summary = await harness.sweep.run();

    // Assess
    // The recording waiting on a recorded rate limit is not even read: its watch is past its wait.
    expect(summary).toEqual({ stuckEnded: 4, stuckLeftAlone: 0, stuckSkipped: 0, stuckFailed: 0 });
    const statusOf = (recording: Recording) => harness.store.current(recording.recordingId).status;
    expect([received, posted, handedOver, retried, waiting].map(statusOf)).toEqual([
      'FAILED',
      'NEEDS_REVIEW',
      'FAILED',
      'FAILED',
      'SUBMITTING',
    ]);
    expect(harness.store.current(posted.recordingId).ingestWork).toBeUndefined();
    expect(harness.store.outbox.map((notification) => notification.recordingId).sort()).toEqual(
      [received, posted, handedOver, retried].map((recording) => recording.recordingId).sort(),
    );
    expect(harness.publisher.published).toEqual(harness.store.outbox);
    expect(
      harness.store.outbox.find((notification) => notification.status === 'NEEDS_REVIEW')?.details,
    ).toEqual({
      code: 'stuck',
      stuckIn: 'SUBMITTING',
      idleMs: 7 * HOUR,
      alertWorthy: true,
      source: 'reconciler',
    });
    expect(
      harness.metrics.total(PollMetric.stuckEnded, { stuckIn: 'SUBMITTING', endedAs: 'NEEDS_REVIEW' }),
    ).toBe(1);
    expect(harness.metrics.total(PollMetric.stuckEnded, { endedAs: 'FAILED' })).toBe(3);
  });

  it('skips a recording ingest wrote to after it was listed (a wait recorded, a POST about to be made)', async () => {
    // Prepare
    const listed = stuckIn('SUBMITTING', 7 * HOUR, { ingestWork: owned(false) });
    const harness = sweepHarness([listed]);
    harness.store.put({
      ...listed,
      poll: { ...listed.poll, pollSeq: listed.poll.pollSeq + 1 },
      ingestWork: owned(true),
    });

    // Act
    const summary = await harness.sweep.run();

    // Assess
    expect(summary).toMatchObject({ stuckEnded: 0, stuckSkipped: 1 });
    expect(harness.store.current(listed.recordingId).status).toBe('SUBMITTING');
    expect(harness.publisher.published).toEqual([]);
  });

  it('ends at most maxEndedPerRun recordings, the longest stuck first', async () => {
    // Prepare
    const recordings = [9, 12, 7, 10].map((hours) =>
      stuckIn('RECEIVED', hours * HOUR, { ingestWork: owned(false) }),
    );
    const harness = sweepHarness(recordings, { maxEndedPerRun: 2 });

    // Act
    const summary = await harness.sweep.run();

    // Assess
    expect(summary.stuckEnded).toBe(2);
    expect(harness.store.outbox.map((notification) => notification.recordingId)).toEqual([
      'rec-received-43200000',
      'rec-received-36000000',
    ]);
  });

  it('looks at no more than maxExaminedPerRun recordings, and never reads one that is waiting', async () => {
    // Prepare
    const holding = (hours: number) =>
      stuckIn('SUBMITTING', hours * HOUR, {
        ingestWork: owned(false, { until: NOW + HOUR, cause: 'rate-limited' }),
      });
    const stuck = [9, 8, 7].map((hours) => stuckIn('RECEIVED', hours * HOUR, { ingestWork: owned(false) }));
    const harness = sweepHarness([holding(12), holding(11), ...stuck], { maxExaminedPerRun: 2 });

    // Act
    const summary = await harness.sweep.run();

    // Assess
    expect(summary).toMatchObject({ stuckEnded: 2, stuckLeftAlone: 0 });
    expect(stuck.map((recording) => harness.store.current(recording.recordingId).status)).toEqual([
      'FAILED',
      'FAILED',
      'RECEIVED',
    ]);
  });

  it('finds a recording stuck for 30 days: there is no look-back limit', async () => {
    // Prepare
    const ancient = stuckIn('RECEIVED', 30 * 24 * HOUR, { ingestWork: owned(false) });
    const harness = sweepHarness([ancient]);

    // Act
    const summary = await harness.sweep.run();

    // Assess
    expect(summary.stuckEnded).toBe(1);
    expect(harness.store.current(ancient.recordingId).status).toBe('FAILED');
  });

  it('stops taking on recordings once told time is short', async () => {
    // Prepare
    const recordings = [8, 9].map((hours) => stuckIn('RECEIVED', hours * HOUR, { ingestWork: owned(false) }));
    const harness = sweepHarness(recordings);

    // Act: time runs short once the first one is ended.
    const summary = await harness.sweep.run(() => harness.store.outbox.length >= 1);

    // Assess
    expect(summary.stuckEnded).toBe(1);
  });

  it('goes on after a write that failed, and reports it for the next run', async () => {
    // Prepare
    const failing = stuckIn('RECEIVED', 9 * HOUR, { ingestWork: owned(false) });
    const fine = stuckIn('RECEIVED', 8 * HOUR, { ingestWork: owned(false) });
    const harness = sweepHarness([failing, fine]);
    const transition = harness.store.transition.bind(harness.store);
    harness.store.transition = async (current, request) => {
      if (current.recordingId === failing.recordingId) {
        throw new RetryableError('DynamoDB TransactWriteItems failed: ThrottlingException');
      }
      return transition(current, request);
    };

    // Act
    const summary = await harness.sweep.run();

    // Assess
    expect(summary).toMatchObject({ stuckEnded: 1, stuckFailed: 1 });
    expect(harness.store.current(fine.recordingId).status).toBe('FAILED');
    expect(harness.logger.entries.map((entry) => entry.message)).toContain(
      'Stuck recording not ended; the next run tries again',
    );
  });
});
