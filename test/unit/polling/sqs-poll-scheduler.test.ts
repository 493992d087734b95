import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { PermanentError, RetryableError } from '../../../shared/errors.ts';
import { pollMessageSchema } from '../../../shared/polling/poll-message.ts';
import { SqsPollScheduler } from '../../../shared/polling/sqs-poll-scheduler.ts';
import type { Recording } from '../../../shared/recordings/recording.ts';

const now = Date.UTC(2026, 10, 25, 12, 0, 0);
const queueUrl = 'http://127.0.0.1:9324/000000000000/poll';

function submitted(poll: Partial<Recording['poll']>): Recording {
  return {
    recordingId: 'rec-1',
    status: 'SUBMITTED',
    poll: { pollSeq: 7, attempts: 0, ...poll },
  } as Recording;
}

describe('SqsPollScheduler', () => {
  it('sends the recording id, poll sequence and due time, delayed until due', async () => {
    // Prepare
    const sqs = mockClient(SQSClient);
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
    const scheduler = new SqsPollScheduler(new SQSClient({}), queueUrl, { now: () => now });

    // Act
    await scheduler.schedule(submitted({ nextPollDueAt: now + 90_000 }));

    // Assess
    const input = sqs.commandCalls(SendMessageCommand)[0]?.args[0].input;
    expect(input?.QueueUrl).toBe(queueUrl);
    expect(input?.DelaySeconds).toBe(90);
    expect(pollMessageSchema.parse(JSON.parse(input?.MessageBody ?? ''))).toEqual({
      kind: 'poll',
      recordingId: 'rec-1',
      pollSeq: 7,
      dueAt: now + 90_000,
    });
  });

  it('caps the delay at 15 minutes for a poll due later', async () => {
    // Prepare
    const sqs = mockClient(SQSClient);
    sqs.on(SendMessageCommand).resolves({});
    const scheduler = new SqsPollScheduler(new SQSClient({}), queueUrl, { now: () => now });

    // Act
    await scheduler.schedule(submitted({ nextPollDueAt: now + 3 * 3_600_000 }));

    // Assess
    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.DelaySeconds).toBe(900);
  });

  it('refuses a recording with no poll due', async () => {
    // Prepare
    mockClient(SQSClient);
    const scheduler = new SqsPollScheduler(new SQSClient({}), queueUrl, { now: () => now });

    // Act / Assess
    await expect(scheduler.schedule(submitted({}))).rejects.toThrow(PermanentError);
  });

  it('translates a throttled send into a retryable error', async () => {
    // Prepare
    const sqs = mockClient(SQSClient);
    sqs
      .on(SendMessageCommand)
      .rejects(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));
    const scheduler = new SqsPollScheduler(new SQSClient({}), queueUrl, { now: () => now });

    // Act / Assess
    await expect(scheduler.schedule(submitted({ nextPollDueAt: now }))).rejects.toThrow(RetryableError);
  });
});
