import type * as z from '../zod.ts';
import {
  ZoomAuthError,
  type ZoomError,
  type ZoomFailure,
  ZoomNotFoundError,
  ZoomRateLimitedError,
  ZoomResponseSchemaError,
  ZoomTransientError,
  ZoomValidationError,
} from './errors.ts';
import { type HttpAnswer, parseJson, readZoomErrorBody } from './http.ts';
import type { ZoomOperation } from './operations.ts';
import type { RateLimitLabel } from './ports.ts';
import { readZoomRateLimit } from './rate-limit-headers.ts';

/** Zoom's code for an invalid or expired access token ("Invalid access token." / "Access token is expired."). */
export const INVALID_TOKEN_CODE = 124;

/** Whether a 401 says the token is no longer good (code 124, or no code at all), so a fresh token may help. */
export function isTokenRejection(answer: HttpAnswer): boolean {
  if (answer.status !== 401) {
    return false;
  }
  const code = readZoomErrorBody(answer.body).code;
  return code === undefined || code === INVALID_TOKEN_CODE;
}

/** Zoom's OAuth and authorisation codes (4700-4799: invalid client 4702/4704, scopes 4711, app disabled 4717...). */
function isAuthorisationCode(code: number | undefined): boolean {
  return code !== undefined && code >= 4700 && code < 4800;
}

/** Translates a non-2xx answer into the error class callers act on. */
export function errorFromAnswer(
  operation: ZoomOperation,
  label: RateLimitLabel,
  answer: HttpAnswer,
  now: number,
): ZoomError {
  const body = readZoomErrorBody(answer.body);
  const failure: ZoomFailure = {
    operation,
    httpStatus: answer.status,
    zoomCode: body.code,
    zoomMessage: body.message,
  };
  const { status } = answer;
  if (status === 429) {
    const limit = readZoomRateLimit(answer.headers, body.message, now);
    return new ZoomRateLimitedError(failure, { ...limit, label: limit.label ?? label, source: 'zoom' });
  }
  if (status === 401 || status === 403 || isAuthorisationCode(body.code)) {
    return new ZoomAuthError('Zoom refused the credentials or token', failure);
  }
  if (status === 404) {
    return new ZoomNotFoundError('not found', failure);
  }
  if (status === 408) {
    return new ZoomTransientError('Zoom timed the request out', failure, 'timeout');
  }
  if (status >= 500) {
    return new ZoomTransientError('Zoom failed', failure, 'server-error');
  }
  if (status >= 400) {
    return new ZoomValidationError('Zoom refused the request', failure, body.fieldErrors);
  }
  return new ZoomTransientError('unexpected HTTP status', failure, 'unexpected-status');
}

/**
 * Reads a 2xx body with `schema`. A body that is not JSON is transient (a truncated or proxied
 * answer; a retry may get a good one); JSON without the required structure is a
 * {@link ZoomResponseSchemaError} naming the paths, never the values.
 */
export function parseSuccessBody<TOutput>(
  operation: ZoomOperation,
  answer: HttpAnswer,
  schema: z.ZodMiniType<TOutput>,
): TOutput {
  const json = parseJson(answer.body);
  if (!json.ok) {
    throw new ZoomTransientError(
      'response body is not JSON',
      { operation, httpStatus: answer.status },
      'malformed-response',
    );
  }
  const parsed = schema.safeParse(json.value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new ZoomResponseSchemaError({ operation, httpStatus: answer.status }, issues, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}
