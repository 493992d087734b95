import { isExpiredPageTokenError, ZoomResponseSchemaError } from './errors.ts';
import type { ZoomOperation } from './operations.ts';

/** One page of a listing: its items and the token of the next page (absent or empty on the last). */
export interface Page<TItem> {
  readonly items: readonly TItem[];
  readonly nextPageToken: string | undefined;
}

export interface PaginationPlan<TItem> {
  readonly operation: ZoomOperation;
  fetchPage(nextPageToken: string | undefined): Promise<Page<TItem>>;
  /** The item's id, to yield each item once across pages and restarts. */
  idOf(item: TItem): string;
  /** How many times the listing may restart from the first page after an expired page token. */
  readonly maxRestarts: number;
  onRestart(restart: number): void;
}

/**
 * Iterates a Zoom listing across `next_page_token`s. A page token expires after 15 minutes, so a
 * slow consumer can find it dead: the listing then restarts from the first page (at most
 * `maxRestarts` times) and skips the items it already yielded, so callers see each item once.
 * Items are also de-duplicated across pages, since a listing can shift while it is read.
 */
export async function* paginate<TItem>(plan: PaginationPlan<TItem>): AsyncGenerator<TItem, void, undefined> {
  const yielded = new Set<string>();
  let restarts = 0;
  let pageToken: string | undefined;
  while (true) {
    let page: Page<TItem>;
    try {
      page = await plan.fetchPage(pageToken);
    } catch (error) {
      if (pageToken !== undefined && isExpiredPageTokenError(error) && restarts < plan.maxRestarts) {
        restarts += 1;
        pageToken = undefined;
        plan.onRestart(restarts);
        continue;
      }
      throw error;
    }
    for (const item of page.items) {
      const id = plan.idOf(item);
      if (!yielded.has(id)) {
        yielded.add(id);
        yield item;
      }
    }
    const next =
      page.nextPageToken === undefined || page.nextPageToken === '' ? undefined : page.nextPageToken;
    if (next === undefined) {
      return;
    }
    if (next === pageToken) {
      // Asking again with the same token would loop forever.
      throw new ZoomResponseSchemaError({ operation: plan.operation }, [
        'next_page_token: repeats the token just used',
      ]);
    }
    pageToken = next;
  }
}
