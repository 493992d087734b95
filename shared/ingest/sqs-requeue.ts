import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { translateAwsError } from '../aws/errors.ts';
import type { Clock } from '../clock.ts';
import { delaySecondsUntil } from '../queue/delay.ts';
import type { IngestRequeue } from './ports.ts';
import type { IngestRetryMessage } from './retry-message.ts';

/**
 * Re-sends to the ingest queue with the delay that brings the message back at its due time. SQS
 * delays stop at 15 minutes: a message due later (a daily rate limit resets at midnight UTC)
 * comes back early, still carrying its due time, and is re-sent again until it is due.
 */
export class SqsIngestRequeue implements IngestRequeue {
  readonly #sqs: SQSClient;
  readonly #queueUrl: string;
  readonly #clock: Clock;

  constructor(sqs: SQSClient, queueUrl: string, clock: Clock) {
    this.#sqs = sqs;
    this.#queueUrl = queueUrl;
    this.#clock = clock;
  }

  async send(message: IngestRetryMessage): Promise<void> {
    try {
      await this.#sqs.send(
        new SendMessageCommand({
          QueueUrl: this.#queueUrl,
          MessageBody: JSON.stringify(message),
          DelaySeconds: delaySecondsUntil(message.dueAt, this.#clock.now()),
        }),
      );
    } catch (error) {
      throw translateAwsError(error, 'SQS', 'SendMessage (ingest re-send)');
    }
  }
}
