import { randomBytes } from 'node:crypto';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IngestMetric } from '../../../shared/ingest/outcomes.ts';
import { s3EventBody } from '../../helpers/ingest-fakes.ts';
import { eventually, type IngestPipeline, startIngestPipeline } from '../../helpers/ingest-pipeline.ts';
import { createTestBucket } from '../../helpers/local-stack.ts';

/**
 * Exactly once: duplicate deliveries of an event, concurrent ones included, and the same bytes
 * uploaded again are one recording and one interaction; different bytes at the same key are a
 * new recording.
 */

let pipeline: IngestPipeline;
let quietBucket: string;

beforeAll(async () => {
  pipeline = await startIngestPipeline();
  // A bucket without notifications: the tests deliver its events themselves, as often as they like.
  quietBucket = await createTestBucket(pipeline.clients.s3, 'quiet');
});

afterAll(async () => {
  await pipeline.stop();
});

/** Puts an object in the quiet bucket and returns its S3 event, as S3 would have sent it. */
async function objectEvent(key: string): Promise<string> {
  const { s3 } = pipeline.clients;
  await s3.send(
    new PutObjectCommand({
      Bucket: quietBucket,
      Key: key,
      Body: randomBytes(1024),
      ContentType: 'audio/mpeg',
    }),
  );
  const head = await s3.send(new HeadObjectCommand({ Bucket: quietBucket, Key: key }));
  return s3EventBody({ bucket: quietBucket, key, eTag: head.ETag?.replaceAll('"', ''), size: 1024 });
}

function interactionsFor(bucket: string, key: string): number {
  const path = `/${bucket}/${encodeURIComponent(key).replaceAll('%2F', '/')}`;
  return pipeline.simulator
    .inspect()
    .interactions.filter((interaction) => interaction.downloadUrl?.split('?')[0]?.endsWith(path)).length;
}

const duplicates = () => pipeline.metrics.total(IngestMetric.skipped, { reason: 'duplicate' });

describe('duplicate deliveries', () => {
  it('make one interaction when the same event arrives 3 times in a row', async () => {
    // Prepare
    const key = 'calls/2026-11-24/ann@example.com/inbound-seq.mp3';
    const event = await objectEvent(key);
    const before = duplicates();

    // Act
    for (let delivery = 1; delivery <= 3; delivery++) {
      await pipeline.send(event);
      await pipeline.waitForRecordings((all) =>
        all.some((item) => item.key === key && item.status === 'SUBMITTED'),
      );
    }
    await eventually(() => duplicates() === before + 2, 20_000, 'the two duplicates');

    // Assess
    expect(interactionsFor(quietBucket, key)).toBe(1);
    expect((await pipeline.recordings()).filter((item) => item.key === key)).toHaveLength(1);
  });

  it('make one interaction when the same event arrives twice at the same time', async () => {
    // Prepare
    const key = 'calls/2026-11-24/bob@example.com/inbound-concurrent.mp3';
    const event = await objectEvent(key);
    const before = duplicates();

    // Act: one batch, so one invocation handles both copies at once.
    await pipeline.clients.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: pipeline.ingestQueue.queueUrl,
        Entries: [
          { Id: 'first', MessageBody: event },
          { Id: 'second', MessageBody: event },
        ],
      }),
    );
    await pipeline.waitForRecordings((all) =>
      all.some((item) => item.key === key && item.status === 'SUBMITTED'),
    );
    await eventually(() => duplicates() === before + 1, 20_000, 'the duplicate');

    // Assess
    expect(interactionsFor(quietBucket, key)).toBe(1);
    expect(await pipeline.dlqMessages()).toEqual([]);
  });
});

describe('uploads to one key', () => {
  const key = 'calls/2026-11-24/cleo@example.com/outbound-again.mp3';
  const bytes = randomBytes(2048);

  it('make no new interaction when the same bytes are uploaded again', async () => {
    // Prepare
    await pipeline.put(key, bytes);
    await pipeline.waitForRecordings((all) =>
      all.some((item) => item.key === key && item.status === 'SUBMITTED'),
    );
    const before = duplicates();

    // Act
    await pipeline.put(key, bytes);
    await eventually(() => duplicates() === before + 1, 20_000, 'the re-upload to be seen');

    // Assess
    expect(interactionsFor(pipeline.bucket, key)).toBe(1);
    expect((await pipeline.recordings()).filter((item) => item.key === key)).toHaveLength(1);
  });

  it('make a second interaction when different bytes overwrite the key', async () => {
    // Act
    await pipeline.put(key, randomBytes(3072));
    const recordings = await pipeline.waitForRecordings(
      (all) => all.filter((item) => item.key === key && item.status === 'SUBMITTED').length === 2,
    );

    // Assess
    const forKey = recordings.filter((item) => item.key === key);
    expect(new Set(forKey.map((item) => item.interactionId)).size).toBe(2);
    expect(new Set(forKey.map((item) => item.contentIdentity.value)).size).toBe(2);
    expect(interactionsFor(pipeline.bucket, key)).toBe(2);
  });
});
