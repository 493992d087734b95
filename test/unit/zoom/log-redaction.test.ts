import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { describe, expect, it, vi } from 'vitest';
import { type Logger, redactingLogger } from '../../../shared/logging.ts';
import { ZoomRateLimitedError, ZoomValidationError } from '../../../shared/zoom/errors.ts';
import { dynamic, json, networkError } from '../../helpers/fake-fetch.ts';
import {
  collect,
  Harness,
  OAUTH_PATH,
  rejectionOf,
  TEST_CREDENTIALS,
  tokenReply,
} from './support/harness.ts';

const SIGNATURE = '9c1e5f7a3b2d4e6f8a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f';
const SECURITY_TOKEN = 'IQoJb3JpZ2luX2VjEJr-session-token-value';
const DOWNLOAD_URL = `https://recordings.s3.eu-west-1.amazonaws.com/calls/c1.mp3?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Security-Token=${SECURITY_TOKEN}&X-Amz-Signature=${SIGNATURE}`;
const PAGE_TOKEN = 'R4aF9Oj0fVM2hhezJTEmSKaBSkfesDwGy42';
const ACCESS_TOKENS = ['eyJzdiI6IjAwMDAwMSJ9.first-access-token', 'eyJzdiI6IjAwMDAwMSJ9.second-access-token'];

/** Everything that must never reach a log line or an error message. */
const SECRETS = [
  TEST_CREDENTIALS.clientSecret,
  Buffer.from(`${TEST_CREDENTIALS.clientId}:${TEST_CREDENTIALS.clientSecret}`).toString('base64'),
  TEST_CREDENTIALS.webhookSecretToken ?? '',
  ...ACCESS_TOKENS,
  SIGNATURE,
  SECURITY_TOKEN,
  PAGE_TOKEN,
];

/** Runs the client through every path that logs: token requests, refresh, POST errors that echo the URL, 429, retries, pages. */
async function exerciseEverything(harness: Harness): Promise<unknown[]> {
  let tokensIssued = 0;
  harness.http.route(
    'POST',
    OAUTH_PATH,
    dynamic(() => tokenReply(ACCESS_TOKENS[Math.min(tokensIssued++, 1)] ?? '')),
  );
  harness.http.route(
    'POST',
    '/v2/qm/interactions',
    json(400, {
      code: 300,
      message: `Validation Failed: could not download ${DOWNLOAD_URL}`,
      errors: [{ field: 'download_url', message: `Invalid URL ${DOWNLOAD_URL}` }],
    }),
  );
  harness.http.route(
    'GET',
    '/v2/qm/interactions/int-1',
    json(401, { code: 124, message: 'Invalid access token.' }),
    json(429, {
      code: 429,
      message: 'You have reached the maximum per-second rate limit for this API. Try again later.',
    }),
  );
  harness.http.route(
    'GET',
    '/v2/qm/interactions',
    dynamic((request) =>
      request.url.searchParams.has('next_page_token')
        ? json(200, {
            interactions: [
              {
                start_time: '2026-03-10T09:00:00Z',
                interaction_info: { interaction_id: 'b', channel_type: 'HOLOGRAM' },
              },
            ],
          })
        : json(200, {
            next_page_token: PAGE_TOKEN,
            interactions: [{ start_time: '2026-03-10T09:00:00Z', interaction_info: { interaction_id: 'a' } }],
          }),
    ),
  );
  harness.http.route(
    'GET',
    '/v2/qm/evaluation/ev-1',
    networkError('ECONNRESET'),
    json(200, { scorecard: {} }),
  );

  const errors: unknown[] = [];
  errors.push(
    await rejectionOf(
      harness.client.createInteraction(
        { download_url: DOWNLOAD_URL },
        { idempotencyKey: 'rec-1:submission-1' },
      ),
    ),
  );
  errors.push(await rejectionOf(harness.client.getInteraction('int-1')));
  await collect(harness.client.listInteractions());
  await harness.client.getEvaluation('ev-1');
  errors.push(
    await rejectionOf(
      harness.client.createInteraction({ download_url: `${DOWNLOAD_URL} oops` }, { idempotencyKey: 'k' }),
    ),
  );
  return errors;
}

describe('no secret reaches the logs or the errors', () => {
  it('captured logs hold no client secret, token, page token or presigned URL signature', async () => {
    // Prepare
    const harness = new Harness();

    // Act
    await exerciseEverything(harness);

    // Assess
    const logged = harness.logger.text();
    expect(harness.logger.entries.length).toBeGreaterThan(6);
    for (const secret of SECRETS) {
      expect(logged).not.toContain(secret);
    }
  });

  it('error messages and fields hold none either, while saying what failed', async () => {
    // Prepare
    const harness = new Harness();

    // Act
    const errors = await exerciseEverything(harness);

    // Assess
    expect(errors[0]).toBeInstanceOf(ZoomValidationError);
    expect(errors[1]).toBeInstanceOf(ZoomRateLimitedError);
    expect(errors[2]).toBeInstanceOf(ZoomValidationError);
    expect((errors[0] as ZoomValidationError).message).toContain('X-Amz-Signature=[REDACTED]');
    for (const error of errors) {
      const serialised = JSON.stringify(error, Object.getOwnPropertyNames(error));
      for (const secret of SECRETS) {
        expect(serialised).not.toContain(secret);
      }
    }
  });

  it('the requests themselves did carry the secrets (so the checks above are meaningful)', async () => {
    // Prepare
    const harness = new Harness();

    // Act
    await exerciseEverything(harness);

    // Assess
    const sent = JSON.stringify(
      harness.http.requests.map((request) => ({
        url: request.url.href,
        authorization: request.headers.get('authorization'),
        body: request.body,
      })),
    );
    for (const secret of [SIGNATURE, SECURITY_TOKEN, PAGE_TOKEN, ...ACCESS_TOKENS]) {
      expect(sent).toContain(secret);
    }
  });

  it('logs one line per request with operation, method, redacted path, status, duration, label and attempt', async () => {
    // Prepare
    const harness = new Harness();
    harness.http.route(
      'GET',
      '/v2/qm/interactions',
      dynamic((request) =>
        request.url.searchParams.has('next_page_token')
          ? json(200, { interactions: [] })
          : json(200, { next_page_token: PAGE_TOKEN, interactions: [] }),
      ),
    );

    // Act
    await collect(harness.client.listInteractions({ scored: false }));

    // Assess
    expect(harness.logger.fieldsOf('Zoom request')).toEqual([
      {
        operation: 'listInteractions',
        method: 'GET',
        path: '/qm/interactions?page_size=99&scored=false',
        status: 200,
        durationMs: 0,
        label: 'MEDIUM',
        attempt: 1,
      },
      {
        operation: 'listInteractions',
        method: 'GET',
        path: '/qm/interactions?page_size=99&scored=false&next_page_token=[REDACTED]',
        status: 200,
        durationMs: 0,
        label: 'MEDIUM',
        attempt: 1,
      },
    ]);
    expect(harness.logger.fieldsOf('Zoom token request')).toHaveLength(1);
  });
});

describe('logging interface', () => {
  it('a Powertools logger is a Logger, and redactingLogger redacts what it writes', () => {
    // Prepare
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const powertools: Logger = new PowertoolsLogger({ serviceName: 'qm-ingest-test', logLevel: 'INFO' });

    // Act
    redactingLogger(powertools).info(`fetching ${DOWNLOAD_URL}`, {
      downloadUrl: DOWNLOAD_URL,
      accessToken: 'at-1',
    });

    // Assess
    const output = written.join('');
    expect(output).toContain('fetching https://recordings.s3.eu-west-1.amazonaws.com/calls/c1.mp3');
    expect(output).not.toContain(SIGNATURE);
    expect(output).not.toContain(SECURITY_TOKEN);
    expect(output).not.toContain('at-1');
  });
});
