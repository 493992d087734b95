import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  NotFoundException,
  PublishBatchCommand,
  PublishCommand,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationEnvelope, SnsPublishRecord } from '../../../local/aws/index.ts';
import {
  createTestQueue,
  createTestTopic,
  type LocalAwsClients,
  localAws,
  localAwsClients,
  localPublished,
  receiveMessages,
} from '../../helpers/local-stack.ts';

let clients: LocalAwsClients;
const closeAfterTest: (() => Promise<void>)[] = [];

beforeAll(() => {
  clients = localAwsClients();
});

afterEach(async () => {
  for (const close of closeAfterTest.splice(0)) await close();
});

interface ReceivedPost {
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** A loopback HTTP endpoint that records what it receives. */
async function startEndpoint(): Promise<{
  url: string;
  posts: ReceivedPost[];
  nextPost: () => Promise<ReceivedPost>;
}> {
  const posts: ReceivedPost[] = [];
  const waiting: ((post: ReceivedPost) => void)[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const post = { headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
      posts.push(post);
      waiting.shift()?.(post);
      response.end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closeAfterTest.push(
    () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  /** The next POST to arrive after this call. */
  const nextPost = (): Promise<ReceivedPost> => new Promise((resolve) => waiting.push(resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, posts, nextPost };
}

describe('local SNS emulator', () => {
  it('delivers a publication to a subscribed queue in the SNS envelope, with its message attributes', async () => {
    // Prepare
    const topicArn = await createTestTopic(clients.sns);
    const queue = await createTestQueue(clients.sqs);
    await clients.sns.send(
      new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queue.queueArn }),
    );
    // Act
    const { MessageId } = await clients.sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Subject: 'Evaluation failed',
        Message: '{"recording":"r-1"}',
        MessageAttributes: {
          severity: { DataType: 'String', StringValue: 'high' },
          attempts: { DataType: 'Number', StringValue: '3' },
          raw: { DataType: 'Binary', BinaryValue: Buffer.from([1, 2, 3]) },
        },
      }),
    );
    const [message] = await receiveMessages(clients.sqs, queue.queueUrl, 1);
    // Assess
    const envelope = JSON.parse(message?.Body ?? '{}') as NotificationEnvelope;
    expect(envelope).toEqual({
      Type: 'Notification',
      MessageId,
      TopicArn: topicArn,
      Subject: 'Evaluation failed',
      Message: '{"recording":"r-1"}',
      Timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      SignatureVersion: '1',
      Signature: expect.any(String),
      SigningCertURL: expect.stringContaining(localAws().endpoints.sns),
      UnsubscribeURL: expect.stringContaining('Action=Unsubscribe'),
      MessageAttributes: {
        severity: { Type: 'String', Value: 'high' },
        attempts: { Type: 'Number', Value: '3' },
        raw: { Type: 'Binary', Value: 'AQID' },
      },
    });
  });

  it('delivers the raw message and SQS message attributes when RawMessageDelivery is on', async () => {
    // Prepare
    const topicArn = await createTestTopic(clients.sns);
    const queue = await createTestQueue(clients.sqs);
    await clients.sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'sqs',
        Endpoint: queue.queueArn,
        Attributes: { RawMessageDelivery: 'true' },
      }),
    );
    // Act
    await clients.sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Message: 'plain body',
        MessageAttributes: { kind: { DataType: 'String', StringValue: 'alert' } },
      }),
    );
    const [message] = await receiveMessages(clients.sqs, queue.queueUrl, 1);
    // Assess
    expect(message?.Body).toBe('plain body');
    expect(message?.MessageAttributes).toEqual({ kind: { DataType: 'String', StringValue: 'alert' } });
  });

  it('confirms an HTTP subscription through its SubscribeURL, then POSTs notifications with the SNS headers', async () => {
    // Prepare
    const topicArn = await createTestTopic(clients.sns);
    const endpoint = await startEndpoint();
    const confirmationArrives = endpoint.nextPost();
    // Act
    const subscribed = await clients.sns.send(
      new SubscribeCommand({ TopicArn: topicArn, Protocol: 'http', Endpoint: endpoint.url }),
    );
    const confirmation = await confirmationArrives;
    const subscribeUrl = (JSON.parse(confirmation.body) as { SubscribeURL: string }).SubscribeURL;
    const confirmed = await fetch(subscribeUrl);
    const notificationArrives = endpoint.nextPost();
    const { MessageId } = await clients.sns.send(
      new PublishCommand({ TopicArn: topicArn, Message: 'to the webhook' }),
    );
    const notification = await notificationArrives;
    // Assess
    expect(subscribed.SubscriptionArn).toBe('pending confirmation');
    expect(confirmation.headers['x-amz-sns-message-type']).toBe('SubscriptionConfirmation');
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain(topicArn);
    expect(notification.headers).toMatchObject({
      'x-amz-sns-message-type': 'Notification',
      'x-amz-sns-message-id': MessageId,
      'x-amz-sns-topic-arn': topicArn,
    });
    expect(JSON.parse(notification.body)).toMatchObject({ Type: 'Notification', Message: 'to the webhook' });
  });

  it('publishes a batch, failing only the invalid entries, and records every publication', async () => {
    // Prepare
    const topicArn = await createTestTopic(clients.sns);
    // Act
    const batch = await clients.sns.send(
      new PublishBatchCommand({
        TopicArn: topicArn,
        PublishBatchRequestEntries: [
          { Id: 'ok', Message: 'first' },
          {
            Id: 'bad-number',
            Message: 'second',
            MessageAttributes: { count: { DataType: 'Number', StringValue: 'many' } },
          },
        ],
      }),
    );
    const recorded = (await localPublished<SnsPublishRecord>('sns')).filter(
      (record) => record.topicArn === topicArn,
    );
    // Assess
    expect(batch.Successful).toEqual([{ Id: 'ok', MessageId: expect.any(String) }]);
    expect(batch.Failed).toEqual([
      { Id: 'bad-number', Code: 'ParameterValueInvalid', SenderFault: true, Message: expect.any(String) },
    ]);
    expect(recorded.map((record) => record.message)).toEqual(['first']);
  });

  it('answers NotFound for a topic that does not exist and refuses endpoints off the loopback interface', async () => {
    // Prepare
    const topicArn = await createTestTopic(clients.sns);
    // Act
    const missing = await clients.sns
      .send(new PublishCommand({ TopicArn: `${topicArn}-missing`, Message: 'x' }))
      .catch((error: unknown) => error);
    const remote = await clients.sns
      .send(
        new SubscribeCommand({ TopicArn: topicArn, Protocol: 'https', Endpoint: 'https://example.com/hook' }),
      )
      .catch((error: unknown) => error);
    // Assess
    expect(missing).toBeInstanceOf(NotFoundException);
    expect(remote).toMatchObject({ name: 'InvalidParameterException' });
  });
});
