import { describe, expect, it } from 'vitest';
import { RetryableError } from '../../../shared/errors.ts';
import { IngestMetric, idempotencyKeyOf } from '../../../shared/ingest/outcomes.ts';
import type { Transition } from '../../../shared/recordings/transition.ts';
import { ZoomResponseSchemaError } from '../../../shared/zoom/errors.ts';
import type { InteractionSummary } from '../../../shared/zoom/schemas.ts';
import { DEFAULT_KEY, ingestHarness } from '../../helpers/ingest-harness.ts';

/** Makes the first write to SUBMITTED fail: the crash between the POST and its record. */
function crashAfterPost(error: Error = new Error('the container died')) {
  let crashed = false;
  return (transition: Transition) => {
    if (transition.to === 'SUBMITTED' && !crashed) {
      crashed = true;
      throw error;
    }
  };
}

function listed(
  interactionId: string,
  startTime: string,
  extra: Partial<InteractionSummary> = {},
): InteractionSummary {
  return {
    interaction_info: { interaction_id: interactionId },
    start_time: startTime,
    direction: 'inbound',
    ...extra,
  } as InteractionSummary;
}

describe('ingest: one recording, one interaction', () => {
  it('treats a duplicate event (another message) as the same recording: one POST', async () => {
    // Prepare
    const harness = ingestHarness();
    harness.putObject();

    // Act
    await harness.drop();
    const second = await harness.drop();
    const third = await harness.drop();

    // Assess
    expect(second).toEqual([{ kind: 'skipped', reason: 'duplicate' }]);
    expect(third).toEqual([{ kind: 'skipped', reason: 'duplicate' }]);
    expect(harness.zoom.posts).toHaveLength(1);
    expect(harness.metrics.total(IngestMetric.skipped, { reason: 'duplicate' })).toBe(2);
  });

  it('lets only one of two concurrent deliveries submit', async () => {
    // Prepare
    const harness = ingestHarness();
    harness.putObject();

    // Act
    const outcomes = (await Promise.all([harness.drop(), harness.drop()])).flat();

    // Assess
    expect(outcomes.map((outcome) => outcome.kind).sort()).toEqual(['skipped', 'submitted']);
    expect(harness.zoom.posts).toHaveLength(1);
  });

  it('stands down when another delivery owns a recording still waiting for its sidecar', async () => {
    // Prepare
    const harness = ingestHarness();
    harness.putObject('calls/no-template-match.mp3', { Metadata: {} });
    await harness.drop('calls/no-template-match.mp3');

    // Act
    const duplicate = await harness.drop('calls/no-template-match.mp3');

    // Assess
    expect(duplicate).toEqual([{ kind: 'skipped', reason: 'duplicate' }]);
    expect(harness.requeue.sent).toHaveLength(1);
  });

  it('treats the same bytes uploaded again as the same recording, and new bytes as a new one', async () => {
    // Prepare
    const harness = ingestHarness();
    harness.putObject();
    await harness.drop();

    // Act
    const sameBytes = await harness.drop();
    harness.putObject(DEFAULT_KEY, { ETag: '"ffffffffffffffffffffffffffffffff"' });
    const newBytes = await harness.drop();

    // Assess
    expect(sameBytes).toEqual([{ kind: 'skipped', reason: 'duplicate' }]);
    expect(newBytes.map((outcome) => outcome.kind)).toEqual(['submitted']);
    expect(harness.recordings.items.size).toBe(2);
    expect(harness.zoom.posts).toHaveLength(2);
  });

  it('skips an event about an earlier write of an overwritten key (the newer event handles it)', async () => {
    // Prepare
    const harness = ingestHarness();
    harness.putObject(DEFAULT_KEY, { ETag: '"ffffffffffffffffffffffffffffffff"' });

    // Act
    const outcomes = await harness.deliver(
      JSON.stringify({
        Records: [
          {
            eventSource: 'aws:s3',
            eventName: 'ObjectCreated:Put',
            eventTime: '2026-11-24T09:59:58.000Z',
            s3: { bucket: { name: 'recordings' }, object: { key: DEFAULT_KEY, size: 10, eTag: 'aaaa' } },
          },
        ],
      }),
    );

    // Assess
    expect(outcomes).toEqual([{ kind: 'skipped', reason: 'superseded' }]);
    expect(harness.recordings.items.size).toBe(0);
  });
});

describe('ingest: a crash between the POST and its record never makes a second interaction', () => {
  it('posts again with the same key where Zoom honours it, and records the one interaction', async () => {
    // Prepare
    const harness = ingestHarness({ profile: { honoursIdempotencyKey: true } });
    harness.putObject();
    harness.recordings.beforeTransition = crashAfterPost();
    const crashed = harness.drop(DEFAULT_KEY, 'message-A');
    await expect(crashed).rejects.toThrow('the container died');

    // Act
    const redelivered = await harness.drop(DEFAULT_KEY, 'message-A');

    // Assess
    const recording = harness.recordings.only();
    expect(redelivered).toEqual([
      { kind: 'submitted', recordingId: recording.recordingId, interactionId: 'IX0001' },
    ]);
    expect(harness.zoom.posts.map((post) => post.idempotencyKey)).toEqual([
      idempotencyKeyOf(recording.recordingId, 1),
      idempotencyKeyOf(recording.recordingId, 1),
    ]);
  });

  it('finds the interaction instead of posting again where Zoom ignores the key', async () => {
    // Prepare
    const harness = ingestHarness({ profile: { honoursIdempotencyKey: false } });
    harness.putObject(DEFAULT_KEY, { Metadata: { 'start-time': '2026-11-24T09:45:00Z', 'queue-id': 'q-7' } });
    harness.recordings.beforeTransition = crashAfterPost();
    await expect(harness.drop(DEFAULT_KEY, 'message-A')).rejects.toThrow();
    harness.zoom.listed = [
      listed('IX-other-call', '2026-11-24T09:40:00Z', { queue_id: 'q-7' }),
      listed('IX0001', '2026-11-24T09:45:00Z', { queue_id: 'q-7' }),
    ];

    // Act
    const redelivered = await harness.drop(DEFAULT_KEY, 'message-A');

    // Assess
    expect(redelivered.map((outcome) => outcome.kind)).toEqual(['submitted']);
    expect(harness.recordings.only()).toMatchObject({ status: 'SUBMITTED', interactionId: 'IX0001' });
    expect(harness.zoom.posts).toHaveLength(1);
    expect(harness.zoom.listQueries).toEqual([
      { from: '2026-11-24T09:40:00Z', to: '2026-11-24T09:50:00Z', queues: ['q-7'], direction: 'inbound' },
    ]);
  });

  it.each([
    ['nothing is listed yet', [], 'found none yet'],
    [
      'two interactions fit',
      [listed('IX0001', '2026-11-24T09:45:00Z'), listed('IX0002', '2026-11-24T09:45:00Z')],
      'found 2 candidates',
    ],
  ])('ends NEEDS_REVIEW, never a second POST, when %s', async (_case, interactions, found) => {
    // Prepare
    const harness = ingestHarness({ profile: { honoursIdempotencyKey: false } });
    harness.putObject(DEFAULT_KEY, { Metadata: { 'start-time': '2026-11-24T09:45:00Z' } });
    harness.recordings.beforeTransition = crashAfterPost();
    await expect(harness.drop(DEFAULT_KEY, 'message-A')).rejects.toThrow();
    harness.zoom.listed = interactions;

    // Act
    const redelivered = await harness.drop(DEFAULT_KEY, 'message-A');

    // Assess
    expect(redelivered).toMatchObject([{ kind: 'needs-review', reason: expect.stringContaining(found) }]);
    expect(harness.zoom.posts).toHaveLength(1);
    expect(harness.recordings.notifications).toMatchObject([
      { status: 'NEEDS_REVIEW', details: { alertWorthy: true } },
    ]);
    expect(harness.metrics.total(IngestMetric.needsReview)).toBe(1);
  });

  it('does not take an interaction another recording already holds', async () => {
    // Prepare
    const harness = ingestHarness({ profile: { honoursIdempotencyKey: false } });
    harness.putObject('calls/2026-11-24/jane.doe@example.com/inbound-1.mp3', {
      ETag: '"11111111111111111111111111111111"',
    });
    await harness.drop('calls/2026-11-24/jane.doe@example.com/inbound-1.mp3');
    harness.putObject();
    harness.recordings.beforeTransition = crashAfterPost();
    await expect(harness.drop(DEFAULT_KEY, 'message-A')).rejects.toThrow();
    harness.zoom.listed = [listed('IX0001', '2026-11-24T08:45:00Z')];

    // Act
    const redelivered = await harness.drop(DEFAULT_KEY, 'message-A');

    // Assess
    expect(redelivered).toMatchObject([{ kind: 'needs-review' }]);
  });

  it('carries the interaction id in its re-send when only the state write failed, and records it without a POST', async () => {
    // Prepare
    const harness = ingestHarness({ profile: { honoursIdempotencyKey: false } });
    harness.putObject();
    harness.recordings.beforeTransition = crashAfterPost(new RetryableError('DynamoDB throttled'));

    // Act
    const delayed = await harness.drop();
    harness.clock.advance(60_000);
    const recorded = await harness.deliverLastRequeue();

    // Assess
    expect(delayed).toMatchObject([{ kind: 'delayed', cause: 'state-write' }]);
    expect(harness.requeue.sent[0]?.created).toEqual({
      submission: 1,
      interactionId: 'IX0001',
      urlExpiresAt: harness.clock.now() - 60_000 + 3_600_000,
    });
    expect(recorded.map((outcome) => outcome.kind)).toEqual(['submitted']);
    expect(harness.zoom.posts).toHaveLength(1);
    expect(harness.zoom.listQueries).toHaveLength(0);
  });

  it('ends NEEDS_REVIEW when Zoom accepts the POST but answers without an interaction id', async () => {
    // Prepare
    const harness = ingestHarness();
    harness.putObject();
    harness.zoom.postFailures.push(
      new ZoomResponseSchemaError({ operation: 'createInteraction', httpStatus: 201 }, [
        'interaction_id: must be a non-empty id',
      ]),
    );

    // Act
    const outcomes = await harness.drop();

    // Assess
    expect(outcomes).toMatchObject([
      { kind: 'needs-review', reason: expect.stringContaining('the interaction may exist') },
    ]);
    expect(harness.publisher.published).toMatchObject([
      { status: 'NEEDS_REVIEW', details: { code: 'possible-duplicate', alertWorthy: true } },
    ]);
  });
});
