import { isRetryable, PermanentError, QmIngestError, RetryableError } from '../errors.ts';
import { redactString } from '../redact.ts';
import type { ZoomOperation } from './operations.ts';
import type { RateLimitKind, RateLimitLabel } from './ports.ts';

/**
 * The errors the Zoom client raises. Callers decide from the class (and `retryable`), never from a
 * message. Every error keeps the underlying failure as `cause` and says which operation failed
 * with which HTTP status and Zoom code. Messages are redacted: Zoom sometimes echoes the request
 * (a presigned URL) back in its message.
 */

/** What failed: one of the six operations, the OAuth token request, or reading the credentials. */
export type ZoomFailedStep = ZoomOperation | 'oauth' | 'credentials';

/** The facts of a failed call, common to every Zoom error. */
export interface ZoomFailure {
  readonly operation: ZoomFailedStep;
  /** The HTTP status Zoom answered with; absent when no response came (timeout, reset, local refusal). */
  readonly httpStatus?: number | undefined;
  /** Zoom's `code` from the error body (e.g. 124, 300, 1001, 4702), when it sent one. */
  readonly zoomCode?: number | undefined;
  /** Zoom's `message` (or OAuth `reason`), redacted. */
  readonly zoomMessage?: string | undefined;
}

function redactFailure(failure: ZoomFailure): ZoomFailure {
  return failure.zoomMessage === undefined
    ? failure
    : { ...failure, zoomMessage: redactString(failure.zoomMessage) };
}

function describe(summary: string, failure: ZoomFailure): string {
  const facts = [
    failure.httpStatus === undefined ? undefined : `HTTP ${failure.httpStatus}`,
    failure.zoomCode === undefined ? undefined : `Zoom code ${failure.zoomCode}`,
    failure.zoomMessage === undefined ? undefined : `"${failure.zoomMessage}"`,
  ].filter((fact) => fact !== undefined);
  return `Zoom ${failure.operation}: ${summary}${facts.length === 0 ? '' : ` (${facts.join(', ')})`}`;
}

/**
 * What every Zoom error that retrying cannot fix keeps: the failure's facts, redacted, also named
 * in the message.
 */
abstract class PermanentZoomError extends PermanentError {
  readonly failure: ZoomFailure;

  constructor(summary: string, failure: ZoomFailure, options?: ErrorOptions) {
    const redacted = redactFailure(failure);
    super(describe(summary, redacted), options);
    this.failure = redacted;
  }
}

/** What every Zoom error that may pass keeps: the failure's facts, redacted, also named in the message. */
abstract class RetryableZoomError extends RetryableError {
  readonly failure: ZoomFailure;

  constructor(summary: string, failure: ZoomFailure, options?: ErrorOptions) {
    const redacted = redactFailure(failure);
    super(describe(summary, redacted), options);
    this.failure = redacted;
  }
}

/** Who refused the call: Zoom itself (a 429) or qm-ingest's own limiter before sending it. */
export type RateLimitSource = 'zoom' | 'local-limiter';

export interface RateLimitFacts {
  readonly retryAfterMs: number;
  readonly kind: RateLimitKind;
  /** The label the refusal applies to; absent for the OAuth endpoint, which has none. */
  readonly label?: RateLimitLabel | undefined;
  readonly source: RateLimitSource;
  /** X-RateLimit-Limit and X-RateLimit-Remaining, when Zoom sent them. */
  readonly limit?: number | undefined;
  readonly remaining?: number | undefined;
}

/**
 * A rate limit refused the call. Retry after `retryAfterMs` (callers re-queue with that delay; a
 * daily limit waits until Zoom's reset, usually the next UTC midnight).
 */
export class ZoomRateLimitedError extends RetryableZoomError {
  readonly rateLimit: RateLimitFacts;

  constructor(failure: ZoomFailure, rateLimit: RateLimitFacts, options?: ErrorOptions) {
    const who = rateLimit.source === 'zoom' ? 'Zoom' : 'the local limiter';
    super(
      `${rateLimit.kind === 'daily' ? 'daily' : 'per-second'} rate limit${rateLimit.label === undefined ? '' : ` (${rateLimit.label})`} reached, refused by ${who}; retry in ${rateLimit.retryAfterMs} ms`,
      failure,
      options,
    );
    this.rateLimit = rateLimit;
  }
}

/**
 * Zoom does not accept qm-ingest's credentials or token: OAuth rejected the client id/secret
 * (codes 4702/4704, `invalid_client`), the app was disabled (4717), a scope is missing (4711),
 * a 401 persisted after one token refresh, or the secret could not be read. Permanent and
 * alert-worthy: a human has to fix the Zoom app or the secret.
 */
export class ZoomAuthError extends PermanentZoomError {}

/** One field Zoom (or the client's own check) found invalid. */
export interface ZoomFieldError {
  readonly field: string;
  readonly message: string;
}

/**
 * Zoom refused the request as invalid (400, e.g. code 300 "Validation Failed." or 1001 "The
 * interaction start time is invalid."), or the client refused to send it (`httpStatus` absent).
 * Repeating the same request cannot succeed.
 */
export class ZoomValidationError extends PermanentZoomError {
  readonly fieldErrors: readonly ZoomFieldError[];

  constructor(
    summary: string,
    failure: ZoomFailure,
    fieldErrors: readonly ZoomFieldError[],
    options?: ErrorOptions,
  ) {
    const safeFieldErrors = fieldErrors.map((error) => ({
      field: redactString(error.field),
      message: redactString(error.message),
    }));
    const fields = safeFieldErrors.map((error) => `${error.field}: ${error.message}`).join('; ');
    super(fields === '' ? summary : `${summary}: ${fields}`, failure, options);
    this.fieldErrors = safeFieldErrors;
  }
}

/** The resource does not exist (404); a new interaction also answers 404 until Zoom has analysed it. */
export class ZoomNotFoundError extends PermanentZoomError {}

/** Why a {@link ZoomTransientError} happened. */
export type TransientReason =
  | 'server-error'
  | 'timeout'
  | 'network'
  | 'malformed-response'
  | 'unexpected-status'
  | 'credentials-unavailable';

/** A failure that may pass: 5xx, timeout, connection reset, a body that is not JSON. Retry later. */
export class ZoomTransientError extends RetryableZoomError {
  readonly reason: TransientReason;

  constructor(summary: string, failure: ZoomFailure, reason: TransientReason, options?: ErrorOptions) {
    super(summary, failure, options);
    this.reason = reason;
  }
}

/**
 * A 2xx answer whose body does not have the structure qm-ingest relies on (a missing or empty id,
 * a string where a number belongs). Permanent and alert-worthy: Zoom changed its API.
 * `issues` name the paths, never the values.
 */
export class ZoomResponseSchemaError extends PermanentZoomError {
  readonly issues: readonly string[];

  constructor(failure: ZoomFailure, issues: readonly string[], options?: ErrorOptions) {
    super(`unexpected response body: ${issues.join('; ')}`, failure, options);
    this.issues = issues;
  }
}

/** The steps of a call that come before anything is sent to Zoom. */
export type PreSendStep = 'credentials' | 'token-store' | 'rate-limiter';

/**
 * A step before the request failed (reading the credentials, the shared token store, the shared
 * rate limiter: DynamoDB or Secrets Manager, not Zoom), so nothing was sent: a POST that fails
 * this way cannot have created an interaction. As retryable as its cause.
 */
export class ZoomNotSentError extends QmIngestError {
  readonly retryable: boolean;
  readonly failure: ZoomFailure;
  readonly step: PreSendStep;

  constructor(operation: ZoomOperation, step: PreSendStep, cause: unknown) {
    const detail = cause instanceof Error ? redactString(cause.message) : 'unknown failure';
    super(`Zoom ${operation}: not sent, the ${step} step failed first: ${detail}`, { cause });
    this.retryable = isRetryable(cause);
    this.failure = { operation };
    this.step = step;
  }
}

/** Every error the Zoom client raises. */
export type ZoomError =
  | ZoomNotSentError
  | ZoomRateLimitedError
  | ZoomAuthError
  | ZoomValidationError
  | ZoomNotFoundError
  | ZoomTransientError
  | ZoomResponseSchemaError;

/** Whether `error` needs a human (alarm), not only a retry or a record: bad credentials or a changed API. */
export function isAlertWorthy(error: unknown): boolean {
  return error instanceof ZoomAuthError || error instanceof ZoomResponseSchemaError;
}

/** Zoom's answer when a `next_page_token` has expired (after 15 minutes) or is unknown. */
export function isExpiredPageTokenError(error: unknown): boolean {
  return (
    error instanceof ZoomValidationError &&
    error.failure.zoomCode === 300 &&
    /page.?token/i.test(error.failure.zoomMessage ?? '')
  );
}

/** Whether `error` is one the Zoom client classified itself (anything else comes from a dependency). */
export function isZoomError(error: unknown): error is ZoomError {
  return (
    error instanceof ZoomNotSentError ||
    error instanceof RetryableZoomError ||
    error instanceof PermanentZoomError
  );
}
