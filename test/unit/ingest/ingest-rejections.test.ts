import { describe, expect, it } from 'vitest';
import { IngestMetric } from '../../../shared/ingest/outcomes.ts';
import { ZoomNotFoundError, ZoomValidationError } from '../../../shared/zoom/errors.ts';
import { DEFAULT_KEY, ingestHarness, RECORDINGS_BUCKET } from '../../helpers/ingest-harness.ts';

const SIDECAR = `${RECORDINGS_BUCKET}/${DEFAULT_KEY}.json`;

describe('ingest: bad input ends REJECTED with its reason, and nothing is posted', () => {
  it.each([
    [{ ContentLength: 0 }, 'zero-bytes', 'The object is empty (0 bytes): there is nothing to evaluate'],
    [
      { ContentLength: 5_000_001 },
      'too-large',
      'The object is 5000001 bytes, more than the 5000000 bytes allowed (ingest.maxRecordingBytes)',
    ],
    [
      { ContentType: 'text/plain' },
      'unsupported-type',
      "unsupported type: the object's Content-Type is text/plain; qm-ingest submits audio and video recordings only",
    ],
    [
      { Metadata: { from: '0612345678' } },
      'invalid-metadata',
      'Invalid metadata: S3 object metadata: x-amz-meta-from must be an E.164 phone number such as +12053546173',
    ],
  ])('%o -> REJECTED %s', async (head, code, reason) => {
    // Prepare
    const harness = ingestHarness({ settings: { ingest: { maxRecordingBytes: 5_000_000 } } });
    harness.putObject(DEFAULT_KEY, head);

    // Act
    const outcomes = await harness.drop();

    // Assess
    const recording = harness.recordings.only();
    expect(outcomes).toEqual([{ kind: 'rejected', recordingId: recording.recordingId, code, reason }]);
    expect(recording).toMatchObject({ status: 'REJECTED', reason });
    expect(harness.zoom.posts).toHaveLength(0);
    expect(harness.recordings.notifications).toMatchObject([
      { status: 'REJECTED', reason, details: { code, alertWorthy: true, source: 'ingest' } },
    ]);
    // Published at once, not left for the reconciler.
    expect(harness.publisher.published).toEqual(harness.recordings.notifications);
    expect(harness.metrics.total(IngestMetric.rejected, { reason: code })).toBe(1);
  });

  it('keeps the rejection when publishing its notification fails: the outbox entry waits for the reconciler', async () => {
    // Prepare
    const harness = ingestHarness();
    harness.putObject(DEFAULT_KEY, { ContentLength: 0 });
    harness.publisher.succeeds = false;

    // Act
    const outcomes = await harness.drop();

    // Assess
    expect(outcomes).toMatchObject([{ kind: 'rejected', code: 'zero-bytes' }]);
    expect(harness.recordings.only().status).toBe('REJECTED');
    expect(harness.recordings.notifications).toMatchObject([{ status: 'REJECTED', state: 'PENDING' }]);
    expect(harness.publisher.published).toEqual([]);
  });

  it('records an object deleted before ingest as REJECTED, once per upload', async () => {
    // Prepare
    const harness = ingestHarness();

    // Act
    const first = await harness.drop();
    const duplicate = await harness.drop();

    // Assess
    expect(first).toMatchObject([
      {
        kind: 'rejected',
        code: 'object-deleted',
        reason: 'The object was deleted (or its version removed) before qm-ingest could read it',
      },
    ]);
    expect(duplicate).toEqual([{ kind: 'skipped', reason: 'duplicate' }]);
    expect(harness.recordings.items.size).toBe(1);
  });

  it('waits for a missing sidecar with delayed re-checks, then rejects naming what is missing', async () => {
    // Prepare
    const harness = ingestHarness({
      settings: { ingest: { sidecar: { waitSeconds: 120, recheckSeconds: 30 } } },
    });
    harness.putObject('calls/unmatched.mp3', { Metadata: {} });

    // Act
    const waiting = await harness.drop('calls/unmatched.mp3');
    harness.clock.set(harness.recordings.only().receivedAt + 120_000);
    const ended = await harness.deliverLastRequeue();

    // Assess
    expect(waiting).toMatchObject([
      { kind: 'delayed', cause: 'sidecar-wait', dueAt: Date.parse('2026-11-24T10:00:30Z') },
    ]);
    expect(harness.requeue.sent[0]).toMatchObject({ cause: 'sidecar-wait', origin: 'message-1' });
    expect(ended).toMatchObject([
      {
        kind: 'rejected',
        code: 'missing-metadata',
        reason:
          'Missing metadata: the agent (agent_email or agent_id) (give it as S3 user metadata x-amz-meta-*, in the sidecar JSON, or through the key template)',
      },
    ]);
    expect(harness.zoom.posts).toHaveLength(0);
  });

  it('submits once a late sidecar has arrived, with its metadata above the key template', async () => {
    // Prepare
    const harness = ingestHarness({ settings: { ingest: { requiredMetadata: ['agent', 'queueId'] } } });
    harness.putObject();
    await harness.drop();
    harness.objects.sidecars.set(SIDECAR, JSON.stringify({ queue_id: 'q-9', direction: 'outbound' }));
    harness.clock.advance(30_000);

    // Act
    const outcomes = await harness.deliverLastRequeue();

    // Assess
    expect(outcomes[0]?.kind).toBe('submitted');
    expect(harness.zoom.posts[0]?.body).toMatchObject({ queue_id: 'q-9', direction: 'outbound' });
  });

  it('waits for a required sidecar even when the other sources are complete', async () => {
    // Prepare
    const harness = ingestHarness({ settings: { ingest: { sidecar: { required: true, waitSeconds: 60 } } } });
    harness.putObject();

    // Act
    const waiting = await harness.drop();
    harness.clock.advance(120_000);
    const ended = await harness.deliverLastRequeue();

    // Assess
    expect(waiting[0]?.kind).toBe('delayed');
    expect(ended).toMatchObject([
      { kind: 'rejected', code: 'missing-metadata', reason: expect.stringContaining('no sidecar JSON') },
    ]);
  });

  it.each([
    [
      '{"agent_email": "jane@example.com", "queue": "q"}',
      'Invalid metadata: the sidecar JSON unknown field "queue" (known: agent_email,',
    ],
    ['{"agent_email": ', 'Invalid metadata: the sidecar JSON is not valid JSON'],
    [
      `{"consumer_name": "${'x'.repeat(70_000)}"}`,
      'The sidecar JSON is larger than 65536 bytes (ingest.sidecar.maxBytes)',
    ],
  ])('rejects at once a sidecar that cannot be used: %s', async (sidecar, reason) => {
    // Prepare
    const harness = ingestHarness();
    harness.putObject();
    harness.objects.sidecars.set(SIDECAR, sidecar);

    // Act
    const outcomes = await harness.drop();

    // Assess
    expect(outcomes).toMatchObject([
      { kind: 'rejected', code: 'invalid-metadata', reason: expect.stringContaining(reason) },
    ]);
  });

  it('rejects on a Zoom 400, naming the fields Zoom names', async () => {
    // Prepare
    const harness = ingestHarness();
    harness.putObject();
    harness.zoom.postFailures.push(
      new ZoomValidationError(
        'Zoom refused the request',
        { operation: 'createInteraction', httpStatus: 400, zoomCode: 300, zoomMessage: 'Validation Failed.' },
        [{ field: 'queue_id', message: 'Invalid queue.' }],
      ),
    );

    // Act
    const outcomes = await harness.drop();

    // Assess
    expect(outcomes).toMatchObject([
      {
        kind: 'rejected',
        code: 'zoom-validation',
        reason:
          'Zoom refused the submission as invalid (HTTP 400, Zoom code 300): queue_id: Invalid queue.: "Validation Failed."',
      },
    ]);
    expect(harness.recordings.only().status).toBe('REJECTED');
  });

  it('rejects on a Zoom 404 (unknown agent or queue) without repeating the agent email Zoom echoes', async () => {
    // Prepare
    const harness = ingestHarness();
    harness.putObject();
    harness.zoom.postFailures.push(
      new ZoomNotFoundError('not found', {
        operation: 'createInteraction',
        httpStatus: 404,
        zoomCode: 1001,
        zoomMessage: 'User does not exist: jane.doe@example.com.',
      }),
    );

    // Act
    const outcomes = await harness.drop();

    // Assess
    expect(outcomes).toMatchObject([
      {
        kind: 'rejected',
        code: 'zoom-not-found',
        reason:
          'Zoom does not know the agent or the queue of this recording (HTTP 404, Zoom code 1001): "User does not exist: [email].": check agent_email/agent_id and queue_id',
      },
    ]);
    expect(harness.recordings.notifications[0]?.reason).not.toContain('jane.doe');
  });
});
