import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { RetryableError } from '../../../shared/errors.ts';
import { InMemoryMetrics } from '../../../shared/observability/metrics.ts';
import { PollMetric } from '../../../shared/polling/metrics.ts';
import { processPollBatch } from '../../../shared/polling/poll-batch.ts';
import type { PollMessage } from '../../../shared/polling/poll-message.ts';
import type { PollOutcome } from '../../../shared/polling/poller.ts';
import { CapturingLogger } from '../zoom/support/capturing-logger.ts';

function sqsRecord(messageId: string, body: string): SQSRecord {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1',
      SenderId: 'sender',
      ApproximateFirstReceiveTimestamp: '1',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:000000000000:poll',
    awsRegion: 'eu-west-1',
  };
}

const poll = (recordingId: string): string =>
  JSON.stringify({ kind: 'poll', recordingId, pollSeq: 1, dueAt: 1_000 } satisfies PollMessage);

describe('a batch of poll messages', () => {
  it('reports only the messages whose poll failed', async () => {
    // Prepare
    const event: SQSEvent = {
      Records: [sqsRecord('m-1', poll('ok')), sqsRecord('m-2', poll('broken')), sqsRecord('m-3', poll('ok'))],
    };
    const polled: string[] = [];
    const service = {
      poll: async (message: PollMessage): Promise<PollOutcome> => {
        polled.push(message.recordingId);
        if (message.recordingId === 'broken')
          throw new RetryableError('DynamoDB GetItem failed: InternalError');
        return { kind: 'dropped', why: 'stale' };
      },
      handleSignal: async () => {
        throw new Error('not called');
      },
      handleLateCheck: async () => {
        throw new Error('not called');
      },
    };
    const logger = new CapturingLogger();

    // Act
    const response = await processPollBatch(event, service, logger, new InMemoryMetrics());

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-2' }] });
    expect(polled.sort()).toEqual(['broken', 'ok', 'ok']);
    expect(logger.fieldsOf('Poll failed; the message will be retried')).toMatchObject([
      { messageId: 'm-2', recordingId: 'broken', retryable: true },
    ]);
  });

  it.each([
    ['not JSON', 'poll me'],
    ['not a poll', JSON.stringify({ Records: [] })],
    ['a poll without its sequence', JSON.stringify({ kind: 'poll', recordingId: 'r', dueAt: 5 })],
  ])('drops a message that is %s, with an error log, and never retries it', async (_label, body) => {
    // Prepare
    const metrics = new InMemoryMetrics();
    const logger = new CapturingLogger();
    const service = {
      poll: async (): Promise<PollOutcome> => {
        throw new Error('not called');
      },
      handleSignal: async () => {
        throw new Error('not called');
      },
      handleLateCheck: async () => {
        throw new Error('not called');
      },
    };

    // Act
    const response = await processPollBatch({ Records: [sqsRecord('m-1', body)] }, service, logger, metrics);

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(metrics.total(PollMetric.invalidPollMessages)).toBe(1);
    expect(logger.entries.map((entry) => entry.level)).toEqual(['error']);
  });
});
