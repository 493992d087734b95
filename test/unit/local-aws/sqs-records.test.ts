import type { Message } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { failedMessageIds, toSqsRecord } from '../../../local/triggers/index.ts';

const QUEUE_ARN = 'arn:aws:sqs:eu-central-1:000000000000:ingest';

function message(id: string): Message {
  return { MessageId: id, ReceiptHandle: `handle-${id}`, Body: `body-${id}`, MD5OfBody: '0'.repeat(32) };
}

describe('toSqsRecord', () => {
  it('builds the record Lambda puts in an SQSEvent from what ReceiveMessage returned', () => {
    // Prepare
    const received: Message = {
      ...message('m-1'),
      Attributes: {
        ApproximateReceiveCount: '2',
        SentTimestamp: '1700000000000',
        SenderId: 'AIDA',
        ApproximateFirstReceiveTimestamp: '1700000000100',
        DeadLetterQueueSourceArn: 'arn:aws:sqs:eu-central-1:000000000000:source',
      },
      MessageAttributes: {
        kind: { DataType: 'String', StringValue: 'recording' },
        raw: { DataType: 'Binary', BinaryValue: new Uint8Array([255, 0]) },
      },
      MD5OfMessageAttributes: 'f'.repeat(32),
    };
    // Act
    const record = toSqsRecord(received, QUEUE_ARN);
    // Assess
    expect(record).toEqual({
      messageId: 'm-1',
      receiptHandle: 'handle-m-1',
      body: 'body-m-1',
      attributes: {
        ApproximateReceiveCount: '2',
        SentTimestamp: '1700000000000',
        SenderId: 'AIDA',
        ApproximateFirstReceiveTimestamp: '1700000000100',
        DeadLetterQueueSourceArn: 'arn:aws:sqs:eu-central-1:000000000000:source',
      },
      messageAttributes: {
        kind: { stringValue: 'recording', stringListValues: [], binaryListValues: [], dataType: 'String' },
        raw: { binaryValue: '/wA=', stringListValues: [], binaryListValues: [], dataType: 'Binary' },
      },
      md5OfBody: '0'.repeat(32),
      md5OfMessageAttributes: 'f'.repeat(32),
      eventSource: 'aws:sqs',
      eventSourceARN: QUEUE_ARN,
      awsRegion: 'eu-central-1',
    });
  });
});

describe('failedMessageIds (partial batch responses)', () => {
  const batch = [message('a'), message('b'), message('c')];

  it.each([
    ['no response', undefined, []],
    ['null', null, []],
    ['an empty list', { batchItemFailures: [] }, []],
    ['a response without the list', {}, []],
    ['two failures', { batchItemFailures: [{ itemIdentifier: 'a' }, { itemIdentifier: 'c' }] }, ['a', 'c']],
  ])('reads %s', (_, response, expected) => {
    // Prepare
    const returned: unknown = response;
    // Act
    const failed = failedMessageIds(returned, batch);
    // Assess
    expect(failed === undefined ? undefined : [...failed].sort()).toEqual(expected);
  });

  it.each([
    ['an id not in the batch', { batchItemFailures: [{ itemIdentifier: 'z' }] }],
    ['an empty id', { batchItemFailures: [{ itemIdentifier: '' }] }],
    ['a missing id', { batchItemFailures: [{}] }],
    ['a list that is not one', { batchItemFailures: 'a' }],
    ['a string response', 'ok'],
  ])('treats %s as invalid, failing the whole batch', (_, response) => {
    // Prepare
    const returned: unknown = response;
    // Act
    const failed = failedMessageIds(returned, batch);
    // Assess
    expect(failed).toBeUndefined();
  });
});
