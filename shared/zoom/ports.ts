/**
 * The two seams through which every Zoom client shares state with other containers. This issue's
 * in-process implementations live beside the client; the DynamoDB-backed ones (shared by every
 * Lambda container of an environment) implement the same interfaces.
 */

/** Zoom's rate-limit labels (https://developers.zoom.us/docs/api/rate-limits/). */
export type RateLimitLabel = 'LIGHT' | 'MEDIUM' | 'HEAVY';

/** An OAuth access token as the client needs it. */
export interface AccessToken {
  readonly accessToken: string;
  /** Epoch milliseconds after which Zoom no longer accepts the token. */
  readonly expiresAt: number;
  /** The regional API base URL Zoom returned with the token, when it returned one. */
  readonly apiUrl?: string | undefined;
}

/** What a token store needs to mint a token when it has none that is still good. */
export type FetchToken = () => Promise<AccessToken>;

/**
 * Holds the current token of one Zoom account, shared by every caller that uses that account.
 * Zoom may invalidate a previous token when a new one is issued, so callers must share one token
 * rather than each fetch their own.
 */
export interface TokenStore {
  /**
   * Returns a token valid for at least `minValidityMs` more, calling `fetchToken` (at most once
   * across concurrent callers) when the store has none.
   */
  getToken(accountId: string, fetchToken: FetchToken, minValidityMs: number): Promise<AccessToken>;
  /**
   * Reports that Zoom rejected `rejected` (401, code 124). The store fetches a replacement unless
   * another caller already did, and returns the token to retry with.
   */
  refreshAfterRejection(
    accountId: string,
    rejected: AccessToken,
    fetchToken: FetchToken,
  ): Promise<AccessToken>;
}

/** Which of Zoom's two windows a refusal comes from: the per-second rate or the per-day quota. */
export type RateLimitKind = 'qps' | 'daily';

/**
 * The answer of a rate limiter: either a grant, or how long to wait before asking again. `kind`
 * says which window refused (a daily refusal waits until the next UTC midnight, so callers re-queue
 * rather than retry soon); a limiter that cannot tell leaves it out and callers assume 'qps'.
 */
export type RateLimitDecision =
  | { readonly granted: true }
  | { readonly granted: false; readonly retryAfterMs: number; readonly kind?: RateLimitKind | undefined };

/**
 * The limits one label is held to, after the configured fraction of the plan has been applied.
 * `perSecond` may be fractional (e.g. 0.5 = one call every two seconds).
 */
export interface EffectiveRateLimit {
  readonly perSecond: number;
  readonly perDay?: number | undefined;
}

/** A token bucket per (Zoom account, label), sized to a fraction of the plan's limits. */
export interface RateLimiter {
  tryTake(accountId: string, label: RateLimitLabel): Promise<RateLimitDecision>;
}
