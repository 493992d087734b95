import { randomBytes } from 'node:crypto';
import { PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IngestMetric } from '../../../shared/ingest/outcomes.ts';
import { pollMessageSchema } from '../../../shared/polling/poll-message.ts';
import { type IngestPipeline, startIngestPipeline, tappedFetch } from '../../helpers/ingest-pipeline.ts';
import { createTestBucket, receiveMessages, uniqueName } from '../../helpers/local-stack.ts';

/**
 * A recording dropped into the bucket becomes exactly one Zoom interaction, end to end on the
 * local servers: S3 notification -> ingest queue -> the real handler -> the Zoom simulator, which
 * really downloads the presigned URL.
 */

const KEY = 'calls/2026-11-24/jane.doe@example.com/inbound-123.mp3';
const tap = tappedFetch();
let pipeline: IngestPipeline;

beforeAll(async () => {
  pipeline = await startIngestPipeline({
    fetch: tap.fetch,
    ingest: { sourceTimeZone: 'Europe/Paris' },
    polling: { firstDelaySeconds: 0 },
  });
});

afterAll(async () => {
  await pipeline.stop();
});

describe('a drop', () => {
  it('makes one POST with the right body and a URL the simulator really downloads', async () => {
    // Prepare
    const bytes = randomBytes(4096);

    // Act
    await pipeline.put(KEY, bytes, {
      contentType: 'audio/mpeg',
      metadata: { 'start-time': '2026-11-24T09:45:00', 'queue-id': 'q-1', from: '+12053546173' },
    });
    const [recording] = await pipeline.waitForRecordings((all) =>
      all.some((item) => item.status === 'SUBMITTED'),
    );
    await pipeline.simulator.control.downloadsSettled();

    // Assess
    expect(recording).toMatchObject({ bucket: pipeline.bucket, key: KEY, status: 'SUBMITTED', size: 4096 });
    const posts = tap.posts();
    expect(posts).toHaveLength(1);
    expect(posts[0]?.headers.get('Idempotency-Key')).toBe(`qm-ingest-${recording?.recordingId}-1`);
    const body = JSON.parse(posts[0]?.body ?? '{}');
    expect(body).toEqual({
      download_url: expect.stringContaining(
        `/${pipeline.bucket}/calls/2026-11-24/jane.doe%40example.com/inbound-123.mp3?`,
      ),
      interaction_info: { channel_type: 'voice', agent_email: 'jane.doe@example.com', from: '+12053546173' },
      start_time: '2026-11-24T08:45:00Z',
      direction: 'inbound',
      queue_id: 'q-1',
    });
    const snapshot = pipeline.simulator.inspect();
    expect(snapshot.calls.addInteraction).toEqual({ total: 1, byStatus: { '201': 1 } });
    expect(
      snapshot.interactions
        .filter((interaction) => interaction.source === 'api')
        .map((interaction) => interaction.id),
    ).toEqual([recording?.interactionId]);
    expect(snapshot.downloads).toMatchObject([
      { interactionId: recording?.interactionId, result: { outcome: 'ok', bytes: 4096 } },
    ]);
  });

  it('schedules the first status check on the poll queue', async () => {
    // Prepare
    const [recording] = await pipeline.waitForRecordings((all) =>
      all.some((item) => item.status === 'SUBMITTED'),
    );

    // Act
    const [message] = await receiveMessages(pipeline.clients.sqs, pipeline.pollQueue.queueUrl, 1);

    // Assess
    expect(pollMessageSchema.parse(JSON.parse(message?.Body ?? '{}'))).toEqual({
      kind: 'poll',
      recordingId: recording?.recordingId,
      pollSeq: recording?.poll.pollSeq,
      dueAt: recording?.poll.nextPollDueAt,
    });
  });

  it("deleted S3's test event with a log line, sent nothing to the DLQ and logged no personal data", async () => {
    // Act
    const dlq = await pipeline.dlqMessages();

    // Assess
    expect(dlq).toEqual([]);
    expect(pipeline.metrics.total(IngestMetric.ignoredMessages, { kind: 's3-test-event' })).toBe(1);
    expect(pipeline.logger.text()).not.toMatch(/jane\.doe|example\.com|12053546173|X-Amz-Signature=[^[]/);
  });

  it('takes an EventBridge "Object Created" event the same way', async () => {
    // Prepare
    const { s3, eventBridge } = pipeline.clients;
    const otherBucket = await createTestBucket(s3, 'eb-recordings');
    const key = 'calls/2026-11-24/omar.k@example.com/outbound-9.wav';
    await s3.send(
      new PutObjectCommand({
        Bucket: otherBucket,
        Key: key,
        Body: randomBytes(2048),
        ContentType: 'audio/wav',
      }),
    );
    const head = await s3.send(new HeadObjectCommand({ Bucket: otherBucket, Key: key }));
    const rule = uniqueName('ingest-rule');
    await eventBridge.send(
      new PutRuleCommand({
        Name: rule,
        EventPattern: JSON.stringify({
          source: ['aws.s3'],
          'detail-type': ['Object Created'],
          detail: { bucket: { name: [otherBucket] } },
        }),
      }),
    );
    await eventBridge.send(
      new PutTargetsCommand({ Rule: rule, Targets: [{ Id: 'ingest', Arn: pipeline.ingestQueue.queueArn }] }),
    );

    // Act
    await eventBridge.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: 'aws.s3',
            DetailType: 'Object Created',
            Resources: [`arn:aws:s3:::${otherBucket}`],
            Detail: JSON.stringify({
              version: '0',
              bucket: { name: otherBucket },
              object: {
                // EventBridge carries the key as it is (S3 URL-encodes it only in queue notifications).
                key,
                size: 2048,
                etag: head.ETag?.replaceAll('"', ''),
                sequencer: '00AB',
              },
              'request-id': 'R',
              requester: '000000000000',
              reason: 'PutObject',
            }),
          },
        ],
      }),
    );
    const recordings = await pipeline.waitForRecordings((all) =>
      all.some((item) => item.bucket === otherBucket && item.status === 'SUBMITTED'),
    );

    // Assess
    const recording = recordings.find((item) => item.bucket === otherBucket);
    expect(recording).toMatchObject({
      key,
      metadata: { agentEmail: 'omar.k@example.com', direction: 'outbound', channel: 'voice' },
    });
    expect(tap.posts()).toHaveLength(2);
  });
});
