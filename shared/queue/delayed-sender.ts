import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { translateAwsError } from '../aws/errors.ts';
import type { Clock } from '../clock.ts';
import { delaySecondsUntil } from './delay.ts';

/**
 * Sends JSON messages to one queue, each delayed to arrive at its due time. SQS delays stop at 15
 * minutes: a message due later arrives early, still carrying its due time, and its consumer sends
 * it again until it is due.
 */
export class DelayedQueueSender {
  readonly #sqs: SQSClient;
  readonly #queueUrl: string;
  readonly #clock: Clock;
  readonly #purpose: string;

  /** `purpose` names the sends in errors, e.g. "ingest re-send". */
  constructor(sqs: SQSClient, queueUrl: string, clock: Clock, purpose: string) {
    this.#sqs = sqs;
    this.#queueUrl = queueUrl;
    this.#clock = clock;
    this.#purpose = purpose;
  }

  async send(message: { readonly dueAt: number }): Promise<void> {
    try {
      await this.#sqs.send(
        new SendMessageCommand({
          QueueUrl: this.#queueUrl,
          MessageBody: JSON.stringify(message),
          DelaySeconds: delaySecondsUntil(message.dueAt, this.#clock.now()),
        }),
      );
    } catch (error) {
      throw translateAwsError(error, 'SQS', `SendMessage (${this.#purpose})`);
    }
  }
}
