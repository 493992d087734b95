import { afterEach, describe, expect, it } from 'vitest';
import type { ScenarioInput } from '../../../local/zoom-simulator/index.ts';
import { ZoomAuthError } from '../../../shared/zoom/errors.ts';
import type { FetchFn } from '../../../shared/zoom/http.ts';
import { InMemoryTokenStore } from '../../../shared/zoom/in-memory-token-store.ts';
import { rejectionOf } from '../../unit/zoom/support/harness.ts';
import { minutes } from '../zoom-simulator/helpers.ts';
import { type ConnectedClient, SimulatedZoom } from './simulated-zoom.ts';

describe('Zoom client against the simulator: S2S OAuth tokens', () => {
  let zoom: SimulatedZoom;

  afterEach(async () => {
    await zoom.stop();
  });

  /** Three cheap list calls in turn (MEDIUM, LIGHT, LIGHT), so the token serves different operations. */
  const anyCall = (connected: ConnectedClient, index: number) => {
    switch (index % 3) {
      case 0:
        return connected.client.listInteractionsPage();
      case 1:
        return connected.client.listAutomatedEvaluationsPage();
      default:
        return connected.client.listEvaluationsPage();
    }
  };

  it('fetches one token and reuses it across many calls', async () => {
    // Prepare
    zoom = await SimulatedZoom.start();
    const connected = zoom.connect();

    // Act
    for (let index = 0; index < 12; index += 1) {
      await anyCall(connected, index);
    }

    // Assess
    expect(zoom.tokensIssued()).toBe(1);
    expect(zoom.callsTo('requestToken')).toEqual({ 200: 1 });
    expect(zoom.callsTo('listInteractions')).toEqual({ 200: 4 });
    expect(zoom.callsTo('listAutomatedEvaluations')).toEqual({ 200: 4 });
    expect(zoom.callsTo('listEvaluations')).toEqual({ 200: 4 });
  });

  it('refreshes a token that has less than the margin left before using it, so Zoom never sees it expire', async () => {
    // Prepare
    zoom = await SimulatedZoom.start({ oauth: { tokenLifetimeSeconds: 600 } });
    const { client } = zoom.connect({ profile: { tokenRefreshMarginMs: minutes(1) } });
    await client.listInteractionsPage();
    zoom.clock.advance(minutes(9) + 1);

    // Act
    await client.listInteractionsPage();

    // Assess
    expect(zoom.tokensIssued()).toBe(2);
    expect(zoom.callsTo('listInteractions')).toEqual({ 200: 2 });
  });

  it('answers an expired token (401 code 124) with one refresh, and the call succeeds', async () => {
    // Prepare: a 1 s margin and a network that takes 2 s, so a request leaving with 1.5 s of the
    // token's life left arrives after it expired
    zoom = await SimulatedZoom.start({ oauth: { tokenLifetimeSeconds: 600 } });
    let networkDelayMs = 0;
    const slowNetwork: FetchFn = (url, init) => {
      zoom.clock.advance(networkDelayMs);
      return fetch(url, init);
    };
    const { client } = zoom.connect({ profile: { tokenRefreshMarginMs: 1_000 }, fetch: slowNetwork });
    await client.listInteractionsPage();
    zoom.clock.advance(minutes(10) - 1_500);
    networkDelayMs = 2_000;

    // Act
    const page = await client.listInteractionsPage();

    // Assess
    expect(page.interactions).toEqual([]);
    expect(zoom.callsTo('listInteractions')).toEqual({ 200: 2, 401: 1 });
    expect(zoom.callsTo('requestToken')).toEqual({ 200: 2 });
  });

  it('shares one refresh among 20 concurrent calls whose token was revoked', async () => {
    // Prepare
    zoom = await SimulatedZoom.start();
    const connected = zoom.connect();
    await connected.client.listInteractionsPage();
    const revoked = zoom.simulator.control.revokeTokens();

    // Act
    const pages = await Promise.all(Array.from({ length: 20 }, (_, index) => anyCall(connected, index)));

    // Assess
    expect(revoked).toBe(1);
    expect(pages).toHaveLength(20);
    expect(zoom.callsTo('requestToken')).toEqual({ 200: 2 });
    const calls = zoom.simulator.inspect().calls;
    const statuses = [calls.listInteractions, calls.listAutomatedEvaluations, calls.listEvaluations];
    expect(statuses.map((endpoint) => endpoint.byStatus)).toEqual([
      { 200: 8, 401: 7 },
      { 200: 7, 401: 7 },
      { 200: 6, 401: 6 },
    ]);
  });

  it("honours the token's api_url (regional accounts) over the configured API base URL", async () => {
    // Prepare: a base URL the simulator answers 404 to; only the token's api_url leads to the API
    zoom = await SimulatedZoom.start();
    const { client } = zoom.connect({ profile: { apiBaseUrl: `${zoom.simulator.origin}/elsewhere/v2` } });

    // Act
    const page = await client.listAutomatedEvaluationsPage();

    // Assess
    expect(page.data).toEqual([]);
    expect(zoom.callsTo('listAutomatedEvaluations')).toEqual({ 200: 1 });
  });

  it('reports credentials Zoom refuses as a permanent ZoomAuthError, without calling the API', async () => {
    // Prepare
    zoom = await SimulatedZoom.start();
    const { client, logger } = zoom.connect({
      credentials: { ...zoom.simulator.credentials, clientSecret: 'rotated-away-secret' },
    });

    // Act
    const error = await rejectionOf(client.listInteractionsPage());

    // Assess
    expect(error).toBeInstanceOf(ZoomAuthError);
    expect(error).toMatchObject({
      retryable: false,
      failure: {
        operation: 'oauth',
        httpStatus: 400,
        zoomMessage: expect.stringContaining('invalid_client'),
      },
    });
    expect(zoom.callsTo('listInteractions')).toEqual({});
    expect(logger.text()).not.toContain('rotated-away-secret');
  });

  describe('when Zoom revokes the previous token on issuing a new one', () => {
    const revokeOnNewToken: ScenarioInput = { oauth: { revokePreviousTokens: true } };
    const rounds = 5;

    /** Two containers taking turns, each making one call per round. */
    async function takeTurns(first: ConnectedClient, second: ConnectedClient): Promise<void> {
      for (let round = 0; round < rounds; round += 1) {
        await first.client.listInteractionsPage();
        await second.client.listInteractionsPage();
      }
    }

    it('two containers with their own token stores revoke each other: every call succeeds, but each costs a 401 and a token', async () => {
      // Prepare
      zoom = await SimulatedZoom.start(revokeOnNewToken);
      const first = zoom.connect();
      const second = zoom.connect();

      // Act
      await takeTurns(first, second);

      // Assess: after the first two calls, each call finds its token revoked by the other's refresh
      expect(zoom.callsTo('listInteractions')).toEqual({ 200: 2 * rounds, 401: 2 * rounds - 2 });
      expect(zoom.tokensIssued()).toBe(2 * rounds);
      expect(
        zoom.simulator.inspect().tokens.list.filter((token) => token.revokedBecause === 'new-token-issued'),
      ).toHaveLength(2 * rounds - 1);
    });

    it('two containers with their own token stores can fail a call outright when their refreshes cross', async () => {
      // Prepare: the second container refreshes while the first one's refresh is on its way back
      zoom = await SimulatedZoom.start(revokeOnNewToken);
      let betweenRefreshAndRetry: (() => Promise<unknown>) | undefined;
      const crossingFetch: FetchFn = async (url, init) => {
        const response = await fetch(url, init);
        const interleaved = betweenRefreshAndRetry;
        if (url === zoom.simulator.oauthUrl && interleaved !== undefined) {
          betweenRefreshAndRetry = undefined;
          await interleaved();
        }
        return response;
      };
      const first = zoom.connect({ fetch: crossingFetch });
      const second = zoom.connect();
      await first.client.listInteractionsPage();
      await second.client.listInteractionsPage();
      betweenRefreshAndRetry = () => second.client.listInteractionsPage();

      // Act
      const error = await rejectionOf(first.client.listInteractionsPage());

      // Assess: the first container's fresh token was revoked before it could use it
      expect(error).toBeInstanceOf(ZoomAuthError);
      expect(error).toMatchObject({
        failure: { operation: 'listInteractions', httpStatus: 401, zoomCode: 124 },
      });
      expect(zoom.callsTo('listInteractions')).toEqual({ 200: 3, 401: 3 });
      expect(zoom.tokensIssued()).toBe(4);
    });

    it('containers sharing one token store use a single token', async () => {
      // Prepare
      zoom = await SimulatedZoom.start(revokeOnNewToken);
      const shared = new InMemoryTokenStore(zoom.clock);
      const first = zoom.connect({ tokenStore: shared });
      const second = zoom.connect({ tokenStore: shared });

      // Act
      await takeTurns(first, second);

      // Assess
      expect(zoom.callsTo('listInteractions')).toEqual({ 200: 2 * rounds });
      expect(zoom.tokensIssued()).toBe(1);
    });

    it('containers sharing one token store refresh once after a revocation', async () => {
      // Prepare
      zoom = await SimulatedZoom.start(revokeOnNewToken);
      const shared = new InMemoryTokenStore(zoom.clock);
      const containers = [zoom.connect({ tokenStore: shared }), zoom.connect({ tokenStore: shared })];
      await Promise.all(containers.map((connected) => connected.client.listInteractionsPage()));
      zoom.simulator.control.revokeTokens();

      // Act
      await Promise.all(
        containers.flatMap((connected) =>
          Array.from({ length: 5 }, () => connected.client.listEvaluationsPage()),
        ),
      );

      // Assess
      expect(zoom.tokensIssued()).toBe(2);
      expect(zoom.callsTo('listEvaluations')).toEqual({ 200: 10, 401: 10 });
    });
  });
});
