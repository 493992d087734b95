import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

/**
 * An SQS batch handed record by record to `handle`, all records at once (they are independent),
 * answered with a partial batch response (Powertools batch): a record whose `handle` throws is
 * reported in `batchItemFailures`, so SQS retries it alone; every other record is deleted.
 */
export async function processSqsBatch(
  event: SQSEvent,
  handle: (record: SQSRecord) => Promise<void>,
): Promise<SQSBatchResponse> {
  // A processor per batch: its store of successes and failures is per invocation.
  return processPartialResponse(event, handle, new BatchProcessor(EventType.SQS), {
    processInParallel: true,
    // A batch whose every record failed is still answered record by record, not with an exception:
    // SQS retries the same records either way, and the handler's log and metrics stay per record.
    throwOnFullBatchFailure: false,
  });
}
