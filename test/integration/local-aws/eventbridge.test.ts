import { PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EventBridgeEvent, EventBridgeEventRecord } from '../../../local/aws/index.ts';
import {
  createTestQueue,
  type LocalAwsClients,
  localAws,
  localAwsClients,
  localPublished,
  receiveMessages,
  uniqueName,
} from '../../helpers/local-stack.ts';

let clients: LocalAwsClients;

beforeAll(() => {
  clients = localAwsClients();
});

describe('local EventBridge emulator', () => {
  it('routes the events a rule matches to its queue target as EventBridge event JSON, and only those', async () => {
    // Prepare
    const source = uniqueName('qm-ingest');
    const queue = await createTestQueue(clients.sqs);
    const ruleName = uniqueName('rule');
    await clients.eventBridge.send(
      new PutRuleCommand({
        Name: ruleName,
        EventPattern: JSON.stringify({
          source: [source],
          'detail-type': ['Evaluation Completed'],
          detail: { score: [{ numeric: ['>=', 50] }], channel: [{ prefix: 'voice' }] },
        }),
      }),
    );
    await clients.eventBridge.send(
      new PutTargetsCommand({ Rule: ruleName, Targets: [{ Id: 'queue', Arn: queue.queueArn }] }),
    );
    // Act
    const put = await clients.eventBridge.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: source,
            DetailType: 'Evaluation Completed',
            Detail: JSON.stringify({ score: 20, channel: 'voice' }),
          },
          {
            Source: source,
            DetailType: 'Evaluation Completed',
            Detail: JSON.stringify({ score: 80, channel: 'voice-inbound' }),
            Resources: ['r-1'],
          },
        ],
      }),
    );
    // Deliveries keep the order of the events: once this later match is in, an earlier one would be too.
    await clients.eventBridge.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: source,
            DetailType: 'Evaluation Completed',
            Detail: JSON.stringify({ score: 99, channel: 'voice' }),
          },
        ],
      }),
    );
    const messages = await receiveMessages(clients.sqs, queue.queueUrl, 2);
    // Assess
    expect(put.FailedEntryCount).toBe(0);
    const events = messages.map((message) => JSON.parse(message.Body ?? '{}') as EventBridgeEvent);
    expect(events.map((event) => event.detail)).toEqual([
      { score: 80, channel: 'voice-inbound' },
      { score: 99, channel: 'voice' },
    ]);
    expect(events[0]).toEqual({
      version: '0',
      id: put.Entries?.[1]?.EventId,
      'detail-type': 'Evaluation Completed',
      source,
      account: localAws().accountId,
      time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
      region: localAws().region,
      resources: ['r-1'],
      detail: { score: 80, channel: 'voice-inbound' },
    });
  });

  it('delivers the part of the event a target InputPath selects, and records the event with its deliveries', async () => {
    // Prepare
    const source = uniqueName('qm-ingest');
    const queue = await createTestQueue(clients.sqs);
    const ruleName = uniqueName('rule');
    await clients.eventBridge.send(
      new PutRuleCommand({ Name: ruleName, EventPattern: JSON.stringify({ source: [source] }) }),
    );
    await clients.eventBridge.send(
      new PutTargetsCommand({
        Rule: ruleName,
        Targets: [{ Id: 'detail-only', Arn: queue.queueArn, InputPath: '$.detail' }],
      }),
    );
    // Act
    const put = await clients.eventBridge.send(
      new PutEventsCommand({
        Entries: [{ Source: source, DetailType: 'Alert', Detail: JSON.stringify({ level: 'warn' }) }],
      }),
    );
    const [message] = await receiveMessages(clients.sqs, queue.queueUrl, 1);
    const recorded = (await localPublished<EventBridgeEventRecord>('eventBridge')).find(
      (record) => record.event.id === put.Entries?.[0]?.EventId,
    );
    // Assess
    expect(JSON.parse(message?.Body ?? '{}')).toEqual({ level: 'warn' });
    expect(recorded).toMatchObject({
      eventBusName: 'default',
      matchedRules: [expect.stringContaining(ruleName)],
      deliveries: [{ targetId: 'detail-only', targetArn: queue.queueArn, status: 'delivered' }],
    });
  });

  it('reports malformed entries one by one and refuses invalid patterns and non-SQS targets', async () => {
    // Prepare
    const ruleName = uniqueName('rule');
    // Act
    const put = await clients.eventBridge.send(
      new PutEventsCommand({
        Entries: [
          { Source: 'qm-ingest', DetailType: 'Alert', Detail: 'not json' },
          { Source: 'qm-ingest', DetailType: 'Alert', Detail: '{}' },
        ],
      }),
    );
    const badPattern = await clients.eventBridge
      .send(new PutRuleCommand({ Name: ruleName, EventPattern: JSON.stringify({ source: 'not-an-array' }) }))
      .catch((error: unknown) => error);
    await clients.eventBridge.send(
      new PutRuleCommand({ Name: ruleName, EventPattern: JSON.stringify({ source: ['x'] }) }),
    );
    const lambdaTarget = await clients.eventBridge.send(
      new PutTargetsCommand({
        Rule: ruleName,
        Targets: [
          { Id: 'fn', Arn: `arn:aws:lambda:${localAws().region}:${localAws().accountId}:function:f` },
        ],
      }),
    );
    // Assess
    expect(put.FailedEntryCount).toBe(1);
    expect(put.Entries?.[0]).toEqual({ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' });
    expect(put.Entries?.[1]?.EventId).toEqual(expect.any(String));
    expect(badPattern).toMatchObject({ name: 'InvalidEventPatternException' });
    expect(lambdaTarget).toMatchObject({
      FailedEntryCount: 1,
      FailedEntries: [{ TargetId: 'fn', ErrorCode: 'ValidationException' }],
    });
  });
});
