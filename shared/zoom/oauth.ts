import type { Clock } from '../clock.ts';
import type { Logger } from '../logging.ts';
import { redactUrl } from '../redact.ts';
import * as z from '../zod.ts';
import type { ZoomCredentials } from './credentials.ts';
import {
  ZoomAuthError,
  type ZoomFailure,
  ZoomRateLimitedError,
  ZoomResponseSchemaError,
  ZoomTransientError,
} from './errors.ts';
import { exchange, type FetchFn, parseJson, readZoomErrorBody } from './http.ts';
import type { AccessToken } from './ports.ts';
import { readZoomRateLimit } from './rate-limit-headers.ts';
import { isSecureOrLoopback } from './urls.ts';

/**
 * Zoom Server-to-Server OAuth: `POST <oauthUrl>` with the form body
 * `grant_type=account_credentials&account_id=...` and HTTP Basic auth `client_id:client_secret`.
 * The answer: `{"access_token", "token_type": "bearer", "expires_in": 3599, "scope", "api_url"}`.
 */

const tokenResponseSchema = z.object({
  access_token: z.string().check(z.minLength(1)),
  token_type: z.string().check(z.regex(/^bearer$/i)),
  expires_in: z.number().check(z.positive()),
  scope: z.optional(z.string()),
  /** The account's regional API host (e.g. https://api.zoom.us), present for some accounts. */
  api_url: z.optional(z.url({ protocol: /^https?$/ }).check(z.refine(isSecureOrLoopback))),
});

export interface TokenRequest {
  readonly fetch: FetchFn;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly oauthUrl: string;
  readonly credentials: ZoomCredentials;
  readonly timeoutMs: number;
}

/**
 * Requests a new access token. Its expiry counts from when the request was sent, so network time
 * never makes the client believe a token lives longer than it does. Rejected credentials are a
 * {@link ZoomAuthError}; a 429 a {@link ZoomRateLimitedError}; 5xx, timeouts and unreadable bodies
 * a {@link ZoomTransientError}.
 */
export async function requestAccessToken(request: TokenRequest): Promise<AccessToken> {
  const { credentials } = request;
  const requestedAt = request.clock.now();
  const basic = Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`, 'utf8').toString('base64');
  const answer = await exchange({
    fetch: request.fetch,
    clock: request.clock,
    step: 'oauth',
    url: request.oauthUrl,
    timeoutMs: request.timeoutMs,
    init: {
      method: 'POST',
      headers: {
        Authorization: `Basic ${basic}`,
        'Content-Type': 'application/x-www-form-urlencoded',
        Accept: 'application/json',
      },
      body: new URLSearchParams({
        grant_type: 'account_credentials',
        account_id: credentials.accountId,
      }).toString(),
    },
  }).catch((error: unknown) => {
    request.logger.warn('Zoom token request failed', {
      operation: 'oauth',
      url: redactUrl(request.oauthUrl),
      error,
    });
    throw error;
  });
  request.logger.info('Zoom token request', {
    operation: 'oauth',
    method: 'POST',
    url: redactUrl(request.oauthUrl),
    status: answer.status,
    durationMs: answer.durationMs,
  });

  if (answer.status !== 200) {
    throw tokenRequestRefused(answer.status, answer.headers, answer.body, request.clock.now());
  }
  const json = parseJson(answer.body);
  if (!json.ok) {
    throw new ZoomTransientError(
      'token response is not JSON',
      { operation: 'oauth', httpStatus: 200 },
      'malformed-response',
    );
  }
  const parsed = tokenResponseSchema.safeParse(json.value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new ZoomResponseSchemaError({ operation: 'oauth', httpStatus: 200 }, issues, {
      cause: parsed.error,
    });
  }
  return {
    accessToken: parsed.data.access_token,
    expiresAt: requestedAt + parsed.data.expires_in * 1_000,
    apiUrl: parsed.data.api_url?.replace(/\/+$/, ''),
  };
}

function tokenRequestRefused(status: number, headers: Headers, body: string, now: number): Error {
  const zoomError = readZoomErrorBody(body);
  const failure: ZoomFailure = {
    operation: 'oauth',
    httpStatus: status,
    zoomCode: zoomError.code,
    zoomMessage:
      [zoomError.oauthError, zoomError.message].filter((part) => part !== undefined).join(': ') || undefined,
  };
  if (status === 429) {
    const limit = readZoomRateLimit(headers, zoomError.message, now);
    return new ZoomRateLimitedError(failure, { ...limit, source: 'zoom' });
  }
  if (status >= 500) {
    return new ZoomTransientError('token endpoint failed', failure, 'server-error');
  }
  if (status >= 400) {
    return new ZoomAuthError('token request rejected; check the Zoom app and its credentials', failure);
  }
  return new ZoomTransientError('token endpoint gave an unexpected answer', failure, 'unexpected-status');
}
