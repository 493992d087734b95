import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { openOperatorTarget } from '../../../cli/operator-target.ts';
import { STACK_OUTPUTS } from '../../../shared/config/resources.ts';
import { ConfigError } from '../../../shared/errors.ts';
import { parseQueueMessage } from '../../../shared/ingest/events.ts';
import { SqsIngestRequeue } from '../../../shared/ingest/sqs-requeue.ts';
import { retryRecording } from '../../../shared/operator/retry.ts';
import { aRecording } from '../recordings/recording-fixtures.ts';

/**
 * The operator commands on a deployed environment (`--env dev`), AWS mocked: the names come from
 * the stack's outputs, the settings from cdk/environments/dev.json; redrive runs SQS's message move
 * task on the ingest and poll DLQs and moves only the recording events of the delivery DLQ; retry
 * sends its hand-over to the ingest queue the outputs name.
 */

const cloudFormation = mockClient(CloudFormationClient);
const sqs = mockClient(SQSClient);

afterEach(() => {
  cloudFormation.reset();
  sqs.reset();
});

const queueUrl = (name: string) => `https://sqs.eu-west-1.amazonaws.com/123456789012/${name}`;
const queueArn = (name: string) => `arn:aws:sqs:eu-west-1:123456789012:${name}`;

const outputs: Record<string, string> = {
  [STACK_OUTPUTS.table]: 'qm-ingest-dev-state',
  [STACK_OUTPUTS.resultsBucket]: 'qm-dev-results',
  [STACK_OUTPUTS.recordingsBucket]: 'qm-dev-recordings',
  [STACK_OUTPUTS.region]: 'eu-west-1',
  [STACK_OUTPUTS.ingestQueueUrl]: queueUrl('qm-dev-ingest'),
  [STACK_OUTPUTS.ingestDeadLetterQueueUrl]: queueUrl('qm-dev-ingest-dlq'),
  [STACK_OUTPUTS.pollQueueUrl]: queueUrl('qm-dev-poll'),
  [STACK_OUTPUTS.pollDeadLetterQueueUrl]: queueUrl('qm-dev-poll-dlq'),
  [STACK_OUTPUTS.deliveryDeadLetterQueueUrl]: queueUrl('qm-dev-delivery-dlq'),
};

function stackWith(values: Record<string, string>): void {
  cloudFormation.on(DescribeStacksCommand, { StackName: 'qm-ingest-dev' }).resolves({
    Stacks: [
      {
        StackName: 'qm-ingest-dev',
        StackStatus: 'UPDATE_COMPLETE',
        CreationTime: new Date(),
        Outputs: Object.entries(values).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      },
    ],
  });
}

async function openDev() {
  return openOperatorTarget({ env: 'dev', region: 'eu-west-1', dataDir: '.local' });
}

describe('the operator target of a deployed environment', () => {
  it("reads its queues from the stack's outputs and its settings from the environment's file", async () => {
    // Prepare
    stackWith(outputs);

    // Act
    const target = await openDev();
    await target.close();

    // Assess
    expect(target).toMatchObject({
      environmentName: 'dev',
      region: 'eu-west-1',
      tableName: 'qm-ingest-dev-state',
      recordingsBucket: 'qm-dev-recordings',
      ingestQueueUrl: queueUrl('qm-dev-ingest'),
      pollQueueUrl: queueUrl('qm-dev-poll'),
      settings: expect.objectContaining({ name: 'dev' }),
    });
    expect(
      target.deadLetterQueues.map((queue) => [
        queue.move.name,
        queue.move.deadLetterQueueUrl,
        queue.move.sourceQueueUrl,
      ]),
    ).toEqual([
      ['ingest', queueUrl('qm-dev-ingest-dlq'), queueUrl('qm-dev-ingest')],
      ['poll', queueUrl('qm-dev-poll-dlq'), queueUrl('qm-dev-poll')],
      ['delivery', queueUrl('qm-dev-delivery-dlq'), queueUrl('qm-dev-ingest')],
    ]);
  });

  it('names the output an older stack lacks, and how to get it', async () => {
    // Prepare
    const { [STACK_OUTPUTS.ingestDeadLetterQueueUrl]: _absent, ...older } = outputs;
    stackWith(older);

    // Act
    const opening = openDev();

    // Assess
    await expect(opening).rejects.toThrow(ConfigError);
    await expect(opening).rejects.toThrow(
      'Stack qm-ingest-dev in eu-west-1 has no output IngestDeadLetterQueueUrl: deploy the current release of the stack (cdk deploy -c env=dev)',
    );
  });
});

describe('redrive on a deployed environment', () => {
  it("moves the ingest DLQ with SQS's message move task and reports what it moved", async () => {
    // Prepare
    stackWith(outputs);
    sqs
      .on(GetQueueAttributesCommand, { QueueUrl: queueUrl('qm-dev-ingest-dlq') })
      .resolves({ Attributes: { QueueArn: queueArn('qm-dev-ingest-dlq') } });
    sqs
      .on(GetQueueAttributesCommand, { QueueUrl: queueUrl('qm-dev-ingest') })
      .resolves({ Attributes: { QueueArn: queueArn('qm-dev-ingest') } });
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });
    sqs
      .on(ListMessageMoveTasksCommand)
      .resolvesOnce({
        Results: [
          {
            TaskHandle: 'task-1',
            Status: 'RUNNING',
            ApproximateNumberOfMessagesMoved: 1,
            ApproximateNumberOfMessagesToMove: 3,
          },
        ],
      })
      .resolves({
        Results: [
          {
            TaskHandle: 'task-1',
            Status: 'COMPLETED',
            ApproximateNumberOfMessagesMoved: 3,
            ApproximateNumberOfMessagesToMove: 3,
          },
        ],
      });
    const target = await openDev();
    const ingest = target.deadLetterQueues.find((queue) => queue.move.name === 'ingest');
    const progress: number[] = [];

    // Act
    const result = await ingest?.mover.move({ ...ingest.move }, (step) => progress.push(step.moved));
    await target.close();

    // Assess
    expect(result).toEqual({ name: 'ingest', moved: 3, failed: 0 });
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)[0]?.args[0].input).toEqual({
      SourceArn: queueArn('qm-dev-ingest-dlq'),
      DestinationArn: queueArn('qm-dev-ingest'),
    });
    expect(progress).toEqual([1, 3]);
  });

  it('reports a failed move task with its reason, the rest left in the DLQ', async () => {
    // Prepare
    stackWith(outputs);
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { QueueArn: queueArn('any') } });
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-2' });
    sqs.on(ListMessageMoveTasksCommand).resolves({
      Results: [
        {
          TaskHandle: 'task-2',
          Status: 'FAILED',
          ApproximateNumberOfMessagesMoved: 1,
          ApproximateNumberOfMessagesToMove: 4,
          FailureReason: 'AccessDenied',
        },
      ],
    });
    const target = await openDev();
    const poll = target.deadLetterQueues.find((queue) => queue.move.name === 'poll');

    // Act
    const result = await poll?.mover.move(poll.move, () => undefined);
    await target.close();

    // Assess
    expect(result).toEqual({ name: 'poll', moved: 1, failed: 3, failure: 'AccessDenied' });
  });

  it('moves only the recording events of the delivery DLQ back to the ingest queue, leaving the alerts and schedule deliveries', async () => {
    // Prepare
    stackWith(outputs);
    const event = JSON.stringify({
      source: 'aws.s3',
      'detail-type': 'Object Created',
      time: '2026-11-24T09:30:00Z',
      detail: {
        bucket: { name: 'qm-dev-recordings' },
        object: { key: 'calls/a.wav', size: 10, etag: 'abc' },
        reason: 'PutObject',
      },
    });
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '2' } });
    sqs.on(ReceiveMessageCommand).resolvesOnce({
      Messages: [
        { MessageId: 'm1', ReceiptHandle: 'r1', Body: event },
        {
          MessageId: 'm2',
          ReceiptHandle: 'r2',
          Body: JSON.stringify({ Type: 'Notification', Message: 'an alert' }),
        },
      ],
    });
    sqs
      .on(SendMessageBatchCommand)
      .resolves({ Successful: [{ Id: '0', MessageId: 'n1', MD5OfMessageBody: 'x' }], Failed: [] });
    sqs.on(DeleteMessageBatchCommand).resolves({ Successful: [{ Id: '0' }], Failed: [] });
    const target = await openDev();
    const delivery = target.deadLetterQueues.find((queue) => queue.move.name === 'delivery');

    // Act
    const result = await delivery?.mover.move(delivery.move, () => undefined);
    await target.close();

    // Assess
    expect(result).toEqual({ name: 'delivery', moved: 1, failed: 0, left: 1 });
    expect(sqs.commandCalls(SendMessageBatchCommand)[0]?.args[0].input).toMatchObject({
      QueueUrl: queueUrl('qm-dev-ingest'),
      Entries: [{ MessageBody: event }],
    });
    expect(sqs.commandCalls(DeleteMessageBatchCommand)[0]?.args[0].input).toMatchObject({
      QueueUrl: queueUrl('qm-dev-delivery-dlq'),
      Entries: [{ ReceiptHandle: 'r1' }],
    });
  });
});

describe('retry on a deployed environment', () => {
  it("hands the recording over on the ingest queue the outputs name, owned by the operator's retry", async () => {
    // Prepare
    stackWith(outputs);
    sqs.on(SendMessageCommand).resolves({ MessageId: 'sent-1' });
    const target = await openDev();
    const failed = aRecording({ status: 'FAILED', submission: 2 });
    const transitions: string[] = [];

    // Act
    const outcome = await retryRecording(
      {
        recordings: {
          transition: async (current, transition) => {
            transitions.push(`${current.status} -> ${transition.to}`);
            return { ...current, status: 'RESUBMITTED', submission: current.submission + 1 };
          },
        },
        requeue: new SqsIngestRequeue(target.sqs, target.ingestQueueUrl, { now: () => 5_000 }),
        clock: { now: () => 5_000 },
      },
      failed,
      { reason: 'by ops@host', dryRun: false },
    );
    await target.close();

    // Assess
    expect(outcome.kind).toBe('retried');
    expect(transitions).toEqual(['FAILED -> RESUBMITTED']);
    const sent = sqs.commandCalls(SendMessageCommand)[0]?.args[0].input;
    expect(sent?.QueueUrl).toBe(queueUrl('qm-dev-ingest'));
    const message = parseQueueMessage(sent?.MessageBody ?? '');
    expect(message).toMatchObject({
      kind: 'retry',
      retry: { origin: 'operator-retry-rec-0001-3', recordingId: 'rec-0001', dueAt: 5_000 },
    });
  });
});
