/**
 * Zoom's Server-to-Server OAuth, as the token endpoint behaves: POST /oauth/token with
 * `grant_type=account_credentials&account_id=...` (form body, or query string as Zoom's own
 * examples show) and HTTP Basic client credentials. Tokens expire on the wall clock; in the
 * revoke-on-new-token mode each issue invalidates every earlier token, as Zoom did for years and
 * may still do, so callers must share one token instead of each fetching their own.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../shared/clock.ts';
import { type JsonResponse, zoomErrors } from './zoom-errors.ts';

export interface SimulatorCredentials {
  readonly accountId: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

export interface TokenModes {
  tokenLifetimeSeconds: number;
  revokePreviousTokens: boolean;
}

/** What the inspection API shows of a token: never the token itself, only a fingerprint. */
export interface TokenInfo {
  readonly fingerprint: string;
  readonly issuedAt: string;
  readonly expiresAt: string;
  readonly revokedAt: string | undefined;
  readonly revokedBecause: 'new-token-issued' | 'control' | undefined;
}

interface TokenRecord {
  readonly fingerprint: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly scopes: readonly string[];
  revokedAt: number | undefined;
  revokedBecause: TokenInfo['revokedBecause'];
}

export interface TokenRequest {
  readonly authorization: string | undefined;
  /** The form body (application/x-www-form-urlencoded), possibly empty. */
  readonly body: string;
  /** The request's query string parameters. */
  readonly query: URLSearchParams;
  /** What the answer reports as `api_url`: the API host without /v2. */
  readonly apiUrl: string;
}

export type Authentication =
  | { readonly authenticated: true; readonly scopes: readonly string[] }
  | { readonly authenticated: false; readonly response: JsonResponse };

export class TokenAuthority {
  readonly #clock: Clock;
  readonly #credentials: SimulatorCredentials;
  readonly #scopes: readonly string[];
  readonly #modes: TokenModes;
  readonly #tokens = new Map<string, TokenRecord>();

  constructor(clock: Clock, credentials: SimulatorCredentials, scopes: readonly string[], modes: TokenModes) {
    this.#clock = clock;
    this.#credentials = credentials;
    this.#scopes = scopes;
    this.#modes = modes;
  }

  /** The live modes object: the control API changes it for the requests that follow. */
  get modes(): TokenModes {
    return this.#modes;
  }

  /** Answers a token request exactly as the endpoint would. */
  issue(request: TokenRequest): JsonResponse {
    const client = parseBasicAuthorization(request.authorization);
    if (client === undefined) return zoomErrors.oauth.missingClient();
    if (
      client.clientId !== this.#credentials.clientId ||
      client.clientSecret !== this.#credentials.clientSecret
    ) {
      return zoomErrors.oauth.invalidClient();
    }
    const form = new URLSearchParams(request.body);
    const parameter = (name: string): string | null => form.get(name) ?? request.query.get(name);
    const grantType = parameter('grant_type');
    if (grantType === null || grantType === '') return zoomErrors.oauth.missingGrantType();
    if (grantType !== 'account_credentials') return zoomErrors.oauth.unsupportedGrantType();
    const accountId = parameter('account_id');
    if (accountId === null || accountId === '') return zoomErrors.oauth.missingAccount();
    if (accountId !== this.#credentials.accountId) return zoomErrors.oauth.invalidAccount();

    const now = this.#clock.now();
    if (this.#modes.revokePreviousTokens) this.#revoke(now, 'new-token-issued');
    const accessToken = mintToken(accountId, now, this.#modes.tokenLifetimeSeconds);
    this.#tokens.set(accessToken, {
      fingerprint: fingerprint(accessToken),
      issuedAt: now,
      expiresAt: now + this.#modes.tokenLifetimeSeconds * 1000,
      scopes: this.#scopes,
      revokedAt: undefined,
      revokedBecause: undefined,
    });
    return {
      status: 200,
      body: {
        access_token: accessToken,
        token_type: 'bearer',
        expires_in: this.#modes.tokenLifetimeSeconds,
        scope: this.#scopes.join(' '),
        api_url: request.apiUrl,
      },
    };
  }

  /** Checks an API request's Authorization header: 401 code 124 unless the token is good now. */
  authenticate(authorization: string | undefined): Authentication {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    const record = match?.[1] === undefined ? undefined : this.#tokens.get(match[1]);
    if (record === undefined || record.revokedAt !== undefined) {
      return { authenticated: false, response: zoomErrors.invalidAccessToken() };
    }
    if (this.#clock.now() >= record.expiresAt) {
      return { authenticated: false, response: zoomErrors.expiredAccessToken() };
    }
    return { authenticated: true, scopes: record.scopes };
  }

  /** Invalidates every token issued so far (a control for tests). */
  revokeAll(): number {
    return this.#revoke(this.#clock.now(), 'control');
  }

  list(): TokenInfo[] {
    return [...this.#tokens.values()].map((record) => ({
      fingerprint: record.fingerprint,
      issuedAt: new Date(record.issuedAt).toISOString(),
      expiresAt: new Date(record.expiresAt).toISOString(),
      revokedAt: record.revokedAt === undefined ? undefined : new Date(record.revokedAt).toISOString(),
      revokedBecause: record.revokedBecause,
    }));
  }

  #revoke(now: number, because: NonNullable<TokenInfo['revokedBecause']>): number {
    let revoked = 0;
    for (const record of this.#tokens.values()) {
      if (record.revokedAt !== undefined) continue;
      record.revokedAt = now;
      record.revokedBecause = because;
      revoked += 1;
    }
    return revoked;
  }
}

function parseBasicAuthorization(
  authorization: string | undefined,
): { clientId: string; clientSecret: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '');
  if (match?.[1] === undefined) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) return undefined;
  return { clientId: decoded.slice(0, colon), clientSecret: decoded.slice(colon + 1) };
}

/** A JWT-shaped opaque token, as long as Zoom's, so clients never rely on short tokens. */
function mintToken(accountId: string, nowMs: number, lifetimeSeconds: number): string {
  const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const issuedAt = Math.floor(nowMs / 1000);
  const header = { alg: 'HS512', v: '2.0', kid: 'simulator' };
  const payload = {
    aud: 'https://oauth.zoom.us',
    uid: accountId,
    ver: 10,
    auid: randomBytes(16).toString('hex'),
    nbf: issuedAt,
    code: randomBytes(16).toString('base64url'),
    iss: 'zm:cid:simulator',
    gno: 0,
    exp: issuedAt + lifetimeSeconds,
    type: 3,
    iat: issuedAt,
    aid: accountId,
  };
  return `${encode(header)}.${encode(payload)}.${randomBytes(64).toString('base64url')}`;
}

function fingerprint(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 12);
}
