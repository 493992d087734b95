import { GetQueueAttributesCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type RunningSqsEventSource,
  type SqsEventSourceOptions,
  startSqsEventSource,
} from '../../../local/triggers/index.ts';
import { ConfigError } from '../../../shared/errors.ts';
import {
  createTestQueue,
  createTestQueueWithDlq,
  type LocalAwsClients,
  localAws,
  localAwsClients,
  receiveMessages,
} from '../../helpers/local-stack.ts';

let clients: LocalAwsClients;
const running: RunningSqsEventSource[] = [];

beforeAll(() => {
  clients = localAwsClients();
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((source) => source.stop()));
});

/** Every invocation a test handler saw, and a way to wait for the n-th. */
class Invocations {
  readonly events: SQSEvent[] = [];
  readonly contexts: Context[] = [];
  readonly #waiting: { count: number; resolve: () => void }[] = [];

  record(event: SQSEvent, context: Context): number {
    this.events.push(event);
    this.contexts.push(context);
    for (const waiter of this.#waiting.filter((candidate) => this.events.length >= candidate.count))
      waiter.resolve();
    return this.events.length;
  }

  until(count: number): Promise<void> {
    if (this.events.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiting.push({ count, resolve }));
  }
}

async function sendBodies(queueUrl: string, bodies: readonly string[]): Promise<void> {
  for (let start = 0; start < bodies.length; start += 10) {
    await clients.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: bodies
          .slice(start, start + 10)
          .map((body, index) => ({ Id: `m${start + index}`, MessageBody: body })),
      }),
    );
  }
}

async function queueDepth(
  queueUrl: string,
): Promise<{ visible: string | undefined; inFlight: string | undefined }> {
  const { Attributes = {} } = await clients.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return {
    visible: Attributes.ApproximateNumberOfMessages,
    inFlight: Attributes.ApproximateNumberOfMessagesNotVisible,
  };
}

/** Starts an event source on `queueUrl` with the run's SQS client; it is stopped after the test. */
async function start(
  queueUrl: string,
  options: Omit<SqsEventSourceOptions, 'sqs' | 'queueUrl'>,
): Promise<RunningSqsEventSource> {
  const source = await startSqsEventSource({ sqs: clients.sqs, queueUrl, ...options });
  running.push(source);
  return source;
}

describe('SQS event source (local Lambda trigger)', () => {
  it('delivers messages as the SQSEvent and context Lambda gives a handler', async () => {
    // Prepare
    const queue = await createTestQueue(clients.sqs, { visibilityTimeoutSeconds: 30 });
    await clients.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queue.queueUrl,
        Entries: [
          {
            Id: 'one',
            MessageBody: '{"recording":"r-1"}',
            MessageAttributes: {
              tenant: { DataType: 'String', StringValue: 'acme' },
              blob: { DataType: 'Binary', BinaryValue: Buffer.from([1, 2, 3]) },
            },
          },
        ],
      }),
    );
    const invocations = new Invocations();
    // Act
    await start(queue.queueUrl, {
      function: { functionName: 'ingest', timeoutMs: 10_000, memoryLimitInMB: 512 },
      handler: async (event, context) => {
        invocations.record(event, context);
      },
    });
    await invocations.until(1);
    // Assess
    const { region, accountId } = localAws();
    expect(invocations.events[0]).toEqual({
      Records: [
        {
          messageId: expect.any(String),
          receiptHandle: expect.any(String),
          body: '{"recording":"r-1"}',
          attributes: {
            ApproximateReceiveCount: '1',
            SentTimestamp: expect.stringMatching(/^\d+$/),
            SenderId: expect.any(String),
            ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d+$/),
          },
          messageAttributes: {
            tenant: { stringValue: 'acme', stringListValues: [], binaryListValues: [], dataType: 'String' },
            blob: { binaryValue: 'AQID', stringListValues: [], binaryListValues: [], dataType: 'Binary' },
          },
          md5OfBody: expect.stringMatching(/^[0-9a-f]{32}$/),
          md5OfMessageAttributes: expect.stringMatching(/^[0-9a-f]{32}$/),
          eventSource: 'aws:sqs',
          eventSourceARN: queue.queueArn,
          awsRegion: region,
        },
      ],
    });
    const context = invocations.contexts[0];
    expect(context).toMatchObject({
      functionName: 'ingest',
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:${region}:${accountId}:function:ingest`,
      memoryLimitInMB: '512',
      awsRequestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      logGroupName: '/aws/lambda/ingest',
    });
    expect(context?.getRemainingTimeInMillis()).toBeGreaterThan(0);
    expect(context?.getRemainingTimeInMillis()).toBeLessThanOrEqual(10_000);
  });

  it('deletes the four successes of a batch of five and hands back exactly the reported failure', async () => {
    // Prepare
    const queue = await createTestQueue(clients.sqs, { visibilityTimeoutSeconds: 2 });
    await sendBodies(queue.queueUrl, ['a', 'b', 'c', 'd', 'e']);
    const invocations = new Invocations();
    // Act
    const source = await start(queue.queueUrl, {
      function: { functionName: 'ingest', timeoutMs: 1_000 },
      batchSize: 5,
      maximumBatchingWindowMs: 1_000,
      reportBatchItemFailures: true,
      handler: async (event, context): Promise<SQSBatchResponse> => {
        const call = invocations.record(event, context);
        const failing = event.Records.find((record) => record.body === 'c');
        return { batchItemFailures: call === 1 && failing ? [{ itemIdentifier: failing.messageId }] : [] };
      },
    });
    await invocations.until(2);
    await source.stop();
    // Assess
    const [first, second] = invocations.events;
    expect(first?.Records.map((record) => record.body).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    const failedId = first?.Records.find((record) => record.body === 'c')?.messageId;
    expect(
      second?.Records.map((record) => [
        record.messageId,
        record.body,
        record.attributes.ApproximateReceiveCount,
      ]),
    ).toEqual([[failedId, 'c', '2']]);
    expect(await queueDepth(queue.queueUrl)).toEqual({ visible: '0', inFlight: '0' });
  });

  it('fails the whole batch when the handler throws, and the queue redrives a message that always fails to its DLQ', async () => {
    // Prepare
    const queue = await createTestQueueWithDlq(clients.sqs, {
      visibilityTimeoutSeconds: 1,
      maxReceiveCount: 3,
    });
    await sendBodies(queue.queueUrl, ['poison', 'bystander']);
    const invocations = new Invocations();
    const errors: unknown[] = [];
    // Act
    await start(queue.queueUrl, {
      function: { functionName: 'ingest', timeoutMs: 1_000 },
      batchSize: 10,
      maximumBatchingWindowMs: 300,
      onError: (error) => errors.push(error),
      handler: async (event, context) => {
        invocations.record(event, context);
        throw new Error('cannot process');
      },
    });
    const deadLetters = await receiveMessages(clients.sqs, queue.dlq.queueUrl, 2, 15_000);
    // Assess
    expect(deadLetters.map((message) => message.Body).sort()).toEqual(['bystander', 'poison']);
    const receiveCounts = invocations.events.map((event) =>
      event.Records.map((record) => `${record.body}:${record.attributes.ApproximateReceiveCount}`).sort(),
    );
    expect(receiveCounts).toEqual([
      ['bystander:1', 'poison:1'],
      ['bystander:2', 'poison:2'],
      ['bystander:3', 'poison:3'],
    ]);
    expect(errors).toHaveLength(3);
  });

  it('never runs more invocations at once than maximumConcurrency, however long the backlog', async () => {
    // Prepare
    const queue = await createTestQueue(clients.sqs, { visibilityTimeoutSeconds: 60 });
    await sendBodies(
      queue.queueUrl,
      Array.from({ length: 20 }, (_, index) => `job-${index}`),
    );
    const invocations = new Invocations();
    let active = 0;
    let mostActive = 0;
    let openGate: () => void = () => {};
    const capReached = new Promise<void>((resolve) => {
      openGate = resolve;
    });
    // Act
    await start(queue.queueUrl, {
      function: { functionName: 'poll', timeoutMs: 30_000 },
      batchSize: 1,
      maximumConcurrency: 3,
      handler: async (event, context) => {
        active++;
        mostActive = Math.max(mostActive, active);
        // Hold every invocation until three run together: the cap must be reached, and never passed.
        if (active === 3) openGate();
        await capReached;
        await new Promise((resolve) => setTimeout(resolve, 5));
        active--;
        invocations.record(event, context);
      },
    });
    await invocations.until(20);
    // Assess
    expect(mostActive).toBe(3);
    expect(new Set(invocations.events.map((event) => event.Records[0]?.body)).size).toBe(20);
  });

  it('deletes the whole batch when partial batch responses are not enabled, as Lambda ignores them then', async () => {
    // Prepare
    const queue = await createTestQueue(clients.sqs, { visibilityTimeoutSeconds: 1 });
    await sendBodies(queue.queueUrl, ['x', 'y']);
    const invocations = new Invocations();
    // Act
    const source = await start(queue.queueUrl, {
      function: { functionName: 'ingest', timeoutMs: 1_000 },
      batchSize: 2,
      maximumBatchingWindowMs: 2_000,
      handler: async (event, context) => {
        invocations.record(event, context);
        return { batchItemFailures: event.Records.map((record) => ({ itemIdentifier: record.messageId })) };
      },
    });
    await invocations.until(1);
    await source.stop();
    // Assess
    expect(invocations.events[0]?.Records).toHaveLength(2);
    expect(await queueDepth(queue.queueUrl)).toEqual({ visible: '0', inFlight: '0' });
  });

  it('refuses, as Lambda does, a function timeout longer than the queue visibility timeout', async () => {
    // Prepare
    const queue = await createTestQueue(clients.sqs, { visibilityTimeoutSeconds: 5 });
    // Act
    const failure = await startSqsEventSource({
      sqs: clients.sqs,
      queueUrl: queue.queueUrl,
      function: { functionName: 'slow', timeoutMs: 6_000 },
      handler: async () => {},
    }).catch((error: unknown) => error);
    // Assess
    expect(failure).toBeInstanceOf(ConfigError);
    expect(String(failure)).toContain(
      'Queue visibility timeout: 5 seconds is less than Function timeout: 6 seconds',
    );
  });
});
