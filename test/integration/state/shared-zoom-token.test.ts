import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startZoomSimulator, type ZoomSimulator } from '../../../local/zoom-simulator/index.ts';
import { effectiveRateLimits, parseZoomProfile } from '../../../shared/config/zoom-profile.ts';
import { ZoomQmClient } from '../../../shared/zoom/client.ts';
import { staticCredentials } from '../../../shared/zoom/credentials.ts';
import { DynamoRateLimiter } from '../../../shared/zoom/dynamo-rate-limiter.ts';
import { DynamoTokenStore } from '../../../shared/zoom/dynamo-token-store.ts';
import { createStateTableFixture, type StateTableFixture } from './state-table-fixture.ts';

/**
 * Two Zoom clients, each with its own token store and limiter instance as two Lambda containers
 * would have, sharing the state table on DynamoDB Local and talking to the Zoom QM simulator.
 */
let fixture: StateTableFixture;
let simulator: ZoomSimulator;

beforeAll(async () => {
  // Zoom's and the client's per-second limits are raised alike: this test is about tokens, and
  // twenty calls in a burst are more than a Pro plan's LIGHT bucket lets through.
  [fixture, simulator] = await Promise.all([
    createStateTableFixture(),
    startZoomSimulator({ scenario: { rateLimits: { limits: { LIGHT: { perSecond: 1_000 } } } } }),
  ]);
});

afterAll(async () => {
  await Promise.all([fixture?.dispose(), simulator?.stop()]);
});

/** A client as one container builds it: its own store, limiter and copies, the shared table. */
function containerClient(): ZoomQmClient {
  const profile = parseZoomProfile({
    name: 'simulated',
    secretName: 'unused-in-this-test',
    apiBaseUrl: simulator.apiBaseUrl,
    oauthUrl: simulator.oauthUrl,
    planLimits: {
      LIGHT: { perSecond: 1_000 },
      MEDIUM: { perSecond: 20 },
      HEAVY: { perSecond: 10, perDay: 30_000 },
    },
  });
  return new ZoomQmClient({
    profile,
    credentials: staticCredentials(simulator.credentials),
    tokenStore: new DynamoTokenStore(fixture.client, { tableName: fixture.tableName, pollIntervalMs: 10 }),
    rateLimiter: new DynamoRateLimiter(fixture.client, {
      tableName: fixture.tableName,
      limits: effectiveRateLimits(profile),
    }),
  });
}

/** Ten concurrent cheap calls from each client. */
async function callsFrom(clients: readonly ZoomQmClient[]): Promise<void> {
  await Promise.all(
    clients.flatMap((client) => Array.from({ length: 10 }, () => client.listAutomatedEvaluationsPage({}))),
  );
}

describe('Zoom clients sharing the DynamoDB token store', () => {
  it('make one token request between two containers, and one refresh after a revocation', async () => {
    // Prepare
    const clients = [containerClient(), containerClient()];
    await callsFrom(clients);
    const issuedFirst = simulator.inspect().tokens.issued;

    // Act
    simulator.control.revokeTokens();
    await callsFrom(clients);

    // Assess
    expect(issuedFirst).toBe(1);
    expect(simulator.inspect().tokens.issued).toBe(2);
  });
});
