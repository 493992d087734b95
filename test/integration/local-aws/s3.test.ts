import { Readable } from 'node:stream';
import { PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketNotificationConfigurationCommand,
  GetObjectCommand,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { beforeAll, describe, expect, it } from 'vitest';
import type {
  EventBridgeEvent,
  S3EventBridgeDetail,
  S3EventNotification,
  S3TestEvent,
} from '../../../local/aws/index.ts';
import {
  connectBucketToQueue,
  createTestBucket,
  createTestQueue,
  type LocalAwsClients,
  localAws,
  localAwsClients,
  receiveMessages,
  type TestQueue,
  uniqueName,
} from '../../helpers/local-stack.ts';

let clients: LocalAwsClients;

beforeAll(() => {
  clients = localAwsClients();
});

/** Deterministic bytes that are not all alike, so any shift or corruption shows. */
function patternedBytes(size: number): Buffer {
  return Buffer.from(Array.from({ length: size }, (_, index) => (index * 31 + 7) % 251));
}

function eventRecords(bodies: readonly (string | undefined)[]): S3EventNotification['Records'] {
  return bodies.flatMap((body) => (JSON.parse(body ?? '{}') as S3EventNotification).Records);
}

/** PutObject as the SDK streams it by default (aws-chunked with a trailing checksum). */
async function putStreamed(bucket: string, key: string, data: Buffer): Promise<void> {
  await clients.s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: Readable.from([data]),
      ContentLength: data.length,
    }),
  );
}

async function bodyBytes(bucket: string, key: string): Promise<Buffer> {
  const object = await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from((await object.Body?.transformToByteArray()) ?? []);
}

describe('local S3 storage', () => {
  it('stores a 200 KB streamed upload (aws-chunked with a trailing CRC32, default client settings) byte for byte', async () => {
    // Prepare
    const bucket = await createTestBucket(clients.s3);
    const data = patternedBytes(200 * 1024);
    // Act
    const put = await clients.s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'recording.wav',
        Body: Readable.from([
          data.subarray(0, 70_000),
          data.subarray(70_000, 150_000),
          data.subarray(150_000),
        ]),
        ContentLength: data.length,
      }),
    );
    // Assess
    expect(put.ChecksumCRC32).toBeDefined();
    expect((await bodyBytes(bucket, 'recording.wav')).equals(data)).toBe(true);
  });

  it('stores an upload whose checksum travels in a header, and refuses one whose checksum does not match (BadDigest)', async () => {
    // Prepare
    const bucket = await createTestBucket(clients.s3);
    const data = patternedBytes(1000);
    // Act
    await clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'good.bin', Body: data }));
    const corrupted = await clients.s3
      .send(new PutObjectCommand({ Bucket: bucket, Key: 'bad.bin', Body: data, ChecksumCRC32: 'AAAAAA==' }))
      .catch((error: unknown) => error);
    // Assess
    expect((await bodyBytes(bucket, 'good.bin')).equals(data)).toBe(true);
    expect(corrupted).toMatchObject({ name: 'BadDigest' });
  });

  it('assembles a multipart upload whose parts were streamed', async () => {
    // Prepare
    const bucket = await createTestBucket(clients.s3);
    const first = patternedBytes(5 * 1024 * 1024);
    const second = patternedBytes(1234);
    const { UploadId } = await clients.s3.send(
      new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'big.wav' }),
    );
    // Act
    const part1 = await clients.s3.send(
      new UploadPartCommand({
        Bucket: bucket,
        Key: 'big.wav',
        UploadId,
        PartNumber: 1,
        Body: Readable.from([first]),
        ContentLength: first.length,
      }),
    );
    const part2 = await clients.s3.send(
      new UploadPartCommand({ Bucket: bucket, Key: 'big.wav', UploadId, PartNumber: 2, Body: second }),
    );
    await clients.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: 'big.wav',
        UploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: part1.ETag },
            { PartNumber: 2, ETag: part2.ETag },
          ],
        },
      }),
    );
    // Assess
    expect((await bodyBytes(bucket, 'big.wav')).equals(Buffer.concat([first, second]))).toBe(true);
  });

  it('serves presigned GET and PUT URLs to plain HTTP clients', async () => {
    // Prepare
    const bucket = await createTestBucket(clients.s3);
    const presigner = new S3Client({ requestChecksumCalculation: 'WHEN_REQUIRED' });
    const putUrl = await getSignedUrl(
      presigner,
      new PutObjectCommand({ Bucket: bucket, Key: 'via-url.txt' }),
      { expiresIn: 60 },
    );
    const getUrl = await getSignedUrl(
      presigner,
      new GetObjectCommand({ Bucket: bucket, Key: 'via-url.txt' }),
      { expiresIn: 60 },
    );
    // Act
    const uploaded = await fetch(putUrl, { method: 'PUT', body: 'hello from a presigned URL' });
    const downloaded = await fetch(getUrl);
    // Assess
    expect(uploaded.status).toBe(200);
    expect(await downloaded.text()).toBe('hello from a presigned URL');
  });

  it('refuses anonymous requests and expired presigned URLs, and accepts any access key as LocalStack and moto do', async () => {
    // Prepare
    const bucket = await createTestBucket(clients.s3);
    const stranger = new S3Client({
      credentials: { accessKeyId: 'SOMEOTHERSHELLKEY', secretAccessKey: 'other-secret' },
    });
    const expiredUrl = await getSignedUrl(
      clients.s3,
      new GetObjectCommand({ Bucket: bucket, Key: 'by-stranger.txt' }),
      { expiresIn: 1, signingDate: new Date(Date.now() - 60_000) },
    );
    // Act
    const anonymous = await fetch(`${localAws().endpoints.s3}/${bucket}/anything`);
    await stranger.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'by-stranger.txt', Body: 'from another shell' }),
    );
    const readBack = await stranger.send(new GetObjectCommand({ Bucket: bucket, Key: 'by-stranger.txt' }));
    const expired = await fetch(expiredUrl);
    // Assess
    expect(anonymous.status).toBe(403);
    expect(await readBack.Body?.transformToString()).toBe('from another shell');
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('Request has expired');
  });
});

describe('local S3 event notifications', () => {
  it('sends the s3:TestEvent when a configuration is set, then an ObjectCreated:Put event with the key encoded as S3 does', async () => {
    // Prepare
    const bucket = await createTestBucket(clients.s3);
    const queue = await createTestQueue(clients.sqs);
    const key = 'incoming/Call 2024+07 Zoë 🎧 (final)=x.wav';
    const data = patternedBytes(4096);
    // Act
    await connectBucketToQueue(clients, bucket, queue, { keepTestEvent: true });
    const [testEventMessage] = await receiveMessages(clients.sqs, queue.queueUrl, 1);
    await putStreamed(bucket, key, data);
    const [eventMessage] = await receiveMessages(clients.sqs, queue.queueUrl, 1);
    // Assess
    const testEvent = JSON.parse(testEventMessage?.Body ?? '{}') as S3TestEvent;
    expect(testEvent).toMatchObject({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: bucket });
    const [record] = eventRecords([eventMessage?.Body]);
    expect(record).toMatchObject({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: localAws().region,
      eventName: 'ObjectCreated:Put',
      userIdentity: { principalId: expect.any(String) },
      requestParameters: { sourceIPAddress: '127.0.0.1' },
      responseElements: { 'x-amz-request-id': expect.any(String), 'x-amz-id-2': expect.any(String) },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: expect.any(String),
        bucket: {
          name: bucket,
          ownerIdentity: { principalId: expect.any(String) },
          arn: `arn:aws:s3:::${bucket}`,
        },
        object: {
          key: 'incoming/Call+2024%2B07+Zo%C3%AB+%F0%9F%8E%A7+%28final%29%3Dx.wav',
          size: data.length,
          eTag: expect.stringMatching(/^[0-9a-f]{32}$/),
          sequencer: expect.stringMatching(/^[0-9A-F]+$/),
        },
      },
    });
    expect(Number.isNaN(Date.parse(record?.eventTime ?? ''))).toBe(false);
  });

  it('emits Copy, CompleteMultipartUpload, Delete and one Delete per key of DeleteObjects, in order', async () => {
    // Prepare
    const bucket = await createTestBucket(clients.s3);
    const queue = await createTestQueue(clients.sqs);
    await connectBucketToQueue(clients, bucket, queue, {
      events: ['s3:ObjectCreated:*', 's3:ObjectRemoved:*'],
    });
    await clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'a b.txt', Body: 'source' }));
    const { UploadId } = await clients.s3.send(
      new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'multi' }),
    );
    // Act
    await clients.s3.send(
      new CopyObjectCommand({ Bucket: bucket, Key: 'copy+1', CopySource: `${bucket}/a%20b.txt` }),
    );
    const part = await clients.s3.send(
      new UploadPartCommand({ Bucket: bucket, Key: 'multi', UploadId, PartNumber: 1, Body: 'one part' }),
    );
    await clients.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: 'multi',
        UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
      }),
    );
    await clients.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'a b.txt' }));
    await clients.s3.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: { Objects: [{ Key: 'copy+1' }, { Key: 'never-existed' }] },
      }),
    );
    const messages = await receiveMessages(clients.sqs, queue.queueUrl, 6);
    // Assess
    const records = eventRecords(messages.map((message) => message.Body));
    expect(records.map((record) => [record.eventName, record.s3.object.key])).toEqual([
      ['ObjectCreated:Put', 'a+b.txt'],
      ['ObjectCreated:Copy', 'copy%2B1'],
      ['ObjectCreated:CompleteMultipartUpload', 'multi'],
      ['ObjectRemoved:Delete', 'a+b.txt'],
      ['ObjectRemoved:Delete', 'copy%2B1'],
      ['ObjectRemoved:Delete', 'never-existed'],
    ]);
    expect(records[1]?.s3.object).toMatchObject({ size: 'source'.length, eTag: expect.any(String) });
    expect(records[2]?.s3.object).toMatchObject({ size: 'one part'.length });
    expect(records[3]?.s3.object).not.toHaveProperty('size');
    const sequencers = records.map((record) => record.s3.object.sequencer);
    expect([...sequencers].sort()).toEqual(sequencers);
  });

  it('emits ObjectCreated:Post for a browser-form upload', async () => {
    // Prepare
    const bucket = await createTestBucket(clients.s3);
    const queue = await createTestQueue(clients.sqs);
    await connectBucketToQueue(clients, bucket, queue);
    const form = new FormData();
    form.append('key', 'forms/upload 1.txt');
    form.append('file', new Blob(['posted bytes']), 'upload.txt');
    // Act
    const response = await fetch(`${localAws().endpoints.s3}/${bucket}`, { method: 'POST', body: form });
    const [message] = await receiveMessages(clients.sqs, queue.queueUrl, 1);
    // Assess
    expect(response.status).toBe(204);
    expect(eventRecords([message?.Body])[0]).toMatchObject({
      eventName: 'ObjectCreated:Post',
      s3: { object: { key: 'forms/upload+1.txt', size: 'posted bytes'.length } },
    });
  });

  it('sends only the events and keys the configuration selects (event type, prefix, suffix)', async () => {
    // Prepare
    const bucket = await createTestBucket(clients.s3);
    const queue = await createTestQueue(clients.sqs);
    await connectBucketToQueue(clients, bucket, queue, {
      events: ['s3:ObjectCreated:Put'],
      prefix: 'in/',
      suffix: '.wav',
    });
    // Act
    for (const key of ['out/a.wav', 'in/b.mp3', 'in/c.wav']) {
      await clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key }));
    }
    await clients.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'in/c.wav' }));
    // Events arrive in order: once this last matching one is in, anything else selected would be too.
    await clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'in/last.wav', Body: 'last' }));
    const messages = await receiveMessages(clients.sqs, queue.queueUrl, 2);
    // Assess
    expect(
      eventRecords(messages.map((message) => message.Body)).map((record) => record.s3.object.key),
    ).toEqual(['in/c.wav', 'in/last.wav']);
  });

  it('returns the configuration it stored, and refuses a destination queue that does not exist', async () => {
    // Prepare
    const bucket = await createTestBucket(clients.s3);
    const queue = await createTestQueue(clients.sqs);
    await connectBucketToQueue(clients, bucket, queue, { prefix: 'in/' });
    const missingQueueArn = `arn:aws:sqs:${localAws().region}:${localAws().accountId}:no-such-queue`;
    // Act
    const stored = await clients.s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket }));
    const refused = clients.s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: bucket,
        NotificationConfiguration: {
          QueueConfigurations: [{ QueueArn: missingQueueArn, Events: ['s3:ObjectCreated:*'] }],
        },
      }),
    );
    // Assess
    expect(stored.QueueConfigurations).toEqual([
      {
        Id: expect.any(String),
        QueueArn: queue.queueArn,
        Events: ['s3:ObjectCreated:*'],
        Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'in/' }] } },
      },
    ]);
    await expect(refused).rejects.toMatchObject({
      name: 'InvalidArgument',
      message: expect.stringContaining(missingQueueArn),
    });
  });
});

describe('local S3 EventBridge notifications', () => {
  /** Turns EventBridge notifications on over the wire, and routes the bucket's events to a new queue. */
  async function bucketOnEventBridge(): Promise<{ readonly bucket: string; readonly queue: TestQueue }> {
    const bucket = await createTestBucket(clients.s3);
    const queue = await createTestQueue(clients.sqs);
    await clients.s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: bucket,
        NotificationConfiguration: { EventBridgeConfiguration: {} },
      }),
    );
    const ruleName = uniqueName('s3-events');
    await clients.eventBridge.send(
      new PutRuleCommand({
        Name: ruleName,
        EventPattern: JSON.stringify({ source: ['aws.s3'], detail: { bucket: { name: [bucket] } } }),
      }),
    );
    await clients.eventBridge.send(
      new PutTargetsCommand({ Rule: ruleName, Targets: [{ Id: 'queue', Arn: queue.queueArn }] }),
    );
    return { bucket, queue };
  }

  function busEvents(bodies: readonly (string | undefined)[]): EventBridgeEvent[] {
    return bodies.map((body) => JSON.parse(body ?? '{}') as EventBridgeEvent);
  }

  it('puts an "Object Created" event on the default bus with the key as it is, not URL-encoded, shaped as S3 documents it', async () => {
    // Prepare
    const { bucket, queue } = await bucketOnEventBridge();
    const key = 'calls/eb/inbound call+42 100%.wav';
    const data = patternedBytes(2048);
    // Act
    await putStreamed(bucket, key, data);
    const [message] = await receiveMessages(clients.sqs, queue.queueUrl, 1);
    // Assess
    const [event] = busEvents([message?.Body]);
    expect(event).toEqual({
      version: '0',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      'detail-type': 'Object Created',
      source: 'aws.s3',
      account: localAws().accountId,
      time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
      region: localAws().region,
      resources: [`arn:aws:s3:::${bucket}`],
      detail: {
        version: '0',
        bucket: { name: bucket },
        object: {
          key,
          size: data.length,
          etag: expect.stringMatching(/^[0-9a-f]{32}$/),
          sequencer: expect.stringMatching(/^[0-9A-F]+$/),
        },
        'request-id': expect.stringMatching(/^[0-9A-F]{16}$/),
        requester: localAws().accountId,
        'source-ip-address': '127.0.0.1',
        reason: 'PutObject',
      },
    });
  });

  it('sends every object event in order, each with its reason, and deletions as "Object Deleted" without size or etag', async () => {
    // Prepare
    const { bucket, queue } = await bucketOnEventBridge();
    await clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'a%2Bb literal.wav', Body: 'source' }));
    const { UploadId } = await clients.s3.send(
      new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'calls/12:30:59 meeting.wav' }),
    );
    const form = new FormData();
    form.append('key', 'calls/Zoë 电话.wav');
    form.append('file', new Blob(['posted bytes']), 'upload.wav');
    // Act
    await clients.s3.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: 'copy+1.wav',
        CopySource: `${bucket}/${encodeURIComponent('a%2Bb literal.wav')}`,
      }),
    );
    const part = await clients.s3.send(
      new UploadPartCommand({
        Bucket: bucket,
        Key: 'calls/12:30:59 meeting.wav',
        UploadId,
        PartNumber: 1,
        Body: 'one part',
      }),
    );
    await clients.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: 'calls/12:30:59 meeting.wav',
        UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
      }),
    );
    const posted = await fetch(`${localAws().endpoints.s3}/${bucket}`, { method: 'POST', body: form });
    await clients.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'a%2Bb literal.wav' }));
    const messages = await receiveMessages(clients.sqs, queue.queueUrl, 5);
    // Assess
    expect(posted.status).toBe(204);
    const events = busEvents(messages.map((message) => message.Body));
    const details = events.map((event) => event.detail as unknown as S3EventBridgeDetail);
    expect(
      events.map((event, index) => [
        event['detail-type'],
        details[index]?.reason,
        details[index]?.object.key,
      ]),
    ).toEqual([
      ['Object Created', 'PutObject', 'a%2Bb literal.wav'],
      ['Object Created', 'CopyObject', 'copy+1.wav'],
      ['Object Created', 'CompleteMultipartUpload', 'calls/12:30:59 meeting.wav'],
      ['Object Created', 'PostObject', 'calls/Zoë 电话.wav'],
      ['Object Deleted', 'DeleteObject', 'a%2Bb literal.wav'],
    ]);
    expect(details[1]?.object).toMatchObject({ size: 'source'.length, etag: expect.any(String) });
    expect(details[2]?.object).toMatchObject({ size: 'one part'.length });
    expect(details[4]).toMatchObject({ 'deletion-type': 'Permanently Deleted' });
    expect(details[4]?.object).not.toHaveProperty('size');
    expect(details[4]?.object).not.toHaveProperty('etag');
    const sequencers = details.map((detail) => detail.object.sequencer);
    expect([...sequencers].sort()).toEqual(sequencers);
  });

  it('returns EventBridgeConfiguration with the queues, and puts nothing on the bus once it is turned off', async () => {
    // Prepare
    const { bucket, queue } = await bucketOnEventBridge();
    const notifications = await createTestQueue(clients.sqs);
    // Act
    const enabled = await clients.s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket }));
    await connectBucketToQueue(clients, bucket, notifications);
    const disabled = await clients.s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket }));
    await clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'after.wav', Body: 'after' }));
    const [notification] = await receiveMessages(clients.sqs, notifications.queueUrl, 1);
    const onBus = await receiveMessages(clients.sqs, queue.queueUrl, 1, 500);
    // Assess
    expect(enabled.EventBridgeConfiguration).toEqual({});
    expect(enabled.QueueConfigurations ?? []).toEqual([]);
    expect(disabled.EventBridgeConfiguration).toBeUndefined();
    expect(eventRecords([notification?.Body])[0]?.s3.object.key).toBe('after.wav');
    expect(onBus).toEqual([]);
  });
});
