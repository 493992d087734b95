import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Clock } from '../clock.ts';
import { PermanentError } from '../errors.ts';
import { DelayedQueueSender } from '../queue/delayed-sender.ts';
import type { Recording } from '../recordings/recording.ts';
import type { PollMessage } from './poll-message.ts';
import type { PollScheduler } from './ports.ts';

/** Schedules a recording's next poll as a delayed message on the poll queue. */
export class SqsPollScheduler implements PollScheduler {
  readonly #sender: DelayedQueueSender;

  constructor(sqs: SQSClient, queueUrl: string, clock: Clock) {
    this.#sender = new DelayedQueueSender(sqs, queueUrl, clock, 'poll');
  }

  async schedule(recording: Recording): Promise<void> {
    const dueAt = recording.poll.nextPollDueAt;
    if (dueAt === undefined) {
      throw new PermanentError(
        `Recording ${recording.recordingId} has no poll due (status ${recording.status})`,
      );
    }
    const message: PollMessage = {
      kind: 'poll',
      recordingId: recording.recordingId,
      pollSeq: recording.poll.pollSeq,
      dueAt,
    };
    await this.#sender.send(message);
  }
}
