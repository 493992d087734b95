import { Readable } from 'node:stream';
import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { PermanentError, RetryableError } from '../../../shared/errors.ts';
import { IamUserSigningCredentials } from '../../../shared/ingest/iam-user-credentials.ts';
import { S3RecordingObjects } from '../../../shared/ingest/object-store.ts';
import { type IngestRetryMessage, RETRY_MESSAGE_KIND } from '../../../shared/ingest/retry-message.ts';
import { SqsIngestRequeue } from '../../../shared/ingest/sqs-requeue.ts';
import { anObject, TestClock } from '../../helpers/ingest-fakes.ts';

function s3Error(name: string, status: number, fault: 'client' | 'server' = 'client'): S3ServiceException {
  return new S3ServiceException({
    name,
    $fault: fault,
    $metadata: { httpStatusCode: status },
    message: name,
  });
}

/** A GetObject body as the SDK gives it: a stream with the SDK's transform helpers. */
function body(text: string): GetObjectCommandOutput['Body'] {
  const stream = Object.assign(Readable.from([Buffer.from(text)]), {
    transformToString: async () => text,
    transformToByteArray: async () => new Uint8Array(Buffer.from(text)),
    transformToWebStream: () => {
      throw new Error('not used');
    },
  });
  return stream as GetObjectCommandOutput['Body'];
}

describe('S3RecordingObjects', () => {
  it('reads the head with checksums enabled, for the announced version', async () => {
    // Prepare
    const s3 = new S3Client({});
    const mock = mockClient(s3).on(HeadObjectCommand).resolves({ ContentLength: 5, ETag: '"abc"' });

    // Act
    const result = await new S3RecordingObjects(s3).head('b', 'k.mp3', 'v1');

    // Assess
    expect(result).toMatchObject({ found: true, head: { ContentLength: 5, ETag: '"abc"' } });
    expect(mock.commandCalls(HeadObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'b',
      Key: 'k.mp3',
      ChecksumMode: 'ENABLED',
      VersionId: 'v1',
    });
  });

  it.each([
    ['NotFound', new NotFound({ $metadata: { httpStatusCode: 404 }, message: 'NotFound' })],
    ['a bare 404', s3Error('UnknownError', 404)],
    ['a delete marker (405)', s3Error('MethodNotAllowed', 405)],
  ])('reports the object gone on %s', async (_case, error) => {
    // Prepare
    const s3 = new S3Client({});
    mockClient(s3).on(HeadObjectCommand).rejects(error);

    // Act
    const result = await new S3RecordingObjects(s3).head('b', 'k.mp3');

    // Assess
    expect(result).toEqual({ found: false });
  });

  it('translates other failures: throttling may pass, a denied access will not', async () => {
    // Prepare
    const s3 = new S3Client({});
    mockClient(s3)
      .on(HeadObjectCommand)
      .rejectsOnce(s3Error('SlowDown', 503, 'server'))
      .rejectsOnce(s3Error('AccessDenied', 403));
    const objects = new S3RecordingObjects(s3);

    // Act
    const throttled = objects.head('b', 'k.mp3');
    await expect(throttled).rejects.toBeInstanceOf(RetryableError);
    const denied = objects.head('b', 'k.mp3');

    // Assess
    await expect(denied).rejects.toBeInstanceOf(PermanentError);
    await expect(denied).rejects.toThrow('S3 HeadObject failed: AccessDenied');
  });

  it('reads a sidecar, says when there is none, and refuses one that is too large', async () => {
    // Prepare
    const s3 = new S3Client({});
    mockClient(s3)
      .on(GetObjectCommand, { Key: 'small.mp3.json' })
      .resolves({ ContentLength: 16, Body: body('{"agent_id":"u"}') })
      .on(GetObjectCommand, { Key: 'big.mp3.json' })
      .resolves({ ContentLength: 10_000, Body: body('x'.repeat(10_000)) })
      .on(GetObjectCommand, { Key: 'none.mp3.json' })
      .rejects(new NoSuchKey({ $metadata: { httpStatusCode: 404 }, message: 'NoSuchKey' }));
    const objects = new S3RecordingObjects(s3);

    // Act
    const small = await objects.readSidecar('b', 'small.mp3.json', 1024);
    const big = await objects.readSidecar('b', 'big.mp3.json', 1024);
    const none = await objects.readSidecar('b', 'none.mp3.json', 1024);

    // Assess
    expect(small).toEqual({ found: true, tooLarge: false, text: '{"agent_id":"u"}' });
    expect(big).toEqual({ found: true, tooLarge: true });
    expect(none).toEqual({ found: false });
  });
});

describe('SqsIngestRequeue', () => {
  const retry = (dueAt: number): IngestRetryMessage => ({
    kind: RETRY_MESSAGE_KIND,
    version: 1,
    origin: 'm-1',
    object: anObject(),
    dueAt,
    cause: 'rate-limited',
    transientFailures: 0,
    rateLimited: 1,
  });

  it('sends the message with the delay to its due time, at most the 900 s SQS allows', async () => {
    // Prepare
    const clock = new TestClock('2026-11-24T10:00:00Z');
    const sqs = new SQSClient({});
    const mock = mockClient(sqs).on(SendMessageCommand).resolves({ MessageId: 'x' });
    const requeue = new SqsIngestRequeue(sqs, 'https://sqs.example/ingest', clock);

    // Act
    await requeue.send(retry(clock.now() + 42_300));
    await requeue.send(retry(Date.parse('2026-11-25T00:00:00Z')));

    // Assess
    const inputs = mock.commandCalls(SendMessageCommand).map((call) => call.args[0].input);
    expect(inputs.map((input) => input.DelaySeconds)).toEqual([43, 900]);
    expect(JSON.parse(inputs[1]?.MessageBody ?? '{}')).toEqual(retry(Date.parse('2026-11-25T00:00:00Z')));
    expect(inputs[0]?.QueueUrl).toBe('https://sqs.example/ingest');
  });
});

describe('IamUserSigningCredentials', () => {
  it('reads the keys once per cache period', async () => {
    // Prepare
    const clock = new TestClock();
    const client = new SecretsManagerClient({});
    const mock = mockClient(client)
      .on(GetSecretValueCommand)
      .resolves({
        SecretString: JSON.stringify({ access_key_id: 'FAKESIGNERUSER000001', secret_access_key: 's' }),
      });
    const credentials = new IamUserSigningCredentials({
      client,
      secretId: 'signer',
      cacheTtlMs: 60_000,
      clock,
    });

    // Act
    const first = await credentials.getCredentials();
    await credentials.getCredentials();
    clock.advance(60_000);
    await credentials.getCredentials();

    // Assess
    expect(first).toEqual({ accessKeyId: 'FAKESIGNERUSER000001', secretAccessKey: 's' });
    expect(mock.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('names the invalid fields of a bad secret, never its values', async () => {
    // Prepare
    const client = new SecretsManagerClient({});
    mockClient(client)
      .on(GetSecretValueCommand)
      .resolves({ SecretString: JSON.stringify({ access_key_id: 'short', secret_access_key: 'hunter2' }) });
    const credentials = new IamUserSigningCredentials({
      client,
      secretId: 'signer',
      cacheTtlMs: 0,
      clock: new TestClock(),
    });

    // Act
    const read = credentials.getCredentials();

    // Assess
    await expect(read).rejects.toThrow(
      'The URL signer secret signer lacks valid access keys (invalid: access_key_id)',
    );
    await expect(read).rejects.not.toThrow(/hunter2|short/);
  });
});
