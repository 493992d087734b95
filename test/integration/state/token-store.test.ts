import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../shared/clock.ts';
import { RetryableError } from '../../../shared/errors.ts';
import { documentClientOf } from '../../../shared/table/document-client.ts';
import { zoomTokenKey } from '../../../shared/table/keys.ts';
import { DynamoTokenStore, type DynamoTokenStoreOptions } from '../../../shared/zoom/dynamo-token-store.ts';
import type { AccessToken } from '../../../shared/zoom/ports.ts';
import { ManualClock } from '../../helpers/shared-manual-clock.ts';
import { useStateTable } from './state-table-fixture.ts';

/**
 * The shared token store on DynamoDB Local: several store instances (as several containers)
 * share one token per Zoom account, fetch it once between them, and replace a rejected token once.
 */
const HOUR = 3_600_000;
const MARGIN = 5 * 60_000;
const fixture = useStateTable();

function storesOn(count: number, options: Partial<DynamoTokenStoreOptions> = {}): DynamoTokenStore[] {
  return Array.from(
    { length: count },
    () =>
      new DynamoTokenStore(fixture.client, { tableName: fixture.tableName, pollIntervalMs: 10, ...options }),
  );
}

/** A token endpoint that counts its calls, answers after `delayMs`, and issues a new token each time. */
function tokenEndpoint(clock = systemClock, delayMs = 30) {
  let issued = 0;
  return {
    fetch: async (): Promise<AccessToken> => {
      issued += 1;
      const token = { accessToken: `token-${issued}`, expiresAt: clock.now() + HOUR };
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      return token;
    },
    issued: () => issued,
  };
}

/** A fetch the test completes by hand, to hold a refresh in flight. */
function heldFetch(token: AccessToken) {
  let started: () => void = () => {};
  let finish: (outcome: AccessToken | Error) => void = () => {};
  const startedPromise = new Promise<void>((resolve) => {
    started = resolve;
  });
  let calls = 0;
  return {
    fetch: () => {
      calls += 1;
      started();
      return new Promise<AccessToken>((resolve, reject) => {
        finish = (outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome));
      });
    },
    started: startedPromise,
    complete: (outcome: AccessToken | Error = token) => finish(outcome),
    calls: () => calls,
  };
}

async function storeToken(accountId: string, token: AccessToken): Promise<void> {
  await documentClientOf(fixture.client).send(
    new PutCommand({
      TableName: fixture.tableName,
      Item: {
        ...zoomTokenKey(accountId),
        tokenVersion: 1,
        accessToken: token.accessToken,
        expiresAt: token.expiresAt,
      },
    }),
  );
}

describe('the DynamoDB token store', () => {
  it('makes one token request between 100 concurrent callers on 5 instances', async () => {
    // Prepare
    const stores = storesOn(5);
    const endpoint = tokenEndpoint();

    // Act
    const tokens = await Promise.all(
      stores.flatMap((store) =>
        Array.from({ length: 20 }, () => store.getToken('acct-once', endpoint.fetch, MARGIN)),
      ),
    );

    // Assess
    expect(endpoint.issued()).toBe(1);
    expect(new Set(tokens.map((token) => token.accessToken))).toEqual(new Set(['token-1']));
  });

  it('serves later calls from its own copy without reading DynamoDB', async () => {
    // Prepare
    const [store] = storesOn(1);
    const endpoint = tokenEndpoint();
    await store?.getToken('acct-cached', endpoint.fetch, MARGIN);
    let requests = 0;
    fixture.client.middlewareStack.add(
      (next) => async (args) => {
        requests += 1;
        return next(args);
      },
      { step: 'initialize', name: 'countTokenRequests' },
    );

    // Act
    const again = await Promise.all(
      Array.from({ length: 10 }, () => store?.getToken('acct-cached', endpoint.fetch, MARGIN)),
    );
    fixture.client.middlewareStack.remove('countTokenRequests');

    // Assess
    expect(requests).toBe(0);
    expect(again.every((token) => token?.accessToken === 'token-1')).toBe(true);
  });

  it('replaces a revoked token once, not once per caller', async () => {
    // Prepare
    const stores = storesOn(5);
    const endpoint = tokenEndpoint();
    const revoked = await stores[0]?.getToken('acct-revoked', endpoint.fetch, MARGIN);
    await Promise.all(stores.map((store) => store.getToken('acct-revoked', endpoint.fetch, MARGIN)));
    if (revoked === undefined) {
      throw new Error('no token');
    }

    // Act
    const replacements = await Promise.all(
      stores.flatMap((store) =>
        Array.from({ length: 10 }, () =>
          store.refreshAfterRejection('acct-revoked', revoked, endpoint.fetch),
        ),
      ),
    );

    // Assess
    expect(endpoint.issued()).toBe(2);
    expect(new Set(replacements.map((token) => token.accessToken))).toEqual(new Set(['token-2']));
  });

  it('answers a rejection of an already replaced token with the stored one, fetching nothing', async () => {
    // Prepare
    const [first, late] = storesOn(2);
    const endpoint = tokenEndpoint();
    const original = await first?.getToken('acct-late', endpoint.fetch, MARGIN);
    await late?.getToken('acct-late', endpoint.fetch, MARGIN);
    if (original === undefined) {
      throw new Error('no token');
    }
    await first?.refreshAfterRejection('acct-late', original, endpoint.fetch);

    // Act
    const retried = await late?.refreshAfterRejection('acct-late', original, endpoint.fetch);

    // Assess
    expect(retried?.accessToken).toBe('token-2');
    expect(endpoint.issued()).toBe(2);
  });

  it('lets the others use the current token while one caller refreshes it', async () => {
    // Prepare
    const [refresher, other] = storesOn(2);
    const current = { accessToken: 'ageing-token', expiresAt: Date.now() + 2 * 60_000 };
    await storeToken('acct-ageing', current);
    const held = heldFetch({ accessToken: 'fresh-token', expiresAt: Date.now() + HOUR });
    const refreshing = refresher?.getToken('acct-ageing', held.fetch, MARGIN);
    await held.started;

    // Act
    const meanwhile = await other?.getToken('acct-ageing', held.fetch, MARGIN);
    held.complete();
    const refreshed = await refreshing;

    // Assess
    expect(meanwhile?.accessToken).toBe('ageing-token');
    expect(refreshed?.accessToken).toBe('fresh-token');
    expect(held.calls()).toBe(1);
  });

  it('makes callers wait for the refresh when the current token is no longer usable', async () => {
    // Prepare
    const [refresher, waiter] = storesOn(2);
    await storeToken('acct-expired', { accessToken: 'expired-token', expiresAt: Date.now() - 1 });
    const held = heldFetch({ accessToken: 'fresh-token', expiresAt: Date.now() + HOUR });
    const refreshing = refresher?.getToken('acct-expired', held.fetch, MARGIN);
    await held.started;

    // Act
    const waiting = waiter?.getToken('acct-expired', held.fetch, MARGIN);
    setTimeout(() => held.complete(), 50);
    const [waited, refreshed] = await Promise.all([waiting, refreshing]);

    // Assess
    expect(waited?.accessToken).toBe('fresh-token');
    expect(refreshed?.accessToken).toBe('fresh-token');
    expect(held.calls()).toBe(1);
  });

  it('gives the lease back when the token request fails, so the next caller need not wait it out', async () => {
    // Prepare
    const [failing, next] = storesOn(2, { leaseMs: 60_000, maxWaitMs: 1_000 });
    const held = heldFetch({ accessToken: 'unused', expiresAt: Date.now() + HOUR });
    const failed = failing?.getToken('acct-failing', held.fetch, MARGIN);
    await held.started;
    held.complete(new Error('Zoom OAuth is down'));
    await expect(failed).rejects.toThrow('Zoom OAuth is down');
    const endpoint = tokenEndpoint();

    // Act
    const token = await next?.getToken('acct-failing', endpoint.fetch, MARGIN);

    // Assess
    expect(token?.accessToken).toBe('token-1');
    expect(endpoint.issued()).toBe(1);
  });

  it('takes over the lease of a refresher that vanished once it expires', async () => {
    // Prepare
    const clock = new ManualClock(Date.now());
    const [store] = storesOn(1, {
      clock,
      leaseMs: 10_000,
      sleep: async (ms) => clock.advance(ms),
      pollIntervalMs: 1_000,
    });
    const abandonedLeaseExpiresAt = clock.now() + 5_000;
    await documentClientOf(fixture.client).send(
      new PutCommand({
        TableName: fixture.tableName,
        Item: {
          ...zoomTokenKey('acct-vanished'),
          tokenVersion: 0,
          leaseOwner: 'gone',
          leaseExpiresAt: abandonedLeaseExpiresAt,
        },
      }),
    );
    const endpoint = tokenEndpoint(clock, 0);

    // Act
    const token = await store?.getToken('acct-vanished', endpoint.fetch, MARGIN);

    // Assess
    expect(token?.accessToken).toBe('token-1');
    expect(clock.now()).toBeGreaterThanOrEqual(abandonedLeaseExpiresAt);
    expect(endpoint.issued()).toBe(1);
  });

  it('gives up with a retryable error when another refresh takes longer than it will wait', async () => {
    // Prepare
    const clock = new ManualClock(Date.now());
    const [store] = storesOn(1, {
      clock,
      maxWaitMs: 3_000,
      sleep: async (ms) => clock.advance(ms),
      pollIntervalMs: 500,
    });
    await documentClientOf(fixture.client).send(
      new PutCommand({
        TableName: fixture.tableName,
        Item: {
          ...zoomTokenKey('acct-stuck'),
          tokenVersion: 0,
          leaseOwner: 'slow',
          leaseExpiresAt: clock.now() + 60_000,
        },
      }),
    );
    const endpoint = tokenEndpoint(clock, 0);

    // Act
    const attempt = store?.getToken('acct-stuck', endpoint.fetch, MARGIN);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(RetryableError);
    await expect(attempt).rejects.toThrow(
      'waiting for another container to refresh the Zoom token of account acct-stuck',
    );
    expect(endpoint.issued()).toBe(0);
  });

  it('refuses an unreadable token item without echoing its content', async () => {
    // Prepare
    const [store] = storesOn(1);
    await documentClientOf(fixture.client).send(
      new PutCommand({
        TableName: fixture.tableName,
        Item: { ...zoomTokenKey('acct-corrupt'), tokenVersion: 'x', accessToken: 'secret-token-value' },
      }),
    );
    const endpoint = tokenEndpoint();

    // Act
    const attempt = store?.getToken('acct-corrupt', endpoint.fetch, MARGIN);

    // Assess
    await expect(attempt).rejects.toThrow(
      'The Zoom token item (pk ZOOM#acct-corrupt, sk TOKEN) is unreadable at tokenVersion',
    );
    await expect(attempt).rejects.not.toThrow(/secret-token-value/);
  });
});
