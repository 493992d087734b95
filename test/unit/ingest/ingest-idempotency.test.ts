import { describe, expect, it } from 'vitest';
import { RetryableError } from '../../../shared/errors.ts';
import { IngestMetric, idempotencyKeyOf } from '../../../shared/ingest/outcomes.ts';
import type { Transition } from '../../../shared/recordings/transition.ts';
import { ZoomResponseSchemaError, ZoomValidationError } from '../../../shared/zoom/errors.ts';
import type { InteractionDetail, InteractionSummary } from '../../../shared/zoom/schemas.ts';
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
    start_time: startTime,
    direction: 'inbound',
    ...extra,
    interaction_info: { interaction_id: interactionId, channel_type: 'AUDIO', ...extra.interaction_info },
  } as InteractionSummary;
}

const AGENT_EMAIL = 'jane.doe@example.com';

/** A recording whose POST reached Zoom just before the container died, on an account that ignores the key. */
function crashedOnIgnoringAccount(metadata: Record<string, string>) {
  const harness = ingestHarness({ profile: { honoursIdempotencyKey: false } });
  harness.putObject(DEFAULT_KEY, { Metadata: metadata });
  harness.recordings.beforeTransition = crashAfterPost();
  return {
    ...harness,
    /** The first delivery crashes; later ones with the same message id are its redeliveries. */
    drop: async (key: string, messageId: string) => {
      if (harness.zoom.posts.length === 0) {
        await expect(harness.drop(key, messageId)).rejects.toThrow('the container died');
      }
      return harness.drop(key, messageId);
    },
  };
}

/** An interaction detail whose transcript names `email` as the rep (the agent). */
function detailWithRep(email: string): InteractionDetail {
  return {
    interaction_info: { interaction_id: 'ignored' },
    transcript_body: {
      speakers: [
        { speaker_id: '0', role: 'rep', email_address: email, zoom_user_id: 'u-rep' },
        { speaker_id: '1', role: 'customer', email_address: undefined },
      ],
    },
  } as InteractionDetail;
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
    const harness = crashedOnIgnoringAccount({ 'start-time': '2026-11-24T09:45:00Z', 'queue-id': 'q-7' });
    harness.zoom.listed = [
      listed('IX-other-call', '2026-11-24T09:40:00Z', { queue_id: 'q-7' }),
      listed('IX0001', '2026-11-24T09:45:00Z', { queue_id: 'q-7' }),
    ];
    harness.zoom.details.set('IX0001', detailWithRep(AGENT_EMAIL));

    // Act
    const redelivered = await harness.drop(DEFAULT_KEY, 'message-A');

    // Assess
    expect(redelivered.map((outcome) => outcome.kind)).toEqual(['submitted']);
    expect(harness.recordings.only()).toMatchObject({ status: 'SUBMITTED', interactionId: 'IX0001' });
    expect(harness.zoom.posts).toHaveLength(1);
    expect(harness.zoom.listQueries).toEqual([
      {
        from: '2026-11-24T09:40:00Z',
        to: '2026-11-24T09:50:00Z',
        page_size: 99,
        queues: ['q-7'],
        direction: 'inbound',
      },
    ]);
    // Only the interaction the listing agrees with is opened, to check its agent.
    expect(harness.zoom.detailRequests).toEqual(['IX0001']);
  });

  it('keeps looking while Zoom has not listed the interaction yet, then adopts it', async () => {
    // Prepare
    const harness = crashedOnIgnoringAccount({ 'start-time': '2026-11-24T09:45:00Z' });

    // Act
    const first = await harness.drop(DEFAULT_KEY, 'message-A');
    const waiting = harness.recordings.only();
    harness.zoom.listed = [listed('IX0001', '2026-11-24T09:45:00Z')];
    harness.zoom.details.set('IX0001', detailWithRep(AGENT_EMAIL));
    harness.clock.advance(120_000);
    const second = await harness.deliverLastRequeue();

    // Assess
    expect(first).toMatchObject([{ kind: 'delayed', cause: 'lookup-wait' }]);
    expect(waiting.ingestWork).toMatchObject({ mayHavePosted: true, uncertainSince: expect.any(Number) });
    expect(second.map((outcome) => outcome.kind)).toEqual(['submitted']);
    expect(harness.zoom.posts).toHaveLength(1);
  });

  it('ends NEEDS_REVIEW with the remedy once its patience is spent, after a bounded number of lookups, never a second POST', async () => {
    // Prepare
    const harness = crashedOnIgnoringAccount({ 'start-time': '2026-11-24T09:45:00Z' });
    const patienceMs = harness.settings.ingest.uncertainPost.patienceSeconds * 1000;

    // Act
    let outcomes = await harness.drop(DEFAULT_KEY, 'message-A');
    const startedAt = harness.clock.now();
    while (outcomes[0]?.kind === 'delayed') {
      harness.clock.set(harness.requeue.sent.at(-1)?.dueAt ?? 0);
      outcomes = await harness.deliverLastRequeue();
    }

    // Assess
    expect(outcomes).toMatchObject([
      { kind: 'needs-review', reason: expect.stringContaining('qm-ingest resolve <key> --interaction <id>') },
    ]);
    expect(harness.clock.now() - startedAt).toBe(patienceMs);
    expect(harness.zoom.posts).toHaveLength(1);
    // Each wait as long as the time spent (2 min up to 30 min): about a dozen lookups over 6 hours.
    expect(harness.zoom.listQueries.length).toBeGreaterThan(5);
    expect(harness.zoom.listQueries.length).toBeLessThan(20);
    expect(harness.recordings.notifications).toMatchObject([
      { status: 'NEEDS_REVIEW', details: { alertWorthy: true } },
    ]);
    expect(harness.metrics.total(IngestMetric.needsReview)).toBe(1);
  });

  it('ends NEEDS_REVIEW at once, naming them, when two interactions fit', async () => {
    // Prepare
    const harness = crashedOnIgnoringAccount({ 'start-time': '2026-11-24T09:45:00Z' });
    harness.zoom.listed = [
      listed('IX0001', '2026-11-24T09:45:00Z'),
      listed('IX0002', '2026-11-24T09:45:00Z'),
    ];
    harness.zoom.details.set('IX0001', detailWithRep(AGENT_EMAIL));
    harness.zoom.details.set('IX0002', detailWithRep(AGENT_EMAIL.toUpperCase()));

    // Act
    const redelivered = await harness.drop(DEFAULT_KEY, 'message-A');

    // Assess
    expect(redelivered).toMatchObject([
      {
        kind: 'needs-review',
        reason: expect.stringContaining('2 interactions that match it (IX0001, IX0002)'),
      },
    ]);
    expect(harness.zoom.posts).toHaveLength(1);
  });

  it.each([
    ['another agent in the transcript', {}, detailWithRep('someone.else@example.com')],
    ['a field the POST sent but the listing lacks', { from: '+12053546173' }, detailWithRep(AGENT_EMAIL)],
    ['a start time one minute apart', { 'start-time': '2026-11-24T09:46:00Z' }, detailWithRep(AGENT_EMAIL)],
  ])('never adopts an interaction with %s: it keeps looking', async (_case, metadata, detail) => {
    // Prepare
    const harness = crashedOnIgnoringAccount({ 'start-time': '2026-11-24T09:45:00Z', ...metadata });
    harness.zoom.listed = [listed('IX0001', '2026-11-24T09:45:00Z')];
    harness.zoom.details.set('IX0001', detail);

    // Act
    const redelivered = await harness.drop(DEFAULT_KEY, 'message-A');

    // Assess
    expect(redelivered).toMatchObject([{ kind: 'delayed', cause: 'lookup-wait' }]);
    expect(harness.recordings.only().interactionId).toBeUndefined();
  });

  it('ends NEEDS_REVIEW at once, with no lookup, for a recording without an agent', async () => {
    // Prepare
    const key = 'calls/no-agent.mp3';
    const harness = ingestHarness({
      profile: { honoursIdempotencyKey: false },
      settings: { ingest: { requiredMetadata: [] } },
    });
    harness.putObject(key, { Metadata: { 'start-time': '2026-11-24T09:45:00Z' } });
    harness.recordings.beforeTransition = crashAfterPost();
    await expect(harness.drop(key, 'message-A')).rejects.toThrow();

    // Act
    const redelivered = await harness.drop(key, 'message-A');

    // Assess
    expect(redelivered).toMatchObject([
      {
        kind: 'needs-review',
        reason: expect.stringContaining('Without agent, its interaction cannot be told apart'),
      },
    ]);
    expect(harness.zoom.listQueries).toHaveLength(0);
  });

  it('ends NEEDS_REVIEW, not a crash loop, when Zoom refuses the lookup for good', async () => {
    // Prepare
    const harness = crashedOnIgnoringAccount({ 'start-time': '2026-11-24T09:45:00Z' });
    harness.zoom.listFailure = new ZoomValidationError(
      'invalid request query, not sent',
      { operation: 'listInteractions' },
      [{ field: 'query.page_size', message: 'too big' }],
    );

    // Act
    const redelivered = await harness.drop(DEFAULT_KEY, 'message-A');

    // Assess
    expect(redelivered).toMatchObject([
      { kind: 'needs-review', reason: expect.stringContaining('looking its interaction up failed') },
    ]);
    expect(harness.zoom.posts).toHaveLength(1);
  });

  it("reads a bounded number of the listing's pages", async () => {
    // Prepare
    const harness = crashedOnIgnoringAccount({ 'start-time': '2026-11-24T09:45:00Z' });
    harness.zoom.pageSize = 1;
    harness.zoom.listed = Array.from({ length: 20 }, (_, index) =>
      listed(`IX-${index}`, '2026-11-24T09:45:00Z'),
    );

    // Act
    const redelivered = await harness.drop(DEFAULT_KEY, 'message-A');

    // Assess
    expect(redelivered).toMatchObject([
      { kind: 'needs-review', reason: expect.stringContaining('ran past 5 pages') },
    ]);
    expect(harness.zoom.listQueries).toHaveLength(5);
  });

  it('does not take an interaction another recording already holds', async () => {
    // Prepare
    const harness = ingestHarness({ profile: { honoursIdempotencyKey: false } });
    const otherKey = 'calls/2026-11-24/jane.doe@example.com/inbound-1.mp3';
    harness.putObject(otherKey, { ETag: '"11111111111111111111111111111111"' });
    await harness.drop(otherKey);
    harness.putObject();
    harness.recordings.beforeTransition = crashAfterPost();
    await expect(harness.drop(DEFAULT_KEY, 'message-A')).rejects.toThrow();
    harness.zoom.listed = [listed('IX0001', '2026-11-24T09:45:00Z')];
    harness.zoom.details.set('IX0001', detailWithRep(AGENT_EMAIL));

    // Act
    const redelivered = await harness.drop(DEFAULT_KEY, 'message-A');

    // Assess
    expect(redelivered).toMatchObject([{ kind: 'delayed', cause: 'lookup-wait' }]);
    expect(harness.zoom.posts).toHaveLength(2);
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

  it('looks the interaction up when Zoom accepts the POST but answers without its id (the key ignored)', async () => {
    // Prepare
    const harness = ingestHarness({ profile: { honoursIdempotencyKey: false } });
    harness.putObject(DEFAULT_KEY, { Metadata: { 'start-time': '2026-11-24T09:45:00Z' } });
    harness.zoom.postFailures.push(
      new ZoomResponseSchemaError({ operation: 'createInteraction', httpStatus: 201 }, [
        'interaction_id: must be a non-empty id',
      ]),
    );
    harness.zoom.listed = [listed('IX-ACCEPTED', '2026-11-24T09:45:00Z')];
    harness.zoom.details.set('IX-ACCEPTED', detailWithRep(AGENT_EMAIL));

    // Act
    const first = await harness.drop();
    harness.clock.advance(120_000);
    const second = await harness.deliverLastRequeue();

    // Assess
    expect(first).toMatchObject([{ kind: 'delayed', cause: 'lookup-wait' }]);
    expect(second).toMatchObject([{ kind: 'submitted', interactionId: 'IX-ACCEPTED' }]);
    expect(harness.zoom.posts).toHaveLength(1);
  });

  it('ends NEEDS_REVIEW when Zoom accepts the POST but answers without an interaction id, on a profile that honours the key', async () => {
    // Prepare
    const harness = ingestHarness({ profile: { honoursIdempotencyKey: true } });
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
