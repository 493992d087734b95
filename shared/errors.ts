/**
 * The project's error hierarchy. Every error the core raises is one of these, so callers decide
 * what to do from the class, never from a message string:
 * - {@link RetryableError}: the same call may succeed later (5xx, timeouts, throttling, races).
 * - {@link PermanentError}: repeating the call cannot help (bad input, bad credentials, 4xx).
 *
 * SDK and HTTP errors are translated into these where the SDK or HTTP call is made, with the
 * original kept as `cause`.
 */
export abstract class QmIngestError extends Error {
  /** Whether repeating the same operation later can succeed. */
  abstract readonly retryable: boolean;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A failure that may go away by itself: retry later, with backoff. */
export class RetryableError extends QmIngestError {
  readonly retryable = true;
}

/** A failure that retrying cannot fix: record it and stop. */
export class PermanentError extends QmIngestError {
  readonly retryable = false;
}

/** Invalid configuration, found at cold start. */
export class ConfigError extends PermanentError {}

/** True when `error` is one of ours and says it can be retried. Unknown errors are not retried blindly. */
export function isRetryable(error: unknown): boolean {
  return error instanceof QmIngestError && error.retryable;
}
