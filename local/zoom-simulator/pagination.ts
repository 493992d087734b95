/**
 * Zoom's `next_page_token` pagination: a token is returned whenever more records remain, it
 * expires (15 minutes, as documented; configurable), and an expired or unknown token is a 400
 * with code 300. A token pins the result set of the first page, so records that appear while a
 * client pages are neither duplicated nor skipped; the records themselves are rendered as they
 * are when each page is served.
 */
import type { Clock } from '../../shared/clock.ts';
import type { Random } from './random.ts';

interface Cursor {
  readonly scope: string;
  readonly ids: readonly string[];
  readonly offset: number;
  readonly expiresAt: number;
}

export interface Page {
  readonly ids: readonly string[];
  /** Empty on the last page, as Zoom sends it. */
  readonly nextPageToken: string;
  readonly pageSize: number;
  readonly total: number;
}

const tokenCharacters = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'];
const purgeThreshold = 1000;

export class PageTokens {
  readonly #clock: Clock;
  readonly #random: Random;
  readonly #ttlMs: number;
  readonly #cursors = new Map<string, Cursor>();

  constructor(clock: Clock, random: Random, ttlSeconds: number) {
    this.#clock = clock;
    this.#random = random;
    this.#ttlMs = ttlSeconds * 1000;
  }

  /**
   * Serves one page. `scope` ties a token to the list (and filters) it was issued for; `ids` is
   * called only for a first page. Returns undefined when the token is unknown, expired or was
   * issued for another list.
   */
  page(
    scope: string,
    nextPageToken: string | undefined,
    pageSize: number,
    ids: () => readonly string[],
  ): Page | undefined {
    let all: readonly string[];
    let offset: number;
    if (nextPageToken === undefined || nextPageToken === '') {
      all = ids();
      offset = 0;
    } else {
      const cursor = this.#cursors.get(nextPageToken);
      if (cursor === undefined || cursor.scope !== scope || this.#clock.now() >= cursor.expiresAt)
        return undefined;
      all = cursor.ids;
      offset = cursor.offset;
    }
    const end = offset + pageSize;
    const token =
      end < all.length
        ? this.#issue({ scope, ids: all, offset: end, expiresAt: this.#clock.now() + this.#ttlMs })
        : '';
    return { ids: all.slice(offset, end), nextPageToken: token, pageSize, total: all.length };
  }

  #issue(cursor: Cursor): string {
    if (this.#cursors.size >= purgeThreshold) this.#purgeExpired();
    let token = '';
    for (let index = 0; index < 35; index += 1) token += this.#random.pick(tokenCharacters);
    this.#cursors.set(token, cursor);
    return token;
  }

  #purgeExpired(): void {
    const now = this.#clock.now();
    for (const [token, cursor] of this.#cursors) {
      if (now >= cursor.expiresAt) this.#cursors.delete(token);
    }
  }
}
