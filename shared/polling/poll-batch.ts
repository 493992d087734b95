import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { isRetryable } from '../errors.ts';
import type { Logger } from '../logging.ts';
import type { MetricsPort } from '../observability/metrics.ts';
import { processSqsBatch } from '../queue/partial-batch.ts';
import { PollMetric } from './metrics.ts';
import {
  type LateCheckMessage,
  type PollMessage,
  type PollQueueMessage,
  pollQueueMessageSchema,
  type WebhookSignal,
} from './poll-message.ts';

/** What the poll queue's messages are handed to: a poll (shared/polling/poller.ts) or a webhook's signal (webhook-signals.ts). */
export interface PollQueueConsumer {
  poll(message: PollMessage): Promise<unknown>;
  handleSignal(signal: WebhookSignal): Promise<unknown>;
  handleLateCheck(message: LateCheckMessage): Promise<unknown>;
}

/**
 * One batch of poll-queue messages (polls, and the signals of Zoom's webhooks): each is handled on its own (in parallel: they are different
 * recordings, or duplicates that the poll claim sorts out), and only the failed ones are reported
 * back, so SQS retries them and deletes the rest (partial batch response).
 *
 * A message that cannot be read is dropped with an error log, not retried: qm-ingest's scheduler
 * never writes one, a retry cannot make it readable, and no recording depends on it (the
 * reconciler re-queues any poll that goes missing from the recording's own state).
 */
export async function processPollBatch(
  event: SQSEvent,
  consumer: PollQueueConsumer,
  logger: Logger,
  metrics: MetricsPort,
): Promise<SQSBatchResponse> {
  return processSqsBatch(event, (record) => handleRecord(record, consumer, logger, metrics));
}

/** Throws (after its error log) when the message must be retried. */
async function handleRecord(
  record: SQSRecord,
  consumer: PollQueueConsumer,
  logger: Logger,
  metrics: MetricsPort,
): Promise<void> {
  const message = readMessage(record);
  if (message === undefined) {
    metrics.count(PollMetric.invalidPollMessages);
    logger.error('Poll message is not a poll; dropped', { messageId: record.messageId });
    return;
  }
  try {
    const outcome = await consume(consumer, message);
    logger.debug('Poll message handled', {
      messageId: record.messageId,
      recordingId: message.recordingId,
      outcome,
    });
  } catch (error) {
    logger.error('Poll failed; the message will be retried', {
      messageId: record.messageId,
      recordingId: message.recordingId,
      retryable: isRetryable(error),
      error,
    });
    throw error;
  }
}

function consume(consumer: PollQueueConsumer, message: PollQueueMessage): Promise<unknown> {
  switch (message.kind) {
    case 'poll':
      return consumer.poll(message);
    case 'webhook':
      return consumer.handleSignal(message);
    case 'late-check':
      return consumer.handleLateCheck(message);
  }
}

function readMessage(record: SQSRecord): PollQueueMessage | undefined {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    return undefined;
  }
  const parsed = pollQueueMessageSchema.safeParse(body);
  return parsed.success ? parsed.data : undefined;
}
