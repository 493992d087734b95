import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { readProperty, translateAwsError } from '../aws/errors.ts';
import type { QmIngestError } from '../errors.ts';

/**
 * Translation of DynamoDB SDK errors into the project's error classes, where the SDK is called.
 * Conditional-check failures are not translated here: each caller turns them into the error that
 * means something for its item (a lost race, a stale write), with the item DynamoDB returned.
 */

/** Per-item cancellation codes of a cancelled transaction that pass by themselves. */
const retryableCancellationCodes = new Set([
  'TransactionConflict',
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
  'RequestLimitExceeded',
]);

/** One item's outcome in a cancelled transaction, with the item as it was when the condition was checked. */
export interface CancellationReason {
  readonly code: string;
  readonly item: Record<string, unknown> | undefined;
}

/** True when DynamoDB refused a single-item write because its condition was false. */
export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** True when DynamoDB cancelled a transaction (one of its conditions failed, or it conflicted). */
export function isTransactionCanceled(error: unknown): boolean {
  return error instanceof Error && error.name === 'TransactionCanceledException';
}

/**
 * The item a failed conditional write found, when the request asked for it with
 * `ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`; undefined when there was no item. Error
 * payloads bypass the document client's unmarshalling, so this converts the raw attribute values.
 */
export function conditionFailedItem(error: unknown): Record<string, unknown> | undefined {
  return unmarshallRaw(readProperty(error, 'Item'));
}

/** The per-item outcomes of a cancelled transaction, in the order of its items. */
export function cancellationReasons(error: unknown): CancellationReason[] {
  const reasons = readProperty(error, 'CancellationReasons');
  if (!Array.isArray(reasons)) {
    return [];
  }
  return reasons.map((reason: unknown) => ({
    code: String(readProperty(reason, 'Code') ?? 'None'),
    item: unmarshallRaw(readProperty(reason, 'Item')),
  }));
}

/**
 * Translates an error thrown by a DynamoDB call into a {@link RetryableError} (throttling, 5xx,
 * transaction conflicts, timeouts, dropped connections) or a {@link PermanentError} (everything
 * else: a missing table, a validation error, denied access). Already-translated errors pass
 * through. The message names the operation and the error, never item values.
 */
export function translateDynamoError(error: unknown, operation: string): QmIngestError {
  return translateAwsError(error, 'DynamoDB', operation, isRetryableDynamoError);
}

/** DynamoDB's own passing conditions, beyond the SDK-wide ones. */
function isRetryableDynamoError(error: Error): boolean {
  if (retryableDynamoNames.has(error.name)) {
    return true;
  }
  return (
    isTransactionCanceled(error) &&
    cancellationReasons(error).some((reason) => retryableCancellationCodes.has(reason.code))
  );
}

const retryableDynamoNames = new Set([
  'LimitExceededException',
  'TransactionConflictException',
  'TransactionInProgressException',
  'ReplicatedWriteConflictException',
]);

function unmarshallRaw(raw: unknown): Record<string, unknown> | undefined {
  if (raw === undefined || raw === null || typeof raw !== 'object') {
    return undefined;
  }
  return unmarshall(raw as Record<string, AttributeValue>);
}
