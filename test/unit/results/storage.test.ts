import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { Container } from '../../../functions/container.ts';
import { resultsStoreOf } from '../../../functions/poll.ts';
import { PermanentError, RetryableError } from '../../../shared/errors.ts';
import { type CollectedResults, collectResults } from '../../../shared/results/collect.ts';
import { ResultsStore } from '../../../shared/results/results-store.ts';
import { planResultsStorage, resultsTag } from '../../../shared/results/storage-plan.ts';
import { UNIT_RUNTIME_ENV } from '../../helpers/ingest-fakes.ts';
import { automatedList, interactionDetail } from '../polling/support/fixtures.ts';

const options = { bucket: 'qm-results', keyPrefix: 'results/', inlineMaxBytes: 300_000 };

/** The example interaction with a transcript of about `bytes` bytes. */
function collectedWithTranscript(bytes: number): CollectedResults {
  const line = 'Thank you for calling, how can I help you today? ';
  const items = Array.from({ length: Math.ceil(bytes / 100) }, (_, index) => ({
    item_id: String(index),
    speaker_id: String(index % 2),
    start_time: '00:00:01.000',
    end_time: '00:00:02.000',
    text: line,
  }));
  return collectResults({
    recording: { recordingId: 'rec-1', submission: 1, zoomAccountId: 'acct-1' },
    interactionId: 'IX-1',
    status: 'EVALUATED',
    collectedAt: 1,
    detail: interactionDetail(undefined, (raw) => {
      (raw['transcript_body'] as Record<string, unknown>)['items'] = items;
    }),
    automated: automatedList([{ status: 'COMPLETED' }]),
    manualDetails: new Map(),
  });
}

/** A GetObject body as the SDK hands it out, reduced to what the store reads. */
function streamOf(text: string): GetObjectCommandOutput['Body'] {
  return { transformToString: async () => text } as unknown as GetObjectCommandOutput['Body'];
}

describe('where results go', () => {
  it('a transcript always goes to the bucket, the small document to a DynamoDB item', () => {
    // Act
    const plan = planResultsStorage(collectedWithTranscript(5_000), resultsTag(1, 7), options);

    // Assess
    expect(plan.transcript?.key).toBe('results/rec-1/s1-p7/transcript.json');
    expect(plan.location).toEqual({ kind: 'item', sk: 'RESULTS#s1-p7' });
    expect(plan.document.transcript).toMatchObject({
      bucket: 'qm-results',
      key: 'results/rec-1/s1-p7/transcript.json',
      language: 'en-US',
    });
    expect(plan.documentBody).not.toContain('Thank you for calling');
  });

  it('a > 400 KB transcript lands in the bucket; the item stays far below the limit', () => {
    // Act
    const plan = planResultsStorage(collectedWithTranscript(450_000), resultsTag(1, 7), options);

    // Assess
    expect(plan.document.transcript?.bytes).toBeGreaterThan(400_000);
    expect(Buffer.byteLength(plan.transcript?.body ?? '')).toBe(plan.document.transcript?.bytes);
    expect(plan.location.kind).toBe('item');
    expect(Buffer.byteLength(plan.documentBody)).toBeLessThan(20_000);
  });

  it('a document above the threshold goes to the bucket too', () => {
    // Act
    const plan = planResultsStorage(collectedWithTranscript(1_000), resultsTag(2, 3), {
      ...options,
      inlineMaxBytes: 1_024,
    });

    // Assess
    expect(plan.location).toEqual({
      kind: 's3',
      bucket: 'qm-results',
      key: 'results/rec-1/s2-p3/results.json',
    });
  });

  it('no transcript, no transcript object', () => {
    // Prepare
    const collected = collectedWithTranscript(1_000);

    // Act
    const plan = planResultsStorage({ ...collected, transcript: undefined }, resultsTag(1, 1), options);

    // Assess
    expect(plan.transcript).toBeUndefined();
    expect(plan.document.transcript).toBeUndefined();
  });
});

describe('the results store', () => {
  const s3 = mockClient(S3Client);
  const documents = mockClient(DynamoDBDocumentClient);
  const store = new ResultsStore(
    new DynamoDBClient({ region: 'eu-west-1' }),
    new S3Client({ region: 'eu-west-1' }),
    {
      ...options,
      tableName: 'state',
      kmsKeyId: 'arn:aws:kms:eu-west-1:111122223333:key/abc',
    },
  );

  beforeEach(() => {
    s3.reset();
    documents.reset();
  });

  it('writes the transcript with SSE-KMS and the document into an item, and reads it back', async () => {
    // Prepare
    s3.on(PutObjectCommand).resolves({});
    documents.on(PutCommand).resolves({});
    const collected = collectedWithTranscript(2_000);

    // Act
    const location = await store.save(collected, 's1-p4');

    // Assess
    expect(location).toEqual({ kind: 'item', sk: 'RESULTS#s1-p4' });
    expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input).toMatchObject({
      Bucket: 'qm-results',
      Key: 'results/rec-1/s1-p4/transcript.json',
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: 'arn:aws:kms:eu-west-1:111122223333:key/abc',
      ContentType: 'application/json',
    });
    const item = documents.commandCalls(PutCommand)[0]?.args[0].input.Item;
    expect(item).toMatchObject({
      pk: 'REC#rec-1',
      sk: 'RESULTS#s1-p4',
      type: 'RESULTS',
      recordingId: 'rec-1',
    });
    documents.on(GetCommand).resolves({ Item: item });
    const read = await store.read('rec-1', location);
    expect(read.interaction.queueName).toBe('Demo');
    expect(read.transcript?.key).toBe('results/rec-1/s1-p4/transcript.json');
  });

  it('puts a large document in the bucket and reads it from there', async () => {
    // Prepare
    const small = new ResultsStore(
      new DynamoDBClient({ region: 'eu-west-1' }),
      new S3Client({ region: 'eu-west-1' }),
      {
        ...options,
        inlineMaxBytes: 1_024,
        tableName: 'state',
      },
    );
    s3.on(PutObjectCommand).resolves({});
    const collected = collectedWithTranscript(1_000);

    // Act
    const location = await small.save(collected, 's1-p4');

    // Assess
    expect(location).toEqual({ kind: 's3', bucket: 'qm-results', key: 'results/rec-1/s1-p4/results.json' });
    expect(documents.commandCalls(PutCommand)).toHaveLength(0);
    const body = s3.commandCalls(PutObjectCommand)[1]?.args[0].input.Body;
    expect(s3.commandCalls(PutObjectCommand)[1]?.args[0].input.ServerSideEncryption).toBe('aws:kms');
    s3.on(GetObjectCommand).resolves({ Body: streamOf(String(body)) });
    expect((await small.read('rec-1', location)).recordingId).toBe('rec-1');
  });

  it('translates S3 failures, and refuses a reference that is no results item', async () => {
    // Prepare
    s3.on(PutObjectCommand).rejects(Object.assign(new Error('slow down'), { name: 'SlowDown' }));

    // Act / Assess
    await expect(store.save(collectedWithTranscript(100), 's1-p1')).rejects.toThrow(RetryableError);
    await expect(store.read('rec-1', { kind: 'item', sk: 'RECORDING' })).rejects.toThrow(PermanentError);
  });
});

describe("the poll function's results store", () => {
  const s3 = mockClient(S3Client);
  const env = UNIT_RUNTIME_ENV;

  beforeEach(() => {
    s3.reset();
    s3.on(PutObjectCommand).resolves({});
  });

  it.each([
    [
      'with the key QM_RESULTS_KMS_KEY_ID names',
      'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    ],
    ["with the account's AWS-managed key when none is named", undefined],
  ])('encrypts transcripts with SSE-KMS %s', async (_label, keyId) => {
    // Prepare
    const container = new Container({
      serviceName: 'poll',
      env: keyId === undefined ? env : { ...env, QM_RESULTS_KMS_KEY_ID: keyId },
    });

    // Act
    await resultsStoreOf(container).save(collectedWithTranscript(2_000), 's1-p1');

    // Assess
    const input = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ Bucket: 'qm-ingest-unit-results', ServerSideEncryption: 'aws:kms' });
    expect(input?.SSEKMSKeyId).toBe(keyId);
  });
});
