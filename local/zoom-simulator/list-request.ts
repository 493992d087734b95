/**
 * What the three list operations share: the from/to window and page_size read with Zoom's
 * validation, the list's own filters, and the page served from the result set its
 * next_page_token pinned (an unknown or expired token is Zoom's code-300 error).
 */
import type { InteractionStore } from './interactions.ts';
import type { Page, PageTokens } from './pagination.ts';
import { QueryReader } from './query.ts';
import type { Body } from './render/common.ts';
import { type JsonResponse, zoomErrors } from './zoom-errors.ts';

export interface ListDependencies {
  readonly store: InteractionStore;
  readonly pageTokens: PageTokens;
  readonly defaultPageSize: number;
}

/** The from/to window of a list request, in epoch ms. */
export type TimeWindow = ReturnType<QueryReader['window']>;

/** One list operation: how it reads its filters, which items match, and how a page is rendered. */
export interface ListDefinition<Filters> {
  /** The operation's name; its page tokens are valid for it only. */
  readonly scope: string;
  readonly pageSizeLimit: Parameters<QueryReader['pageSize']>[1];
  /** Reads the list's own query parameters; a bad one is recorded on the reader. */
  readonly filters: (reader: QueryReader) => Filters;
  /** The ids of every matching item, in list order; called for a first page only. */
  readonly ids: (filters: Filters, window: TimeWindow) => readonly string[];
  readonly body: (page: Page) => Body;
}

export function serveList<Filters>(
  deps: ListDependencies,
  query: URLSearchParams,
  list: ListDefinition<Filters>,
): JsonResponse {
  const reader = new QueryReader(query);
  const window = reader.window();
  const pageSize = reader.pageSize(deps.defaultPageSize, list.pageSizeLimit);
  const filters = list.filters(reader);
  const error = reader.error();
  if (error !== undefined) return error;

  const page = deps.pageTokens.page(list.scope, reader.text('next_page_token'), pageSize, () =>
    list.ids(filters, window),
  );
  if (page === undefined) return zoomErrors.invalidNextPageToken();
  return { status: 200, body: list.body(page) };
}
