import { describe, expect, it } from 'vitest';
import { PermanentError, RetryableError } from '../../../shared/errors.ts';
import { IngestMetric, idempotencyKeyOf } from '../../../shared/ingest/outcomes.ts';
import {
  ZoomAuthError,
  ZoomNotSentError,
  ZoomRateLimitedError,
  ZoomTransientError,
} from '../../../shared/zoom/errors.ts';
import { ingestHarness } from '../../helpers/ingest-harness.ts';

function zoom429(retryAfterMs: number, kind: 'qps' | 'daily' = 'qps') {
  return new ZoomRateLimitedError(
    { operation: 'createInteraction', httpStatus: 429 },
    { retryAfterMs, kind, label: 'HEAVY', source: 'zoom' },
  );
}

function zoom503() {
  return new ZoomTransientError(
    'Zoom failed',
    { operation: 'createInteraction', httpStatus: 503 },
    'server-error',
  );
}

describe('ingest: rate limits wait, never fail', () => {
  it('re-sends a recording refused with 429, then posts it again with the same key', async () => {
    // Prepare
    const harness = ingestHarness({ profile: { honoursIdempotencyKey: false } });
    harness.putObject();
    harness.zoom.postFailures.push(zoom429(1_000));

    // Act
    const delayed = await harness.drop();
    const waiting = harness.recordings.only();
    harness.clock.advance(5_000);
    const resumed = await harness.deliverLastRequeue();

    // Assess
    const start = harness.clock.now() - 5_000;
    expect(delayed).toEqual([
      {
        kind: 'delayed',
        recordingId: waiting.recordingId,
        cause: 'rate-limited',
        dueAt: start + 1_000 + 2_500,
      },
    ]);
    expect(waiting.status).toBe('SUBMITTING');
    // The refusal is on the recording itself: nothing reached Zoom, and it waits until the re-send is due.
    expect(waiting.ingestWork).toEqual({
      ownerDelivery: 'message-1',
      mayHavePosted: false,
      waiting: { until: start + 1_000 + 2_500, cause: 'rate-limited' },
    });
    expect(harness.requeue.sent[0]).toMatchObject({
      cause: 'rate-limited',
      recordingId: waiting.recordingId,
      rateLimited: 1,
    });
    // The refused POST created nothing, so even an account that ignores the key is posted to again.
    expect(resumed.map((outcome) => outcome.kind)).toEqual(['submitted']);
    expect(harness.zoom.listQueries).toHaveLength(0);
    expect(harness.zoom.posts.map((post) => post.idempotencyKey)).toEqual([
      idempotencyKeyOf(waiting.recordingId, 1),
      idempotencyKeyOf(waiting.recordingId, 1),
    ]);
    expect(
      harness.metrics.total(IngestMetric.zoomRateLimited, { label: 'HEAVY', source: 'zoom', kind: 'qps' }),
    ).toBe(1);
  });

  it('holds a daily-limit refusal until the reset, re-sending without calling Zoom until it is due', async () => {
    // Prepare
    const harness = ingestHarness();
    harness.putObject();
    const reset = Date.parse('2026-11-25T00:00:00Z');
    harness.zoom.postFailures.push(zoom429(reset - harness.clock.now(), 'daily'));

    // Act
    await harness.drop();
    harness.clock.advance(900_000);
    const early = await harness.deliverLastRequeue();
    const held = harness.recordings.only();
    harness.clock.set(reset + 10_000);
    const due = await harness.deliverLastRequeue();

    // Assess
    expect(harness.requeue.sent).toHaveLength(2);
    expect(harness.requeue.sent[0]?.dueAt).toBe(reset + 2_500);
    expect(harness.requeue.sent[1]).toEqual(harness.requeue.sent[0]);
    expect(early).toMatchObject([{ kind: 'delayed', cause: 'rate-limited', dueAt: reset + 2_500 }]);
    // The hold is on the recording until the reset (re-sends before it leave it be), so the
    // reconciler's sweep of stuck recordings leaves it alone.
    expect(held.ingestWork).toEqual({
      ownerDelivery: 'message-1',
      mayHavePosted: false,
      waiting: { until: reset + 2_500, cause: 'rate-limited' },
    });
    expect(harness.zoom.posts).toHaveLength(2);
    expect(due.map((outcome) => outcome.kind)).toEqual(['submitted']);
    expect(harness.recordings.only().status).toBe('SUBMITTED');
  });
});

describe('ingest: transient failures are retried within a budget', () => {
  it('retries a Zoom 5xx with backoff, then ends FAILED with the reason once the budget is spent', async () => {
    // Prepare
    const harness = ingestHarness({
      settings: { ingest: { retries: { transientAttempts: 2, baseDelaySeconds: 10, maxDelaySeconds: 900 } } },
      profile: { honoursIdempotencyKey: true },
    });
    harness.putObject();
    harness.zoom.postFailures.push(zoom503(), zoom503(), zoom503());

    // Act
    const first = await harness.drop();
    harness.clock.advance(60_000);
    const second = await harness.deliverLastRequeue();
    harness.clock.advance(60_000);
    const last = await harness.deliverLastRequeue();

    // Assess
    expect(first).toMatchObject([
      { kind: 'delayed', cause: 'transient', dueAt: harness.clock.now() - 120_000 + 7_500 },
    ]);
    expect(second).toMatchObject([{ kind: 'delayed', cause: 'transient' }]);
    expect(harness.requeue.sent.map((message) => message.transientFailures)).toEqual([1, 2]);
    expect(last).toMatchObject([
      {
        kind: 'failed',
        code: 'retries-exhausted',
        reason: expect.stringMatching(
          /^Gave up after 3 transient failures; the last: Zoom createInteraction: Zoom failed \(HTTP 503\)\. The last POST may have reached Zoom/,
        ),
      },
    ]);
    // Zoom honours the key: every retry posts with the same one.
    expect(new Set(harness.zoom.posts.map((post) => post.idempotencyKey)).size).toBe(1);
    expect(harness.recordings.notifications.map((notification) => notification.status)).toEqual(['FAILED']);
  });

  it('retries a transient AWS failure before the recording is claimed, and leaves it to the DLQ past the budget', async () => {
    // Prepare
    const harness = ingestHarness({ settings: { ingest: { retries: { transientAttempts: 1 } } } });
    harness.putObject();
    harness.objects.headFailures.push(
      new RetryableError('S3 HeadObject failed: SlowDown'),
      new RetryableError('S3 HeadObject failed: SlowDown'),
    );

    // Act
    const delayed = await harness.drop();
    harness.clock.advance(60_000);
    const exhausted = harness.deliverLastRequeue();

    // Assess
    expect(delayed).toMatchObject([{ kind: 'delayed', recordingId: undefined, cause: 'transient' }]);
    await expect(exhausted).rejects.toThrow('S3 HeadObject failed: SlowDown');
    expect(harness.recordings.items.size).toBe(0);
  });

  it('fails at once, alert-worthy, when Zoom refuses the credentials: no retry loop', async () => {
    // Prepare
    const harness = ingestHarness();
    harness.putObject();
    harness.zoom.postFailures.push(
      new ZoomAuthError('OAuth refused the client credentials', {
        operation: 'oauth',
        httpStatus: 400,
        zoomMessage: 'Invalid client_id or client_secret',
      }),
    );

    // Act
    const outcomes = await harness.drop();

    // Assess
    expect(outcomes).toMatchObject([
      {
        kind: 'failed',
        code: 'zoom-credentials',
        reason: expect.stringMatching(
          /^Zoom refused qm-ingest's credentials for Zoom profile main: .*Fix the Server-to-Server OAuth app or the secret qm-ingest\/test\/zoom/,
        ),
      },
    ]);
    expect(harness.requeue.sent).toHaveLength(0);
    expect(harness.recordings.notifications[0]).toMatchObject({
      status: 'FAILED',
      details: { alertWorthy: true, code: 'zoom-credentials' },
    });
    expect(harness.publisher.published).toEqual(harness.recordings.notifications);
  });
});

describe('ingest: a waiting recording whose object changes', () => {
  it('ends REJECTED when its object is deleted during a rate-limit wait, with no second recording', async () => {
    // Prepare
    const harness = ingestHarness();
    harness.putObject();
    harness.zoom.postFailures.push(zoom429(1_000));
    await harness.drop();
    harness.objects.heads.clear();
    harness.clock.advance(5_000);

    // Act
    const outcomes = await harness.deliverLastRequeue();

    // Assess
    expect(harness.requeue.sent[0]?.recordingId).toBe(harness.recordings.only().recordingId);
    expect(outcomes).toMatchObject([
      {
        kind: 'rejected',
        code: 'object-deleted',
        reason: expect.stringContaining('deleted or overwritten before qm-ingest could submit it'),
      },
    ]);
    expect(harness.recordings.items.size).toBe(1);
    expect(harness.zoom.posts).toHaveLength(1);
  });

  it('ends REJECTED when its object is overwritten while it waits for a sidecar (the new bytes have their own event)', async () => {
    // Prepare
    const harness = ingestHarness();
    harness.putObject('calls/unmatched.mp3', { Metadata: {} });
    await harness.drop('calls/unmatched.mp3');
    harness.putObject('calls/unmatched.mp3', { Metadata: {}, ETag: '"ffffffffffffffffffffffffffffffff"' });
    harness.clock.advance(30_000);

    // Act
    const outcomes = await harness.deliverLastRequeue();

    // Assess
    expect(outcomes).toMatchObject([{ kind: 'rejected', code: 'object-deleted' }]);
    expect(harness.recordings.items.size).toBe(1);
  });

  it('stands down when the recording it waited for was moved on without it', async () => {
    // Prepare
    const harness = ingestHarness();
    harness.putObject();
    harness.zoom.postFailures.push(zoom429(1_000));
    await harness.drop();
    const waiting = harness.recordings.only();
    await harness.recordings.transition(waiting, {
      to: 'FAILED',
      reason: 'ended by an operator',
      notification: { details: {} },
    });
    harness.clock.advance(5_000);

    // Act
    const outcomes = await harness.deliverLastRequeue();

    // Assess
    expect(outcomes).toEqual([{ kind: 'skipped', reason: 'duplicate', recordingId: waiting.recordingId }]);
    expect(harness.zoom.posts).toHaveLength(1);
  });
});

describe('ingest: a failure before the POST was sent is recorded as "nothing sent"', () => {
  it('a rate-limiter (DynamoDB) failure leaves the POST as not made: the next attempt posts, with no lookup and no review', async () => {
    // Prepare
    const harness = ingestHarness({ profile: { honoursIdempotencyKey: false } });
    harness.putObject();
    harness.zoom.postFailures.push(
      new ZoomNotSentError('createInteraction', 'rate-limiter', new RetryableError('DynamoDB throttled')),
    );

    // Act
    const delayed = await harness.drop();
    const waiting = harness.recordings.only();
    harness.clock.advance(3_600_000);
    const resumed = await harness.deliverLastRequeue();

    // Assess
    expect(delayed.map((outcome) => outcome.kind)).toEqual(['delayed']);
    expect(waiting.ingestWork?.mayHavePosted).toBe(false);
    expect(resumed.map((outcome) => outcome.kind)).toEqual(['submitted']);
    expect(harness.zoom.listQueries).toHaveLength(0);
    expect(harness.recordings.only().status).toBe('SUBMITTED');
  });

  it('a permanent failure of the token store ends the recording FAILED as not sent, with what to do', async () => {
    // Prepare
    const harness = ingestHarness({ profile: { honoursIdempotencyKey: false } });
    harness.putObject();
    harness.zoom.postFailures.push(
      new ZoomNotSentError('createInteraction', 'token-store', new PermanentError('AccessDeniedException')),
    );

    // Act
    const [outcome] = await harness.drop();

    // Assess
    expect(outcome).toMatchObject({ kind: 'failed', code: 'not-sent' });
    const failed = harness.recordings.only();
    expect(failed.status).toBe('FAILED');
    expect(failed.reason).toContain('Nothing was sent to Zoom');
    expect(failed.reason).toContain('retry the recording');
  });
});

describe('ingest: no wait is unbounded', () => {
  it('ends a recording still held by rate limits at its age limit FAILED, with the remedy, its last wait cut to the limit', async () => {
    // Prepare
    const harness = ingestHarness({
      profile: { honoursIdempotencyKey: false },
      settings: { ingest: { maxAgeBeforeSubmissionSeconds: 3_600 } },
    });
    harness.putObject();
    const uploadedAt = harness.clock.now();
    harness.zoom.postFailures.push(...[1, 2, 3].map(() => zoom429(50 * 60_000, 'daily')));

    // Act
    const first = await harness.drop();
    harness.clock.set(harness.requeue.sent.at(-1)?.dueAt ?? 0);
    const second = await harness.deliverLastRequeue();
    harness.clock.set(harness.requeue.sent.at(-1)?.dueAt ?? 0);
    const last = await harness.deliverLastRequeue();

    // Assess
    expect(first).toMatchObject([{ kind: 'delayed', cause: 'rate-limited' }]);
    // The second wait would end past the limit: it is cut to the limit itself.
    expect(second).toMatchObject([{ kind: 'delayed', dueAt: uploadedAt + 3_600_000 }]);
    expect(last).toMatchObject([
      {
        kind: 'failed',
        code: 'max-age',
        reason: expect.stringMatching(
          /^Not submitted within 60 min .*its upload; it was waiting \(rate-limited\)\. Nothing was sent to Zoom\..*qm-ingest retry <key>/,
        ),
      },
    ]);
    expect(harness.recordings.only().status).toBe('FAILED');
    expect(harness.zoom.posts).toHaveLength(3);
  });

  it('ends a recording whose POST may have reached Zoom at its age limit NEEDS_REVIEW, never FAILED', async () => {
    // Prepare
    const harness = ingestHarness({
      profile: { honoursIdempotencyKey: false },
      settings: {
        ingest: {
          maxAgeBeforeSubmissionSeconds: 3_600,
          uncertainPost: { patienceSeconds: 7_200, minRecheckSeconds: 600, maxRecheckSeconds: 1_800 },
        },
      },
    });
    harness.putObject(undefined, { Metadata: { 'start-time': '2026-11-24T09:45:00Z' } });
    harness.zoom.postFailures.push(zoom503());

    // Act
    let outcomes = await harness.drop();
    while (outcomes[0]?.kind === 'delayed') {
      harness.clock.set(harness.requeue.sent.at(-1)?.dueAt ?? 0);
      outcomes = await harness.deliverLastRequeue();
    }

    // Assess
    expect(outcomes).toMatchObject([
      { kind: 'needs-review', reason: expect.stringContaining('a POST may have reached Zoom') },
    ]);
    expect(harness.zoom.posts).toHaveLength(1);
  });
});
