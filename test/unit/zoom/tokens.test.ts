import { describe, expect, it } from 'vitest';
import { ZoomAuthError, ZoomResponseSchemaError, ZoomTransientError } from '../../../shared/zoom/errors.ts';
import { dynamic, json, networkError, text } from '../../helpers/fake-fetch.ts';
import { Harness, OAUTH_PATH, rejectionOf, TEST_CREDENTIALS, tokenReply } from './support/harness.ts';

const INTERACTION_PATH = '/v2/qm/interactions/int-1';
const interaction = json(200, { interaction_info: { interaction_id: 'int-1' } });
const expiredToken = json(401, { code: 124, message: 'Access token is expired.' });

/** Answers 200 to `goodToken` and 401 code 124 to any other token. */
function acceptOnly(goodToken: string) {
  return dynamic((request) =>
    request.headers.get('authorization') === `Bearer ${goodToken}`
      ? interaction
      : json(401, { code: 124, message: 'Invalid access token.' }),
  );
}

describe('S2S OAuth token request', () => {
  it('posts grant_type=account_credentials and the account id as a form, with Basic client credentials', async () => {
    // Prepare
    const harness = new Harness();
    harness.http.route('GET', INTERACTION_PATH, interaction);

    // Act
    await harness.client.getInteraction('int-1');

    // Assess
    const [tokenRequest] = harness.tokenRequests();
    expect(tokenRequest?.url.href).toBe('https://zoom.test/oauth/token');
    expect(tokenRequest?.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(tokenRequest?.body ?? ''))).toEqual({
      grant_type: 'account_credentials',
      account_id: TEST_CREDENTIALS.accountId,
    });
    const basic = Buffer.from(`${TEST_CREDENTIALS.clientId}:${TEST_CREDENTIALS.clientSecret}`).toString(
      'base64',
    );
    expect(tokenRequest?.headers.get('authorization')).toBe(`Basic ${basic}`);
    expect(tokenRequest?.signal).toBeInstanceOf(AbortSignal);
    expect(harness.apiRequests()[0]?.headers.get('authorization')).toBe('Bearer access-token-1');
  });

  it('honours api_url: a regional account is called at <api_url>/v2', async () => {
    // Prepare
    const harness = new Harness();
    harness.http.route(
      'POST',
      OAUTH_PATH,
      tokenReply('regional-token', { api_url: 'https://api-eu.zoom.test' }),
    );
    harness.http.route('GET', INTERACTION_PATH, interaction);

    // Act
    await harness.client.getInteraction('int-1');

    // Assess
    expect(harness.apiRequests()[0]?.url.href).toBe('https://api-eu.zoom.test/v2/qm/interactions/int-1');
  });

  it('a rejected client id or secret is a ZoomAuthError that quotes Zoom, not the secret', async () => {
    // Prepare
    const harness = new Harness();
    harness.http.route(
      'POST',
      OAUTH_PATH,
      json(401, { reason: 'Invalid client_id or client_secret', error: 'invalid_client' }),
    );

    // Act
    const error = await rejectionOf(harness.client.getInteraction('int-1'));

    // Assess
    expect(error).toBeInstanceOf(ZoomAuthError);
    const authError = error as ZoomAuthError;
    expect(authError.failure).toMatchObject({ operation: 'oauth', httpStatus: 401 });
    expect(authError.message).toContain('invalid_client: Invalid client_id or client_secret');
    expect(authError.message).not.toContain(TEST_CREDENTIALS.clientSecret);
    expect(authError.retryable).toBe(false);
    expect(harness.apiRequests()).toHaveLength(0);
  });

  it.each([
    ['a 5xx', text(503, '<html>Service Unavailable</html>'), 'server-error'],
    ['a reset connection', networkError('ECONNRESET'), 'network'],
    ['a body that is not JSON', text(200, '{"access_token": "abc'), 'malformed-response'],
  ] as const)('%s from the token endpoint is transient', async (_name, reply, reason) => {
    // Prepare
    const harness = new Harness({ profile: { getRetries: 0 } });
    harness.http.route('POST', OAUTH_PATH, reply);

    // Act
    const error = await rejectionOf(harness.client.getInteraction('int-1'));

    // Assess
    expect(error).toBeInstanceOf(ZoomTransientError);
    expect((error as ZoomTransientError).reason).toBe(reason);
    expect((error as ZoomTransientError).failure.operation).toBe('oauth');
  });

  it('a token answer without access_token is a schema error', async () => {
    // Prepare
    const harness = new Harness();
    harness.http.route('POST', OAUTH_PATH, json(200, { token_type: 'bearer', expires_in: 3599 }));

    // Act
    const error = await rejectionOf(harness.client.getInteraction('int-1'));

    // Assess
    expect(error).toBeInstanceOf(ZoomResponseSchemaError);
  });
});

describe('token reuse and refresh', () => {
  it('reuses one token for many calls', async () => {
    // Prepare
    const harness = new Harness();
    harness.http.route('GET', INTERACTION_PATH, interaction);

    // Act
    for (let call = 0; call < 5; call += 1) {
      await harness.client.getInteraction('int-1');
      harness.clock.advance(60_000);
    }

    // Assess
    expect(harness.tokenRequests()).toHaveLength(1);
    expect(new Set(harness.apiRequests().map((request) => request.headers.get('authorization')))).toEqual(
      new Set(['Bearer access-token-1']),
    );
  });

  it('refreshes before expiry, within the safety margin', async () => {
    // Prepare
    const harness = new Harness({ profile: { tokenRefreshMarginMs: 300_000 } });
    harness.http.route('GET', INTERACTION_PATH, interaction);
    await harness.client.getInteraction('int-1');

    // Act
    harness.clock.advance(3_599_000 - 300_000 - 1_000);
    await harness.client.getInteraction('int-1');
    harness.clock.advance(2_000);
    await harness.client.getInteraction('int-1');

    // Assess
    expect(harness.tokenRequests()).toHaveLength(2);
    expect(harness.apiRequests().map((request) => request.headers.get('authorization'))).toEqual([
      'Bearer access-token-1',
      'Bearer access-token-1',
      'Bearer access-token-2',
    ]);
  });

  it('on 401 code 124, refreshes once and retries the request once', async () => {
    // Prepare
    const harness = new Harness();
    harness.http.route('GET', INTERACTION_PATH, acceptOnly('access-token-2'));

    // Act
    const result = await harness.client.getInteraction('int-1');

    // Assess
    expect(result.interaction_info.interaction_id).toBe('int-1');
    expect(harness.tokenRequests()).toHaveLength(2);
    expect(harness.apiRequests().map((request) => request.headers.get('authorization'))).toEqual([
      'Bearer access-token-1',
      'Bearer access-token-2',
    ]);
  });

  it('the POST is also retried once after a token rejection (Zoom did not process it)', async () => {
    // Prepare
    const harness = new Harness();
    harness.http.route(
      'POST',
      '/v2/qm/interactions',
      dynamic((request) =>
        request.headers.get('authorization') === 'Bearer access-token-2'
          ? json(201, { interaction_id: 'new-1' })
          : expiredToken,
      ),
    );

    // Act
    const created = await harness.client.createInteraction(
      { download_url: 'https://example.com/a.mp3' },
      { idempotencyKey: 'key-1' },
    );

    // Assess
    expect(created.interaction_id).toBe('new-1');
    expect(harness.apiRequests().map((request) => request.headers.get('idempotency-key'))).toEqual([
      'key-1',
      'key-1',
    ]);
  });

  it('a 401 that persists after one refresh is a ZoomAuthError, with no further refresh', async () => {
    // Prepare
    const harness = new Harness();
    harness.http.route('GET', INTERACTION_PATH, expiredToken);

    // Act
    const error = await rejectionOf(harness.client.getInteraction('int-1'));

    // Assess
    expect(error).toBeInstanceOf(ZoomAuthError);
    expect((error as ZoomAuthError).failure).toMatchObject({ httpStatus: 401, zoomCode: 124 });
    expect(harness.tokenRequests()).toHaveLength(2);
    expect(harness.apiRequests()).toHaveLength(2);
  });

  it('a 401 with another code (a missing scope) is a ZoomAuthError without a refresh', async () => {
    // Prepare
    const harness = new Harness();
    harness.http.route(
      'GET',
      INTERACTION_PATH,
      json(401, {
        code: 4711,
        message: 'Invalid access token, does not contain scopes:[qm_interactions:read:admin].',
      }),
    );

    // Act
    const error = await rejectionOf(harness.client.getInteraction('int-1'));

    // Assess
    expect(error).toBeInstanceOf(ZoomAuthError);
    expect(harness.tokenRequests()).toHaveLength(1);
  });

  it('concurrent callers on a cold start share one token request', async () => {
    // Prepare
    const harness = new Harness();
    harness.http.route('GET', INTERACTION_PATH, interaction);

    // Act
    await Promise.all(Array.from({ length: 20 }, () => harness.client.getInteraction('int-1')));

    // Assess
    expect(harness.tokenRequests()).toHaveLength(1);
    expect(harness.apiRequests()).toHaveLength(20);
  });

  it('concurrent callers rejected with the same token cause one refresh, not one each', async () => {
    // Prepare
    const harness = new Harness();
    harness.http.route('GET', INTERACTION_PATH, interaction);
    await harness.client.getInteraction('int-1');
    harness.http.route('GET', INTERACTION_PATH, acceptOnly('access-token-2'));

    // Act
    const results = await Promise.all(
      Array.from({ length: 20 }, () => harness.client.getInteraction('int-1')),
    );

    // Assess
    expect(results).toHaveLength(20);
    expect(harness.tokenRequests()).toHaveLength(2);
    const rejected = harness
      .apiRequests()
      .filter((request) => request.headers.get('authorization') === 'Bearer access-token-1');
    expect(rejected.length).toBeGreaterThan(2);
    const retried = harness
      .apiRequests()
      .filter((request) => request.headers.get('authorization') === 'Bearer access-token-2');
    expect(retried).toHaveLength(20);
  });

  it('a caller rejected with a token another caller already replaced uses the replacement', async () => {
    // Prepare
    const harness = new Harness();
    harness.http.route('GET', INTERACTION_PATH, interaction);
    await harness.client.getInteraction('int-1');
    harness.http.route('GET', INTERACTION_PATH, acceptOnly('access-token-2'));
    await harness.client.getInteraction('int-1');
    const staleToken = { accessToken: 'access-token-1', expiresAt: harness.clock.now() + 3_000_000 };

    // Act
    const token = await harness.tokenStore.refreshAfterRejection(
      TEST_CREDENTIALS.accountId,
      staleToken,
      () => {
        throw new Error('must not fetch: a newer token is already there');
      },
    );

    // Assess
    expect(token.accessToken).toBe('access-token-2');
    expect(harness.tokenRequests()).toHaveLength(2);
  });
});
