import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createTestQueue,
  createTestQueueWithDlq,
  type LocalAwsClients,
  localAwsClients,
  receiveMessages,
} from '../../helpers/local-stack.ts';

let clients: LocalAwsClients;

beforeAll(() => {
  clients = localAwsClients();
});

async function receiveOne(queueUrl: string) {
  const [message] = await receiveMessages(clients.sqs, queueUrl, 1);
  if (message?.ReceiptHandle === undefined) throw new Error(`No message arrived on ${queueUrl}`);
  return { ...message, ReceiptHandle: message.ReceiptHandle };
}

async function changeVisibility(queueUrl: string, receiptHandle: string, seconds: number): Promise<void> {
  await clients.sqs.send(
    new ChangeMessageVisibilityCommand({
      QueueUrl: queueUrl,
      ReceiptHandle: receiptHandle,
      VisibilityTimeout: seconds,
    }),
  );
}

async function makeVisibleNow(queueUrl: string, receiptHandle: string): Promise<void> {
  await changeVisibility(queueUrl, receiptHandle, 0);
}

describe('local SQS (local-aws-sqs 2.0.2 with the project patches)', () => {
  it('returns ApproximateReceiveCount and the other system attributes asked for with MessageSystemAttributeNames', async () => {
    // Prepare
    const queue = await createTestQueue(clients.sqs);
    await clients.sqs.send(new SendMessageCommand({ QueueUrl: queue.queueUrl, MessageBody: 'attributes' }));
    // Act
    const { Messages = [] } = await clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queue.queueUrl,
        WaitTimeSeconds: 5,
        MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
      }),
    );
    // Assess
    expect(Messages[0]?.Attributes).toEqual({
      ApproximateReceiveCount: '1',
      SentTimestamp: expect.stringMatching(/^\d+$/),
    });
  });

  it('does not count ChangeMessageVisibility as a receive', async () => {
    // Prepare
    const queue = await createTestQueue(clients.sqs);
    await clients.sqs.send(new SendMessageCommand({ QueueUrl: queue.queueUrl, MessageBody: 'heartbeat' }));
    const first = await receiveOne(queue.queueUrl);
    // Act
    for (const seconds of [30, 60]) {
      await changeVisibility(queue.queueUrl, first.ReceiptHandle, seconds);
    }
    await makeVisibleNow(queue.queueUrl, first.ReceiptHandle);
    const second = await receiveOne(queue.queueUrl);
    // Assess
    expect(first.Attributes?.ApproximateReceiveCount).toBe('1');
    expect(second.Attributes?.ApproximateReceiveCount).toBe('2');
  });

  it('keeps a message whose consumer extends its visibility (heartbeats) out of the DLQ', async () => {
    // Prepare
    const queue = await createTestQueueWithDlq(clients.sqs, { maxReceiveCount: 2 });
    await clients.sqs.send(new SendMessageCommand({ QueueUrl: queue.queueUrl, MessageBody: 'long job' }));
    const first = await receiveOne(queue.queueUrl);
    // Act
    for (const seconds of [10, 10, 10]) {
      await changeVisibility(queue.queueUrl, first.ReceiptHandle, seconds);
    }
    await makeVisibleNow(queue.queueUrl, first.ReceiptHandle);
    const again = await receiveOne(queue.queueUrl);
    // Assess
    expect(again.MessageId).toBe(first.MessageId);
    expect(again.Attributes?.ApproximateReceiveCount).toBe('2');
  });

  it('moves a message to the DLQ of its RedrivePolicy after maxReceiveCount receives', async () => {
    // Prepare
    const queue = await createTestQueueWithDlq(clients.sqs, { maxReceiveCount: 3 });
    const { MessageId } = await clients.sqs.send(
      new SendMessageCommand({ QueueUrl: queue.queueUrl, MessageBody: 'poison' }),
    );
    const receiveCounts: (string | undefined)[] = [];
    // Act
    for (let receive = 0; receive < 3; receive++) {
      const message = await receiveOne(queue.queueUrl);
      receiveCounts.push(message.Attributes?.ApproximateReceiveCount);
      await makeVisibleNow(queue.queueUrl, message.ReceiptHandle);
    }
    const [deadLetter] = await receiveMessages(clients.sqs, queue.dlq.queueUrl, 1);
    const { Attributes } = await clients.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queue.queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    // Assess
    expect(receiveCounts).toEqual(['1', '2', '3']);
    expect(deadLetter).toMatchObject({ MessageId, Body: 'poison' });
    expect(deadLetter?.Attributes?.DeadLetterQueueSourceArn).toBe(queue.queueArn);
    expect(Attributes).toEqual({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
    });
  });

  it('answers a long poll as soon as a message is ready, even when more messages may be returned', {
    timeout: 8_000,
  }, async () => {
    // Prepare
    const queue = await createTestQueue(clients.sqs);
    // Act
    const poll = clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queue.queueUrl, WaitTimeSeconds: 20, MaxNumberOfMessages: 10 }),
    );
    await clients.sqs.send(new SendMessageCommand({ QueueUrl: queue.queueUrl, MessageBody: 'ready' }));
    const { Messages = [] } = await poll;
    // Assess: the test's 8 s timeout fails it long before SQS's 20 s wait would end.
    expect(Messages.map((message) => message.Body)).toEqual(['ready']);
  });

  it('holds a delayed message back, and sends and deletes in batches', async () => {
    // Prepare
    const queue = await createTestQueue(clients.sqs);
    // Act
    await clients.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queue.queueUrl,
        Entries: [
          { Id: 'now', MessageBody: 'now' },
          { Id: 'later', MessageBody: 'later', DelaySeconds: 1 },
        ],
      }),
    );
    const immediately = await clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queue.queueUrl, MaxNumberOfMessages: 10 }),
    );
    const afterTheDelay = await receiveMessages(clients.sqs, queue.queueUrl, 1, 5_000);
    const received = [...(immediately.Messages ?? []), ...afterTheDelay];
    const deleted = await clients.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queue.queueUrl,
        Entries: received.map((message, index) => ({
          Id: String(index),
          ReceiptHandle: message.ReceiptHandle,
        })),
      }),
    );
    // Assess
    expect(immediately.Messages?.map((message) => message.Body)).toEqual(['now']);
    expect(afterTheDelay.map((message) => message.Body)).toEqual(['later']);
    expect(deleted.Successful).toHaveLength(2);
  });
});
