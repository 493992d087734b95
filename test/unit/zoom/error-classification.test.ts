import { describe, expect, it } from 'vitest';
import { isRetryable } from '../../../shared/errors.ts';
import {
  isAlertWorthy,
  ZoomAuthError,
  ZoomNotFoundError,
  ZoomRateLimitedError,
  ZoomResponseSchemaError,
  ZoomTransientError,
  ZoomValidationError,
} from '../../../shared/zoom/errors.ts';
import { parseRetryAfter } from '../../../shared/zoom/rate-limit-headers.ts';
import { type FakeReply, hang, json, networkError, stallBody, text } from '../../helpers/fake-fetch.ts';
import { Harness, rejectionOf } from './support/harness.ts';

const LIST_PATH = '/v2/qm/interactions';
const emptyList = json(200, { interactions: [] });
const QPS_MESSAGE = 'You have reached the maximum per-second rate limit for this API. Try again later.';
const DAILY_MESSAGE =
  'You have exceeded the daily rate limit of (30000) requests permitted for this particular API. This limit resets at 00:00:00 GMT.';

/** Lists interactions against a fake Zoom answering `replies` in order; the clock is 2026-03-10T12:00:00Z. */
async function listWith(replies: FakeReply[], profile: Record<string, unknown> = {}) {
  const harness = new Harness({ profile });
  harness.http.route('GET', LIST_PATH, ...replies);
  const outcome = await harness.client.listInteractionsPage().then(
    (page) => ({ page, error: undefined }),
    (error: unknown) => ({ page: undefined, error }),
  );
  return { harness, ...outcome };
}

describe('429 from Zoom', () => {
  it('per-second: kind, wait in seconds, label and counters from the headers; not retried', async () => {
    // Act
    const { harness, error } = await listWith([
      json(
        429,
        { code: 429, message: QPS_MESSAGE },
        {
          'X-RateLimit-Category': 'Medium',
          'X-RateLimit-Type': 'QPS',
          'X-RateLimit-Limit': '20',
          'X-RateLimit-Remaining': '0',
          'Retry-After': '2',
        },
      ),
    ]);

    // Assess
    expect(error).toBeInstanceOf(ZoomRateLimitedError);
    expect((error as ZoomRateLimitedError).rateLimit).toEqual({
      kind: 'qps',
      retryAfterMs: 2_000,
      label: 'MEDIUM',
      limit: 20,
      remaining: 0,
      source: 'zoom',
    });
    expect((error as ZoomRateLimitedError).failure).toMatchObject({ httpStatus: 429, zoomCode: 429 });
    expect(isRetryable(error)).toBe(true);
    expect(harness.apiRequests()).toHaveLength(1);
    expect(harness.sleeps).toEqual([]);
  });

  it('daily: Retry-After as an ISO date gives the wait until then', async () => {
    // Act
    const { error } = await listWith([
      json(
        429,
        { code: 429, message: DAILY_MESSAGE },
        {
          'X-RateLimit-Category': 'Heavy',
          'X-RateLimit-Type': 'Daily-limit',
          'Retry-After': '2026-03-11T00:00:00Z',
        },
      ),
    ]);

    // Assess
    expect((error as ZoomRateLimitedError).rateLimit).toMatchObject({
      kind: 'daily',
      retryAfterMs: 12 * 3_600_000,
      label: 'HEAVY',
    });
  });

  it('daily: Retry-After as an HTTP date gives the wait until then', async () => {
    // Act
    const { error } = await listWith([
      json(
        429,
        { code: 429, message: DAILY_MESSAGE },
        { 'X-RateLimit-Type': 'Daily-limit', 'Retry-After': 'Wed, 11 Mar 2026 00:00:00 GMT' },
      ),
    ]);

    // Assess
    expect((error as ZoomRateLimitedError).rateLimit).toMatchObject({
      kind: 'daily',
      retryAfterMs: 12 * 3_600_000,
    });
  });

  it('daily told only by the message, without Retry-After: waits until the next UTC midnight', async () => {
    // Act
    const { error } = await listWith([json(429, { code: 429, message: DAILY_MESSAGE })]);

    // Assess
    expect((error as ZoomRateLimitedError).rateLimit).toMatchObject({
      kind: 'daily',
      retryAfterMs: 12 * 3_600_000,
      label: 'MEDIUM',
    });
  });

  it('per-second without any header: about one second, under the operation label', async () => {
    // Act
    const { error } = await listWith([json(429, { code: 429, message: QPS_MESSAGE })]);

    // Assess
    expect((error as ZoomRateLimitedError).rateLimit).toMatchObject({
      kind: 'qps',
      retryAfterMs: 1_000,
      label: 'MEDIUM',
    });
  });

  it('the POST is not retried on 429 either', async () => {
    // Prepare
    const harness = new Harness();
    harness.http.route(
      'POST',
      LIST_PATH,
      json(429, { code: 429, message: QPS_MESSAGE }, { 'Retry-After': '1' }),
    );

    // Act
    const error = await rejectionOf(
      harness.client.createInteraction(
        { download_url: 'https://example.com/a.mp3' },
        { idempotencyKey: 'k-1' },
      ),
    );

    // Assess
    expect(error).toBeInstanceOf(ZoomRateLimitedError);
    expect((error as ZoomRateLimitedError).rateLimit.label).toBe('HEAVY');
    expect(harness.apiRequests()).toHaveLength(1);
  });

  it.each([
    ['3', 3_000],
    ['0.5', 500],
    ['2026-03-10T12:00:30Z', 30_000],
    ['2026-03-10T11:00:00Z', 0],
    ['Tue, 10 Mar 2026 12:01:00 GMT', 60_000],
    ['soon', undefined],
    ['', undefined],
  ])('Retry-After %j waits %j ms', (value, expected) => {
    // Act
    const wait = parseRetryAfter(value, Date.parse('2026-03-10T12:00:00Z'));

    // Assess
    expect(wait).toBe(expected);
  });
});

describe('transient failures', () => {
  it.each([
    ['a 500', () => text(500, 'Internal Server Error'), 'server-error'],
    [
      'a 503 with an HTML page',
      () => text(503, '<html><body>Service Unavailable</body></html>'),
      'server-error',
    ],
    ['a reset connection', () => networkError('ECONNRESET'), 'network'],
    [
      'a 200 with malformed JSON',
      () => text(200, '{"interactions": [{"interaction_info": '),
      'malformed-response',
    ],
    ['a 408', () => json(408, { message: 'Request Timeout' }), 'timeout'],
  ] as const)('%s is a ZoomTransientError (%s)', async (_name, reply, reason) => {
    // Act
    const { error } = await listWith([reply()], { getRetries: 0 });

    // Assess
    expect(error).toBeInstanceOf(ZoomTransientError);
    expect((error as ZoomTransientError).reason).toBe(reason);
    expect(isRetryable(error)).toBe(true);
  });

  it('a request that gets no answer times out as a ZoomTransientError', async () => {
    // Act
    const { error } = await listWith([hang()], { getRetries: 0, requestTimeoutMs: 5 });

    // Assess
    expect(error).toBeInstanceOf(ZoomTransientError);
    expect((error as ZoomTransientError).reason).toBe('timeout');
    expect((error as ZoomTransientError).message).toContain('5 ms');
  });

  it('the timeout covers the body: a body that stalls times out too', async () => {
    // Act
    const { error } = await listWith([stallBody()], { getRetries: 0, requestTimeoutMs: 5 });

    // Assess
    expect(error).toBeInstanceOf(ZoomTransientError);
    expect((error as ZoomTransientError).reason).toBe('timeout');
  });

  it('a GET is retried on transient failures with jittered, growing backoff, then succeeds', async () => {
    // Act
    const { harness, page } = await listWith([text(502, 'Bad Gateway'), networkError(), emptyList], {
      getRetries: 2,
      retryBaseDelayMs: 200,
    });

    // Assess
    expect(page?.interactions).toEqual([]);
    expect(harness.apiRequests()).toHaveLength(3);
    expect(harness.sleeps).toEqual([100, 200]);
  });

  it('a GET gives up after the configured retries', async () => {
    // Act
    const { harness, error } = await listWith([text(500, 'oops')], { getRetries: 2 });

    // Assess
    expect(error).toBeInstanceOf(ZoomTransientError);
    expect(harness.apiRequests()).toHaveLength(3);
  });

  it.each([
    ['a 5xx', () => text(500, 'oops')],
    ['a reset', () => networkError()],
    ['malformed JSON', () => text(201, '{"interaction_id": ')],
  ])('the POST is never retried by the client (%s)', async (_name, reply) => {
    // Prepare
    const harness = new Harness({ profile: { getRetries: 5 } });
    harness.http.route('POST', LIST_PATH, reply());

    // Act
    const error = await rejectionOf(
      harness.client.createInteraction(
        { download_url: 'https://example.com/a.mp3' },
        { idempotencyKey: 'k-1' },
      ),
    );

    // Assess
    expect(error).toBeInstanceOf(ZoomTransientError);
    expect(harness.apiRequests()).toHaveLength(1);
  });

  it('a redirect is not followed', async () => {
    // Act
    const { harness, error } = await listWith([text(302, '', { Location: 'https://elsewhere.example/' })], {
      getRetries: 0,
    });

    // Assess
    expect(error).toBeInstanceOf(ZoomTransientError);
    expect((error as ZoomTransientError).reason).toBe('unexpected-status');
    expect(harness.http.requests.some((request) => request.url.hostname === 'elsewhere.example')).toBe(false);
  });
});

describe('permanent failures', () => {
  it('400 code 300 with errors[] is a ZoomValidationError with the field errors', async () => {
    // Act
    const { harness, error } = await listWith([
      json(400, {
        code: 300,
        message: 'Validation Failed.',
        errors: [{ field: 'from', message: 'Invalid field.' }],
      }),
    ]);

    // Assess
    expect(error).toBeInstanceOf(ZoomValidationError);
    const validation = error as ZoomValidationError;
    expect(validation.failure).toMatchObject({
      operation: 'listInteractions',
      httpStatus: 400,
      zoomCode: 300,
    });
    expect(validation.fieldErrors).toEqual([{ field: 'from', message: 'Invalid field.' }]);
    expect(validation.message).toContain('Zoom code 300');
    expect(isRetryable(error)).toBe(false);
    expect(harness.apiRequests()).toHaveLength(1);
  });

  it('400 code 1001 is a ZoomValidationError', async () => {
    // Act
    const { error } = await listWith([json(400, { code: 1001, message: 'The from or to time is invalid.' })]);

    // Assess
    expect(error).toBeInstanceOf(ZoomValidationError);
    expect((error as ZoomValidationError).failure.zoomMessage).toBe('The from or to time is invalid.');
  });

  it('404 is a ZoomNotFoundError', async () => {
    // Prepare
    const harness = new Harness();
    harness.http.route(
      'GET',
      '/v2/qm/interactions/missing',
      json(404, { code: 1001, message: 'Interaction does not exist.' }),
    );

    // Act
    const error = await rejectionOf(harness.client.getInteraction('missing'));

    // Assess
    expect(error).toBeInstanceOf(ZoomNotFoundError);
    expect(isRetryable(error)).toBe(false);
  });

  it.each([
    ['403', 403, { code: 4711, message: 'Invalid access token, does not contain scopes.' }],
    ['400 with code 4702', 400, { code: 4702, message: 'Invalid client.' }],
    ['400 with code 4717', 400, { code: 4717, message: 'The app has been disabled.' }],
  ])('%s is a ZoomAuthError, alert-worthy', async (_name, status, body) => {
    // Act
    const { error } = await listWith([json(status, body)]);

    // Assess
    expect(error).toBeInstanceOf(ZoomAuthError);
    expect(isAlertWorthy(error)).toBe(true);
    expect(isRetryable(error)).toBe(false);
  });

  it('a schema mismatch on a 2xx is alert-worthy and permanent', async () => {
    // Act
    const { error } = await listWith([json(200, { interactions: [{ interaction_info: {} }] })]);

    // Assess
    expect(error).toBeInstanceOf(ZoomResponseSchemaError);
    expect(isAlertWorthy(error)).toBe(true);
    expect(isRetryable(error)).toBe(false);
  });

  it('keeps the underlying failure as cause', async () => {
    // Act
    const { error } = await listWith([networkError('ECONNREFUSED')], { getRetries: 0 });

    // Assess
    expect((error as ZoomTransientError).cause).toBeInstanceOf(TypeError);
    expect((error as ZoomTransientError).message).toContain('ECONNREFUSED');
  });
});
