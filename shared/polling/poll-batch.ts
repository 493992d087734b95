import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { isRetryable } from '../errors.ts';
import type { Logger } from '../logging.ts';
import type { MetricsPort } from '../observability/metrics.ts';
import { processSqsBatch } from '../queue/partial-batch.ts';
import { PollMetric } from './metrics.ts';
import { type PollMessage, pollMessageSchema } from './poll-message.ts';
import type { PollOutcome, PollService } from './poller.ts';

/**
 * One batch of poll messages: each is handled on its own (in parallel: they are different
 * recordings, or duplicates that the poll claim sorts out), and only the failed ones are reported
 * back, so SQS retries them and deletes the rest (partial batch response).
 *
 * A message that cannot be read is dropped with an error log, not retried: qm-ingest's scheduler
 * never writes one, a retry cannot make it readable, and no recording depends on it (the
 * reconciler re-queues any poll that goes missing from the recording's own state).
 */
export async function processPollBatch(
  event: SQSEvent,
  service: Pick<PollService, 'poll'>,
  logger: Logger,
  metrics: MetricsPort,
): Promise<SQSBatchResponse> {
  return processSqsBatch(event, (record) => handleRecord(record, service, logger, metrics));
}

/** Throws (after its error log) when the message must be retried. */
async function handleRecord(
  record: SQSRecord,
  service: Pick<PollService, 'poll'>,
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
    const outcome: PollOutcome = await service.poll(message);
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

function readMessage(record: SQSRecord): PollMessage | undefined {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    return undefined;
  }
  const parsed = pollMessageSchema.safeParse(body);
  return parsed.success ? parsed.data : undefined;
}
