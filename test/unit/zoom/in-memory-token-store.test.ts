import { describe, expect, it } from 'vitest';
import { InMemoryTokenStore } from '../../../shared/zoom/in-memory-token-store.ts';
import type { AccessToken } from '../../../shared/zoom/ports.ts';
import { FakeClock } from './support/fake-clock.ts';
import { rejectionOf } from './support/harness.ts';

/** A token source that counts its calls and issues token-1, token-2, ... valid for an hour. */
function tokenSource(clock: FakeClock) {
  const source = {
    calls: 0,
    fetch: async (): Promise<AccessToken> => {
      source.calls += 1;
      return { accessToken: `token-${source.calls}`, expiresAt: clock.now() + 3_600_000 };
    },
  };
  return source;
}

describe('InMemoryTokenStore', () => {
  it('returns the stored token while it is valid for at least minValidityMs', async () => {
    // Prepare
    const clock = new FakeClock();
    const store = new InMemoryTokenStore(clock);
    const source = tokenSource(clock);
    await store.getToken('acct-1', source.fetch, 60_000);

    // Act
    clock.advance(3_600_000 - 60_000);
    const stillGood = await store.getToken('acct-1', source.fetch, 60_000);
    clock.advance(1);
    const replaced = await store.getToken('acct-1', source.fetch, 60_000);

    // Assess
    expect(stillGood.accessToken).toBe('token-1');
    expect(replaced.accessToken).toBe('token-2');
  });

  it('keeps one token per account', async () => {
    // Prepare
    const clock = new FakeClock();
    const store = new InMemoryTokenStore(clock);
    const source = tokenSource(clock);

    // Act
    const first = await store.getToken('acct-1', source.fetch, 0);
    const second = await store.getToken('acct-2', source.fetch, 0);

    // Assess
    expect([first.accessToken, second.accessToken]).toEqual(['token-1', 'token-2']);
  });

  it('shares a failed fetch with its waiters, then fetches again on the next call', async () => {
    // Prepare
    const clock = new FakeClock();
    const store = new InMemoryTokenStore(clock);
    let calls = 0;
    const failingOnce = async (): Promise<AccessToken> => {
      calls += 1;
      if (calls === 1) {
        throw new Error('token endpoint down');
      }
      return { accessToken: 'token-ok', expiresAt: clock.now() + 3_600_000 };
    };

    // Act
    const failures = await Promise.all([
      rejectionOf(store.getToken('acct-1', failingOnce, 0)),
      rejectionOf(store.getToken('acct-1', failingOnce, 0)),
    ]);
    const recovered = await store.getToken('acct-1', failingOnce, 0);

    // Assess
    expect(failures.map((error) => (error as Error).message)).toEqual([
      'token endpoint down',
      'token endpoint down',
    ]);
    expect(recovered.accessToken).toBe('token-ok');
    expect(calls).toBe(2);
  });

  it('replaces a rejected token once for all the callers that saw it rejected', async () => {
    // Prepare
    const clock = new FakeClock();
    const store = new InMemoryTokenStore(clock);
    const source = tokenSource(clock);
    const rejected = await store.getToken('acct-1', source.fetch, 0);

    // Act
    const replacements = await Promise.all(
      Array.from({ length: 10 }, () => store.refreshAfterRejection('acct-1', rejected, source.fetch)),
    );
    const later = await store.refreshAfterRejection('acct-1', rejected, source.fetch);

    // Assess
    expect(new Set(replacements.map((token) => token.accessToken))).toEqual(new Set(['token-2']));
    expect(later.accessToken).toBe('token-2');
    expect(source.calls).toBe(2);
  });

  it('a rejection of the current token drops it, even if it has not expired', async () => {
    // Prepare
    const clock = new FakeClock();
    const store = new InMemoryTokenStore(clock);
    const source = tokenSource(clock);
    const current = await store.getToken('acct-1', source.fetch, 0);

    // Act
    await store.refreshAfterRejection('acct-1', current, source.fetch);
    const afterwards = await store.getToken('acct-1', source.fetch, 0);

    // Assess
    expect(afterwards.accessToken).toBe('token-2');
  });
});
