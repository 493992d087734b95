import { afterEach, describe, expect, it } from 'vitest';
import { startZoomSimulator, type ZoomSimulator } from '../../../local/zoom-simulator/index.ts';
import {
  accessToken,
  basicAuthorization,
  callApi,
  json,
  ManualClock,
  minutes,
  requestToken,
} from './helpers.ts';

describe('zoom simulator: OAuth (account_credentials)', () => {
  let simulator: ZoomSimulator | undefined;
  const clock = new ManualClock();

  afterEach(async () => {
    await simulator?.stop();
    simulator = undefined;
  });

  it('issues a bearer token with its lifetime, scopes and the API host', async () => {
    // Prepare
    simulator = await startZoomSimulator({ clock, scenario: { oauth: { tokenLifetimeSeconds: 1200 } } });

    // Act
    const { status, body } = await json(requestToken(simulator));

    // Assess
    expect(status).toBe(200);
    expect(body).toEqual({
      access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      token_type: 'bearer',
      expires_in: 1200,
      scope: expect.stringContaining('zoom_quality_management:write:interactions:admin'),
      api_url: simulator.origin,
    });
    expect(`${body.api_url}/v2`).toBe(simulator.apiBaseUrl);
  });

  it('accepts the parameters in the query string, as Zoom documents them', async () => {
    // Prepare
    simulator = await startZoomSimulator({ clock });
    const { clientId, clientSecret, accountId } = simulator.credentials;

    // Act
    const response = await fetch(
      `${simulator.oauthUrl}?grant_type=account_credentials&account_id=${accountId}`,
      {
        method: 'POST',
        headers: { Authorization: basicAuthorization(clientId, clientSecret) },
      },
    );

    // Assess
    expect(response.status).toBe(200);
  });

  it.each([
    [{ clientSecret: 'wrong' }, { reason: 'Invalid client_id or client_secret', error: 'invalid_client' }],
    [{ accountId: 'someone-else' }, { reason: 'Invalid account_id', error: 'invalid_request' }],
    [
      { grantType: 'client_credentials' },
      { reason: 'unsupported grant type', error: 'unsupported_grant_type' },
    ],
  ])('rejects %o with HTTP 400 %o', async (overrides, expected) => {
    // Prepare
    simulator = await startZoomSimulator({ clock });

    // Act
    const { status, body } = await json(requestToken(simulator, overrides));

    // Assess
    expect(status).toBe(400);
    expect(body).toEqual(expected);
  });

  it('rejects a request without client credentials', async () => {
    // Prepare
    simulator = await startZoomSimulator({ clock });

    // Act
    const { status, body } = await json(
      fetch(simulator.oauthUrl, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'account_credentials' }),
      }),
    );

    // Assess
    expect(status).toBe(400);
    expect(body).toEqual({ reason: 'Client ID or client secret is missing', error: 'invalid_client' });
  });

  it('answers 401 code 124 without a token or with an unknown one', async () => {
    // Prepare
    simulator = await startZoomSimulator({ clock });

    // Act
    const missing = await json(fetch(`${simulator.apiBaseUrl}/qm/interactions`));
    const unknown = await json(callApi(simulator, 'not-a-token', '/qm/interactions'));

    // Assess
    expect(missing).toEqual({ status: 401, body: { code: 124, message: 'Invalid access token.' } });
    expect(unknown).toEqual({ status: 401, body: { code: 124, message: 'Invalid access token.' } });
  });

  it('expires tokens on the wall clock: 401 code 124 "Access token is expired."', async () => {
    // Prepare
    simulator = await startZoomSimulator({ clock, scenario: { oauth: { tokenLifetimeSeconds: 600 } } });
    const token = await accessToken(simulator);
    const beforeExpiry = await callApi(simulator, token, '/qm/interactions');
    clock.advance(minutes(10));

    // Act
    const afterExpiry = await json(callApi(simulator, token, '/qm/interactions'));

    // Assess
    expect(beforeExpiry.status).toBe(200);
    expect(afterExpiry).toEqual({ status: 401, body: { code: 124, message: 'Access token is expired.' } });
  });

  it('keeps earlier tokens valid by default', async () => {
    // Prepare
    simulator = await startZoomSimulator({ clock });
    const first = await accessToken(simulator);
    await accessToken(simulator);

    // Act
    const response = await callApi(simulator, first, '/qm/interactions');

    // Assess
    expect(response.status).toBe(200);
  });

  it('in revoke-on-new-token mode, a new token invalidates the previous one', async () => {
    // Prepare
    simulator = await startZoomSimulator({ clock, scenario: { oauth: { revokePreviousTokens: true } } });
    const first = await accessToken(simulator);
    const second = await accessToken(simulator);

    // Act
    const withFirst = await json(callApi(simulator, first, '/qm/interactions'));
    const withSecond = await callApi(simulator, second, '/qm/interactions');

    // Assess
    expect(withFirst).toEqual({ status: 401, body: { code: 124, message: 'Invalid access token.' } });
    expect(withSecond.status).toBe(200);
    expect(simulator.inspect().tokens.list.map((token) => token.revokedBecause)).toEqual([
      'new-token-issued',
      undefined,
    ]);
  });

  it('answers 400 code 4711 when the token lacks the operation scopes', async () => {
    // Prepare
    simulator = await startZoomSimulator({
      clock,
      scenario: { oauth: { scopes: ['zoom_quality_management:read:interactions:admin'] } },
    });
    const token = await accessToken(simulator);

    // Act
    const allowed = await callApi(simulator, token, '/qm/interactions');
    const denied = await json(callApi(simulator, token, '/qm/automated_evaluations'));

    // Assess
    expect(allowed.status).toBe(200);
    expect(denied.status).toBe(400);
    expect(denied.body).toEqual({
      code: 4711,
      message: expect.stringMatching(/^Invalid access token, does not contain scopes:\[/),
    });
  });

  it('never shows a token in the inspection API, only a fingerprint', async () => {
    // Prepare
    simulator = await startZoomSimulator({ clock });
    const token = await accessToken(simulator);

    // Act
    const snapshot = JSON.stringify(simulator.inspect());

    // Assess
    expect(snapshot).not.toContain(token);
    expect(snapshot).not.toContain(simulator.credentials.clientSecret);
    expect(simulator.inspect().tokens.issued).toBe(1);
  });
});
