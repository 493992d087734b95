import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { translateAwsError } from '../aws/errors.ts';
import type { Clock } from '../clock.ts';
import { PermanentError } from '../errors.ts';
import { delaySecondsUntil } from '../queue/delay.ts';
import type { Recording } from '../recordings/recording.ts';
import type { PollMessage } from './poll-message.ts';
import type { PollScheduler } from './ports.ts';

/** Schedules a recording's next poll as a delayed message on the poll queue. */
export class SqsPollScheduler implements PollScheduler {
  readonly #sqs: SQSClient;
  readonly #queueUrl: string;
  readonly #clock: Clock;

  constructor(sqs: SQSClient, queueUrl: string, clock: Clock) {
    this.#sqs = sqs;
    this.#queueUrl = queueUrl;
    this.#clock = clock;
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
    try {
      await this.#sqs.send(
        new SendMessageCommand({
          QueueUrl: this.#queueUrl,
          MessageBody: JSON.stringify(message),
          DelaySeconds: delaySecondsUntil(dueAt, this.#clock.now()),
        }),
      );
    } catch (error) {
      throw translateAwsError(error, 'SQS', 'SendMessage');
    }
  }
}
