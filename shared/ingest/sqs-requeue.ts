import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Clock } from '../clock.ts';
import { DelayedQueueSender } from '../queue/delayed-sender.ts';
import type { IngestRequeue } from './ports.ts';
import type { IngestRetryMessage } from './retry-message.ts';

/**
 * Re-sends to the ingest queue with the delay that brings the message back at its due time (a
 * daily rate limit resets at midnight UTC: such a message comes back early and is re-sent again).
 */
export class SqsIngestRequeue implements IngestRequeue {
  readonly #sender: DelayedQueueSender;

  constructor(sqs: SQSClient, queueUrl: string, clock: Clock) {
    this.#sender = new DelayedQueueSender(sqs, queueUrl, clock, 'ingest re-send');
  }

  send(message: IngestRetryMessage): Promise<void> {
    return this.#sender.send(message);
  }
}
