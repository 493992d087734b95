import { PermanentError, type QmIngestError, RetryableError } from '../errors.ts';

/**
 * Translation of AWS SDK errors into the project's error classes, where an SDK call is made. One
 * rule for every service: throttling, server faults, timeouts and dropped connections may pass by
 * themselves; everything else (a missing resource, a validation error, denied access) will not.
 */

/** Error names the SDK and AWS services use for conditions that pass by themselves. */
const retryableNames = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'SlowDown',
  'InternalServerError',
  'InternalError',
  'InternalFailure',
  'ServiceUnavailable',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

/** Node socket error codes that mean the request may not have arrived or its answer was lost. */
const retryableSocketCodes = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

/**
 * Translates an error thrown by an AWS SDK call into a {@link RetryableError} or a
 * {@link PermanentError} with the original as `cause`. Already-translated errors pass through.
 * `isAlsoRetryable` lets a service add its own passing conditions (e.g. transaction conflicts).
 * The message names the service, operation and error name, never request or item values.
 */
export function translateAwsError(
  error: unknown,
  service: string,
  operation: string,
  isAlsoRetryable: (error: Error) => boolean = () => false,
): QmIngestError {
  if (error instanceof RetryableError || error instanceof PermanentError) {
    return error;
  }
  const name = error instanceof Error ? error.name : 'UnknownError';
  const message = `${service} ${operation} failed: ${name}`;
  if (error instanceof Error && (isRetryableAwsError(error) || isAlsoRetryable(error))) {
    return new RetryableError(message, { cause: error });
  }
  return new PermanentError(message, { cause: error });
}

function isRetryableAwsError(error: Error): boolean {
  if (retryableNames.has(error.name) || readProperty(error, '$retryable') !== undefined) {
    return true;
  }
  if (readProperty(error, '$fault') === 'server') {
    return true;
  }
  const status = readProperty(readProperty(error, '$metadata'), 'httpStatusCode');
  if (typeof status === 'number' && (status >= 500 || status === 429)) {
    return true;
  }
  const code = readProperty(error, 'code');
  return typeof code === 'string' && retryableSocketCodes.has(code);
}

/** Reads a property of a value of unknown shape (SDK errors carry their details as extra fields). */
export function readProperty(value: unknown, property: string): unknown {
  if (value === null || typeof value !== 'object') {
    return undefined;
  }
  return (value as Record<string, unknown>)[property];
}
