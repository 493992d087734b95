import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type Clock, systemClock } from '../clock.ts';
import { PermanentError, RetryableError } from '../errors.ts';
import { documentClientOf } from '../table/document-client.ts';
import { isConditionalCheckFailed, translateDynamoError } from '../table/dynamo-errors.ts';
import { ExpressionAttributes, updateExpression } from '../table/expressions.ts';
import { ItemType, zoomTokenKey } from '../table/keys.ts';
import * as z from '../zod.ts';
import type { AccessToken, FetchToken, TokenStore } from './ports.ts';

/**
 * The Zoom access token of each account, shared by every container through the state table.
 *
 * - Each container keeps its own copy, so most calls read nothing from DynamoDB.
 * - When the token needs replacing, one caller (across all containers) takes a short lease on the
 *   token item and fetches; the others keep using the current token while it still has
 *   `graceValidityMs` left, or wait (bounded polling) for the new one.
 * - A 401 with a token replaces it once: the lease is conditioned on the version of the rejected
 *   token, so every other caller that saw the same rejection finds the replacement instead.
 *
 * The token is stored in the table (encrypted at rest with the table's key) and never appears in
 * a log line or an error message; DynamoDB is never asked to echo the item in an error.
 */

const TOKEN_ITEM_SCHEMA_VERSION = 1;

const tokenItemSchema = z.object({
  tokenVersion: z.int().check(z.nonnegative()),
  accessToken: z.optional(z.string().check(z.minLength(1))),
  expiresAt: z.optional(z.int()),
  apiUrl: z.optional(z.string().check(z.minLength(1))),
  leaseOwner: z.optional(z.string()),
  leaseExpiresAt: z.optional(z.int()),
});
type TokenItem = z.infer<typeof tokenItemSchema>;

export interface DynamoTokenStoreOptions {
  readonly tableName: string;
  readonly clock?: Clock | undefined;
  /** How long a refresher holds the lease: longer than one token request may take. */
  readonly leaseMs?: number | undefined;
  /**
   * While another container refreshes, a current token with at least this much left is used
   * rather than waited on: the caller's margin exists to refresh early, not because the token is
   * unusable, and making every container wait for one refresh would stall them all.
   */
  readonly graceValidityMs?: number | undefined;
  /** How long a caller waits for another container's refresh before giving up (retryable). */
  readonly maxWaitMs?: number | undefined;
  /** How often a waiting caller reads the item. */
  readonly pollIntervalMs?: number | undefined;
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
}

const DEFAULT_LEASE_MS = 15_000;

/** What a caller will accept: a token valid long enough, and not the one Zoom just rejected. */
interface Wanted {
  readonly minValidityMs: number;
  readonly rejectedToken?: string | undefined;
}

export class DynamoTokenStore implements TokenStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #clock: Clock;
  readonly #leaseMs: number;
  readonly #graceValidityMs: number;
  readonly #maxWaitMs: number;
  readonly #pollIntervalMs: number;
  readonly #sleep: (ms: number) => Promise<void>;
  /** Identifies this store's leases; a lease is only ever released or used by its owner. */
  readonly #owner = randomUUID();
  readonly #cached = new Map<string, AccessToken>();
  readonly #inFlight = new Map<string, Promise<AccessToken>>();

  constructor(client: DynamoDBClient, options: DynamoTokenStoreOptions) {
    this.#client = documentClientOf(client);
    this.#tableName = options.tableName;
    this.#clock = options.clock ?? systemClock;
    this.#leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.#graceValidityMs = options.graceValidityMs ?? 30_000;
    this.#maxWaitMs = options.maxWaitMs ?? this.#leaseMs + 5_000;
    this.#pollIntervalMs = options.pollIntervalMs ?? 100;
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async getToken(accountId: string, fetchToken: FetchToken, minValidityMs: number): Promise<AccessToken> {
    const cached = this.#cached.get(accountId);
    if (cached !== undefined && this.#remaining(cached) >= minValidityMs) {
      return cached;
    }
    return this.#once(accountId, () => this.#obtain(accountId, fetchToken, { minValidityMs }));
  }

  async refreshAfterRejection(
    accountId: string,
    rejected: AccessToken,
    fetchToken: FetchToken,
  ): Promise<AccessToken> {
    const cached = this.#cached.get(accountId);
    if (cached !== undefined && cached.accessToken !== rejected.accessToken && this.#remaining(cached) > 0) {
      return cached;
    }
    if (cached?.accessToken === rejected.accessToken) {
      this.#cached.delete(accountId);
    }
    const wanted = { minValidityMs: this.#graceValidityMs, rejectedToken: rejected.accessToken };
    return this.#once(`${accountId}\u0000rejected`, () => this.#obtain(accountId, fetchToken, wanted));
  }

  /** Concurrent callers in this container share one trip to DynamoDB (and at most one fetch). */
  #once(flightKey: string, obtain: () => Promise<AccessToken>): Promise<AccessToken> {
    let flight = this.#inFlight.get(flightKey);
    if (flight === undefined) {
      flight = obtain().finally(() => this.#inFlight.delete(flightKey));
      this.#inFlight.set(flightKey, flight);
    }
    return flight;
  }

  async #obtain(accountId: string, fetchToken: FetchToken, wanted: Wanted): Promise<AccessToken> {
    const giveUpAt = this.#clock.now() + this.#maxWaitMs;
    for (let round = 1; ; round += 1) {
      if (round > 1 && this.#clock.now() >= giveUpAt) {
        throw new RetryableError(
          `Timed out after ${this.#maxWaitMs} ms waiting for another container to refresh the Zoom token of account ${accountId}`,
        );
      }
      const item = await this.#read(accountId);
      const stored = tokenOf(item);
      if (stored !== undefined && this.#acceptable(stored, wanted, wanted.minValidityMs)) {
        this.#cached.set(accountId, stored);
        return stored;
      }
      const now = this.#clock.now();
      const leaseFree = item?.leaseExpiresAt === undefined || item.leaseExpiresAt <= now;
      if (leaseFree) {
        if (await this.#takeLease(accountId, item, now)) {
          return this.#refresh(accountId, fetchToken);
        }
        // Another caller refreshed or took the lease since the read: read again at once.
        continue;
      }
      if (stored !== undefined && this.#acceptable(stored, wanted, this.#graceValidityMs)) {
        return stored;
      }
      await this.#sleep(this.#pollIntervalMs);
    }
  }

  #acceptable(token: AccessToken, wanted: Wanted, minValidityMs: number): boolean {
    return token.accessToken !== wanted.rejectedToken && this.#remaining(token) >= minValidityMs;
  }

  #remaining(token: AccessToken): number {
    return token.expiresAt - this.#clock.now();
  }

  async #read(accountId: string): Promise<TokenItem | undefined> {
    let item: Record<string, unknown> | undefined;
    try {
      const output = await this.#client.send(
        new GetCommand({ TableName: this.#tableName, Key: zoomTokenKey(accountId), ConsistentRead: true }),
      );
      item = output.Item;
    } catch (error) {
      throw translateDynamoError(error, `reading the Zoom token item of account ${accountId}`);
    }
    if (item === undefined) {
      return undefined;
    }
    const parsed = tokenItemSchema.safeParse(item);
    if (!parsed.success) {
      const key = zoomTokenKey(accountId);
      throw new PermanentError(
        `The Zoom token item (pk ${key.pk}, sk ${key.sk}) is unreadable at ${parsed.error.issues.map((issue) => issue.path.join('.')).join(', ')}; delete it and the next call fetches a new token`,
      );
    }
    return parsed.data;
  }

  /**
   * Takes the refresh lease, on the condition that the token is still the version this caller
   * read and nobody else holds an unexpired lease. False when another caller got there first.
   */
  async #takeLease(accountId: string, seen: TokenItem | undefined, now: number): Promise<boolean> {
    const names = new ExpressionAttributes();
    const leaseExpiresAt = names.path('leaseExpiresAt');
    const condition =
      seen === undefined
        ? `attribute_not_exists(${names.name('pk')})`
        : `${names.name('tokenVersion')} = ${names.value(seen.tokenVersion)} AND (attribute_not_exists(${leaseExpiresAt}) OR ${leaseExpiresAt} <= ${names.value(now)})`;
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: zoomTokenKey(accountId),
          UpdateExpression: updateExpression([
            `${names.name('leaseOwner')} = ${names.value(this.#owner)}`,
            `${leaseExpiresAt} = ${names.value(now + this.#leaseMs)}`,
            `${names.name('tokenVersion')} = if_not_exists(${names.name('tokenVersion')}, ${names.value(0)})`,
            `${names.name('type')} = ${names.value(ItemType.zoomToken)}`,
            `${names.name('schemaVersion')} = ${names.value(TOKEN_ITEM_SCHEMA_VERSION)}`,
          ]),
          ConditionExpression: condition,
          ...names.toInput(),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) {
        return false;
      }
      throw translateDynamoError(error, `taking the Zoom token lease of account ${accountId}`);
    }
  }

  /** Fetches a token under the lease, stores it and releases the lease; on failure releases it for the next caller. */
  async #refresh(accountId: string, fetchToken: FetchToken): Promise<AccessToken> {
    let token: AccessToken;
    try {
      token = await fetchToken();
    } catch (error) {
      await this.#releaseLease(accountId);
      throw error;
    }
    await this.#store(accountId, token);
    this.#cached.set(accountId, token);
    return token;
  }

  /**
   * Stores the new token if this store still holds the lease. If the lease ran out and another
   * caller took over, the token is still returned to this caller (Zoom issued it); should Zoom
   * invalidate it when the other caller's token is issued, the 401 path picks up the stored one.
   */
  async #store(accountId: string, token: AccessToken): Promise<void> {
    const names = new ExpressionAttributes();
    const set = [
      `${names.name('accessToken')} = ${names.value(token.accessToken)}`,
      `${names.name('expiresAt')} = ${names.value(token.expiresAt)}`,
      `${names.name('tokenVersion')} = ${names.name('tokenVersion')} + ${names.value(1)}`,
      `${names.name('fetchedAt')} = ${names.value(this.#clock.now())}`,
      ...(token.apiUrl === undefined ? [] : [`${names.name('apiUrl')} = ${names.value(token.apiUrl)}`]),
    ];
    const remove = [
      names.name('leaseOwner'),
      names.name('leaseExpiresAt'),
      ...(token.apiUrl === undefined ? [names.name('apiUrl')] : []),
    ];
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: zoomTokenKey(accountId),
          UpdateExpression: updateExpression(set, remove),
          ConditionExpression: `${names.name('leaseOwner')} = ${names.value(this.#owner)}`,
          ...names.toInput(),
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) {
        throw translateDynamoError(error, `storing the Zoom token of account ${accountId}`);
      }
    }
  }

  /** Gives the lease back early, so a failed fetch does not make every other caller wait it out. */
  async #releaseLease(accountId: string): Promise<void> {
    const names = new ExpressionAttributes();
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: zoomTokenKey(accountId),
          UpdateExpression: updateExpression([], [names.name('leaseOwner'), names.name('leaseExpiresAt')]),
          ConditionExpression: `${names.name('leaseOwner')} = ${names.value(this.#owner)}`,
          ...names.toInput(),
        }),
      );
    } catch {
      // The lease expires by itself; the fetch error that led here is the one worth reporting.
    }
  }
}

function tokenOf(item: TokenItem | undefined): AccessToken | undefined {
  if (item?.accessToken === undefined || item.expiresAt === undefined) {
    return undefined;
  }
  return { accessToken: item.accessToken, expiresAt: item.expiresAt, apiUrl: item.apiUrl };
}
