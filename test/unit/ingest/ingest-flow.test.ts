import { describe, expect, it } from 'vitest';
import { IngestMetric, idempotencyKeyOf } from '../../../shared/ingest/outcomes.ts';
import { eventBridgeBody } from '../../helpers/ingest-fakes.ts';
import { DEFAULT_ETAG, DEFAULT_KEY, ingestHarness, RECORDINGS_BUCKET } from '../../helpers/ingest-harness.ts';

describe('ingest: a dropped recording becomes one Zoom interaction', () => {
  it('posts the resolved metadata with a fresh URL and records SUBMITTED with the first poll due', async () => {
    // Prepare
    const harness = ingestHarness({
      settings: {
        ingest: { sourceTimeZone: 'Europe/Paris' },
        polling: { firstDelaySeconds: 45, deadlineSeconds: 86_400 },
      },
    });
    harness.putObject(DEFAULT_KEY, {
      Metadata: {
        'start-time': '2026-11-24T09:45:00',
        'queue-id': 'q-7',
        from: '+12053546173',
        'consumer-name': 'Jill Chill',
      },
    });

    // Act
    const outcomes = await harness.drop();

    // Assess
    const recording = harness.recordings.only();
    expect(outcomes).toEqual([
      { kind: 'submitted', recordingId: recording.recordingId, interactionId: 'IX0001' },
    ]);
    expect(harness.zoom.posts).toHaveLength(1);
    expect(harness.zoom.posts[0]).toEqual({
      idempotencyKey: idempotencyKeyOf(recording.recordingId, 1),
      body: {
        download_url: expect.stringContaining('X-Amz-Signature='),
        interaction_info: {
          channel_type: 'voice',
          agent_email: 'jane.doe@example.com',
          consumer_name: 'Jill Chill',
          from: '+12053546173',
        },
        start_time: '2026-11-24T08:45:00Z',
        direction: 'inbound',
        queue_id: 'q-7',
      },
    });
    const now = harness.clock.now();
    expect(recording).toMatchObject({
      status: 'SUBMITTED',
      interactionId: 'IX0001',
      urlExpiresAt: now + 3_600_000,
      contentIdentity: { kind: 'etag', value: `md5:${DEFAULT_ETAG}` },
      poll: { nextPollDueAt: now + 45_000, deadlineAt: now + 86_400_000 },
      receivedAt: Date.parse('2026-11-24T09:59:58.000Z'),
    });
    expect(harness.polls.scheduled.map((scheduled) => scheduled.recordingId)).toEqual([
      recording.recordingId,
    ]);
    expect(harness.metrics.total(IngestMetric.received)).toBe(1);
    expect(harness.metrics.total(IngestMetric.submitted)).toBe(1);
    expect(
      harness.metrics.total(IngestMetric.zoomCalls, { operation: 'createInteraction', label: 'HEAVY' }),
    ).toBe(1);
  });

  it('takes an EventBridge "Object Created" event the same way', async () => {
    // Prepare
    const harness = ingestHarness();
    harness.putObject();

    // Act
    const outcomes = await harness.deliver(
      eventBridgeBody({ bucket: RECORDINGS_BUCKET, key: DEFAULT_KEY, eTag: DEFAULT_ETAG }),
    );

    // Assess
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['submitted']);
    expect(harness.recordings.only().reason).toMatch(/^Submitted to Zoom as interaction IX0001/);
    expect(harness.zoom.posts).toHaveLength(1);
  });

  it('presigns the exact version announced by a versioned bucket', async () => {
    // Prepare
    const harness = ingestHarness();
    harness.putObject(DEFAULT_KEY, { VersionId: 'v-42' });

    // Act
    await harness.deliver(
      eventBridgeBody({ bucket: RECORDINGS_BUCKET, key: DEFAULT_KEY, versionId: 'v-42' }),
    );

    // Assess
    expect(harness.objects.headCalls[0]?.versionId).toBe('v-42');
    expect(harness.presigner.presigned).toEqual([
      { bucket: RECORDINGS_BUCKET, key: DEFAULT_KEY, versionId: 'v-42' },
    ]);
  });

  it('stays SUBMITTED when the first poll cannot be queued, and counts it (the reconciler re-queues)', async () => {
    // Prepare
    const harness = ingestHarness();
    harness.putObject();
    harness.polls.failure = new Error('SQS unavailable');

    // Act
    const outcomes = await harness.drop();

    // Assess
    expect(outcomes[0]?.kind).toBe('submitted');
    expect(harness.recordings.only().status).toBe('SUBMITTED');
    expect(harness.metrics.total(IngestMetric.pollScheduleFailures)).toBe(1);
  });

  it('deletes the s3:TestEvent and other non-recording messages with a log line', async () => {
    // Prepare
    const harness = ingestHarness();
    const testEvent = JSON.stringify({
      Service: 'Amazon S3',
      Event: 's3:TestEvent',
      Bucket: RECORDINGS_BUCKET,
    });

    // Act
    const fromTest = await harness.deliver(testEvent);
    const fromJunk = await harness.deliver('not json');

    // Assess
    expect(fromTest).toEqual([]);
    expect(fromJunk).toEqual([]);
    expect(harness.metrics.total(IngestMetric.ignoredMessages, { kind: 's3-test-event' })).toBe(1);
    expect(harness.metrics.total(IngestMetric.ignoredMessages, { kind: 'not-a-recording-event' })).toBe(1);
    expect(harness.logger.lines.map((line) => line.message)).toEqual([
      'S3 test event deleted: S3 sends one when a notification configuration is set',
      'Message deleted: not a recording event',
    ]);
    expect(harness.recordings.items.size).toBe(0);
  });

  it.each([
    ['calls/2026-11-24/', 'folder-marker'],
    [`${DEFAULT_KEY}.json`, 'sidecar'],
    ['exports/a.mp3', 'outside-prefixes'],
    ['calls/2026-11-24/notes.txt', 'not-a-recording-suffix'],
  ])('skips %s (%s) without recording anything', async (key, reason) => {
    // Prepare
    const harness = ingestHarness();

    // Act
    const outcomes = await harness.drop(key);

    // Assess
    expect(outcomes).toEqual([{ kind: 'skipped', reason }]);
    expect(harness.recordings.items.size).toBe(0);
    expect(harness.metrics.total(IngestMetric.skipped, { reason })).toBe(1);
  });

  it('logs the recording id as correlation id, and no email, phone number or URL signature', async () => {
    // Prepare
    const harness = ingestHarness();
    harness.putObject('calls/2026-11-24/jane.doe@example.com/inbound-+12053546173.mp3', {
      Metadata: { from: '+12095422197', 'agent-email': 'jane.doe@example.com' },
    });

    // Act
    await harness.drop('calls/2026-11-24/jane.doe@example.com/inbound-+12053546173.mp3');

    // Assess
    const text = harness.logger.text();
    const recordingId = harness.recordings.only().recordingId;
    expect(harness.logger.lines.some((line) => line.fields['correlation_id'] === recordingId)).toBe(true);
    expect(text).not.toMatch(/jane\.doe|example\.com|12053546173|12095422197|deadbeefsignature/);
  });
});
