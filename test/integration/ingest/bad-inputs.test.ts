import { randomBytes } from 'node:crypto';
import { DeleteObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationIdOf } from '../../../shared/recordings/notification.ts';
import { OutboxRepository } from '../../../shared/recordings/outbox.ts';
import type { Recording } from '../../../shared/recordings/recording.ts';
import { s3EventBody } from '../../helpers/ingest-fakes.ts';
import { type IngestPipeline, startIngestPipeline, tappedFetch } from '../../helpers/ingest-pipeline.ts';
import { createTestBucket } from '../../helpers/local-stack.ts';
import { failOnUnreadable } from '../../helpers/unreadable-items.ts';

/**
 * Every bad input ends REJECTED with its reason, and no interaction is created: the checks that
 * never reach Zoom make no POST at all; Zoom's own refusals (400, 404) make the one POST Zoom
 * refused. Each rejection's notification and alert are published by ingest itself, at once (no
 * reconciler runs here).
 */

/** Every request to Zoom, with the status it got. */
const zoomRequests = tappedFetch();

let pipeline: IngestPipeline;

beforeAll(async () => {
  pipeline = await startIngestPipeline({
    fetch: zoomRequests.fetch,
    ingest: { maxRecordingBytes: 4096, sidecar: { waitSeconds: 2, recheckSeconds: 1 } },
    scenario: {
      directory: {
        agents: [{ id: 'u-jane', email: 'jane.doe@example.com', displayName: 'Jane Doe' }],
        queues: [{ id: 'q-1', name: 'Sales' }],
      },
    },
  });
});

afterAll(async () => {
  await pipeline.stop();
});

async function ended(key: string): Promise<Recording> {
  const recordings = await pipeline.waitForRecordings((all) =>
    all.some((item) => item.key === key && ['REJECTED', 'SUBMITTED', 'FAILED'].includes(item.status)),
  );
  const recording = recordings.find((item) => item.key === key);
  if (recording === undefined) {
    throw new Error(`no recording for ${key}`);
  }
  return recording;
}

function postsFor(key: string) {
  return zoomRequests
    .posts()
    .filter((post) => post.body?.includes(encodeURIComponent(key).replaceAll('%2F', '/')));
}

function interactionsFor(key: string): number {
  const path = `/${encodeURIComponent(key).replaceAll('%2F', '/')}`;
  return pipeline.simulator
    .inspect()
    .interactions.filter((item) => item.downloadUrl?.split('?')[0]?.endsWith(path)).length;
}

describe('bad input', () => {
  it.each([
    [
      'zero-byte',
      'calls/2026-11-24/jane.doe@example.com/inbound-empty.mp3',
      new Uint8Array(),
      {},
      /^The object is empty/,
    ],
    [
      'unsupported type',
      'calls/2026-11-24/jane.doe@example.com/inbound-text.mp3',
      randomBytes(512),
      { contentType: 'text/plain' },
      /^unsupported type: the object's Content-Type is text\/plain/,
    ],
    [
      'too large',
      'calls/2026-11-24/jane.doe@example.com/inbound-big.mp3',
      randomBytes(5000),
      {},
      /^The object is 5000 bytes, more than the 4096/,
    ],
    [
      'invalid metadata',
      'calls/2026-11-24/jane.doe@example.com/inbound-badphone.mp3',
      randomBytes(512),
      { metadata: { from: '12345' } },
      /^Invalid metadata: S3 object metadata: x-amz-meta-from must be an E\.164 phone number/,
    ],
    [
      'missing metadata (after the sidecar wait)',
      'calls/unsorted/upload-1.mp3',
      randomBytes(512),
      {},
      /^Missing metadata: the agent \(agent_email or agent_id\)/,
    ],
  ])('%s ends REJECTED with its reason and zero POSTs', async (_case, key, body, options, reason) => {
    // Act
    await pipeline.put(key, body, options);
    const recording = await ended(key);

    // Assess
    expect(recording.status).toBe('REJECTED');
    expect(recording.reason).toMatch(reason);
    expect(postsFor(key)).toHaveLength(0);
  });

  it('an object deleted before ingest ends REJECTED with zero POSTs', async () => {
    // Prepare
    const { s3 } = pipeline.clients;
    const quiet = await createTestBucket(s3, 'quiet');
    const key = 'calls/2026-11-24/jane.doe@example.com/inbound-gone.mp3';
    await s3.send(
      new PutObjectCommand({ Bucket: quiet, Key: key, Body: randomBytes(256), ContentType: 'audio/mpeg' }),
    );
    const head = await s3.send(new HeadObjectCommand({ Bucket: quiet, Key: key }));
    const event = s3EventBody({ bucket: quiet, key, eTag: head.ETag?.replaceAll('"', ''), size: 256 });
    await s3.send(new DeleteObjectCommand({ Bucket: quiet, Key: key }));

    // Act
    await pipeline.send(event);
    const recording = await ended(key);

    // Assess
    expect(recording).toMatchObject({
      status: 'REJECTED',
      reason: 'The object was deleted (or its version removed) before qm-ingest could read it',
    });
    expect(postsFor(key)).toHaveLength(0);
  });

  it('a Zoom 400 ends REJECTED with the fields Zoom names, and no interaction', async () => {
    // Prepare: Zoom's documented validation answer, for a recording the simulator itself would accept.
    const key = 'calls/2026-11-24/jane.doe@example.com/inbound-zoom-refuses.mp3';
    pipeline.simulator.control.forceFaults('addInteraction', [
      {
        kind: 'status',
        status: 400,
        body: {
          code: 300,
          message: 'Validation Failed.',
          errors: [{ field: 'queue_id', message: 'Invalid queue.' }],
        },
      },
    ]);

    // Act
    await pipeline.put(key, randomBytes(512));
    const recording = await ended(key);

    // Assess
    expect(recording.status).toBe('REJECTED');
    expect(recording.reason).toBe(
      'Zoom refused the submission as invalid (HTTP 400, Zoom code 300): queue_id: Invalid queue.: "Validation Failed."',
    );
    expect(postsFor(key).map((post) => post.status)).toEqual([400]);
    expect(interactionsFor(key)).toBe(0);
  });

  it.each([
    [
      'an unknown agent',
      'calls/2026-11-24/nobody@example.com/inbound-unknown-agent.mp3',
      {},
      /User does not exist: \[email\]/,
    ],
    [
      'an unknown queue',
      'calls/2026-11-24/jane.doe@example.com/inbound-unknown-queue.mp3',
      { metadata: { 'queue-id': 'q-404' } },
      /Queue does not exist: q-404/,
    ],
  ])('a Zoom 404 for %s ends REJECTED, and no interaction', async (_case, key, options, zoomSays) => {
    // Act
    await pipeline.put(key, randomBytes(512), options);
    const recording = await ended(key);

    // Assess
    expect(recording.status).toBe('REJECTED');
    expect(recording.reason).toMatch(
      /^Zoom does not know the agent or the queue of this recording \(HTTP 404, Zoom code 1001\)/,
    );
    expect(recording.reason).toMatch(zoomSays);
    expect(recording.reason).not.toContain('nobody@example.com');
    expect(postsFor(key).map((post) => post.status)).toEqual([404]);
    expect(interactionsFor(key)).toBe(0);
  });

  it("publishes a rejection's notification and alert at once, from ingest itself", async () => {
    // Prepare
    const key = 'calls/2026-11-24/jane.doe@example.com/inbound-empty-notified.mp3';

    // Act
    await pipeline.put(key, new Uint8Array());
    const recording = await ended(key);

    // Assess
    expect(recording.status).toBe('REJECTED');
    const outbox = new OutboxRepository(pipeline.clients.dynamodb, {
      tableName: pipeline.tableName,
      onUnreadable: failOnUnreadable,
    });
    const entry = await outbox.get(recording.recordingId, notificationIdOf(recording.recordingId, 1));
    expect(entry?.state).toBe('SENT');
    const [notification] = await pipeline.topics.notifications(recording.recordingId);
    expect(JSON.parse(notification?.message ?? '{}')).toMatchObject({
      notificationId: `${recording.recordingId}-1`,
      status: 'REJECTED',
      reason: recording.reason,
      details: { code: 'zero-bytes', source: 'ingest' },
      key: expect.stringContaining('[email]'),
    });
    const [alert] = await pipeline.topics.alerts(recording.recordingId);
    expect(alert?.subject).toBe('qm-ingest itest: recording REJECTED');
    expect(alert?.message).toContain(`Recording ${recording.recordingId} ended REJECTED`);
    expect(alert?.message).not.toContain('jane.doe@example.com');
  });

  it('sent nothing to the DLQ', async () => {
    // Act / Assess
    expect(await pipeline.dlqMessages()).toEqual([]);
  });
});
