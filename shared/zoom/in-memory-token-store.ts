import type { Clock } from '../clock.ts';
import type { AccessToken, FetchToken, TokenStore } from './ports.ts';

interface AccountTokens {
  current?: AccessToken | undefined;
  /** The fetch in progress, shared by every caller that needs a token meanwhile. */
  pending?: Promise<AccessToken> | undefined;
}

/**
 * Keeps each Zoom account's token in this process: one token fetch at a time per account, shared
 * by all concurrent callers, and a rejected token replaced once however many callers saw it
 * rejected. Right for a single process; Lambda containers share the DynamoDB-backed store.
 */
export class InMemoryTokenStore implements TokenStore {
  readonly #clock: Clock;
  readonly #accounts = new Map<string, AccountTokens>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  async getToken(accountId: string, fetchToken: FetchToken, minValidityMs: number): Promise<AccessToken> {
    const account = this.#account(accountId);
    if (account.current !== undefined && account.current.expiresAt - this.#clock.now() >= minValidityMs) {
      return account.current;
    }
    return this.#fetchOnce(account, fetchToken);
  }

  async refreshAfterRejection(
    accountId: string,
    rejected: AccessToken,
    fetchToken: FetchToken,
  ): Promise<AccessToken> {
    const account = this.#account(accountId);
    const current = account.current;
    if (
      current !== undefined &&
      current.accessToken !== rejected.accessToken &&
      current.expiresAt > this.#clock.now()
    ) {
      return current;
    }
    // Nobody may use the rejected token any more; a fetch already under way is joined, not repeated.
    account.current = undefined;
    return this.#fetchOnce(account, fetchToken);
  }

  #fetchOnce(account: AccountTokens, fetchToken: FetchToken): Promise<AccessToken> {
    if (account.pending === undefined) {
      const pending = fetchToken()
        .then((token) => {
          account.current = token;
          return token;
        })
        .finally(() => {
          if (account.pending === pending) {
            account.pending = undefined;
          }
        });
      account.pending = pending;
    }
    return account.pending;
  }

  #account(accountId: string): AccountTokens {
    let account = this.#accounts.get(accountId);
    if (account === undefined) {
      account = {};
      this.#accounts.set(accountId, account);
    }
    return account;
  }
}
