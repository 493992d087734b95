import { describe, expect, it } from 'vitest';
import { ZoomResponseSchemaError, ZoomValidationError } from '../../../shared/zoom/errors.ts';
import { dynamic, type FakeReply, json } from '../../helpers/fake-fetch.ts';
import { collect, Harness, rejectionOf } from './support/harness.ts';

const EXPIRED_TOKEN = json(400, { code: 300, message: 'The next page token is invalid or expired.' });

const interaction = (id: string) => ({
  start_time: '2026-03-10T09:00:00Z',
  interaction_info: { interaction_id: id },
});
const interactionsPage = (ids: readonly string[], next = '') =>
  json(200, {
    total_records: 7,
    page_size: ids.length,
    next_page_token: next,
    interactions: ids.map(interaction),
  });

/** Answers by page token: `pages[token ?? '']`, so the listing's requests decide what comes back. */
function byPageToken(pages: Readonly<Record<string, FakeReply>>): FakeReply {
  return (request) => {
    const token = request.url.searchParams.get('next_page_token') ?? '';
    const page = pages[token];
    if (page === undefined) {
      throw new Error(`unexpected page token ${token}`);
    }
    return page(request);
  };
}

const idsOf = (items: readonly { interaction_info: { interaction_id: string } }[]) =>
  items.map((item) => item.interaction_info.interaction_id);

describe('listings follow next_page_token', () => {
  it('yields every item of 3 pages in order, asking for the largest page', async () => {
    // Prepare
    const harness = new Harness();
    harness.http.route(
      'GET',
      '/v2/qm/interactions',
      byPageToken({
        '': interactionsPage(['a', 'b', 'c'], 'token-2'),
        'token-2': interactionsPage(['d', 'e'], 'token-3'),
        'token-3': interactionsPage(['f', 'g']),
      }),
    );

    // Act
    const items = await collect(harness.client.listInteractions({ from: '2026-03-01T00:00:00Z' }));

    // Assess
    expect(idsOf(items)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    const requests = harness.apiRequests();
    expect(requests.map((request) => request.url.searchParams.get('next_page_token'))).toEqual([
      null,
      'token-2',
      'token-3',
    ]);
    expect(requests.every((request) => request.url.searchParams.get('page_size') === '99')).toBe(true);
    expect(requests.every((request) => request.url.searchParams.get('from') === '2026-03-01T00:00:00Z')).toBe(
      true,
    );
  });

  it('follows automated and manual evaluation listings too', async () => {
    // Prepare
    const harness = new Harness();
    const evaluationsPage = (ids: string[], next = '') =>
      json(200, { next_page_token: next, data: ids.map((id) => ({ id })) });
    harness.http.route(
      'GET',
      '/v2/qm/automated_evaluations',
      byPageToken({ '': evaluationsPage(['a1'], 'n'), n: evaluationsPage(['a2']) }),
    );
    harness.http.route(
      'GET',
      '/v2/qm/evaluation',
      byPageToken({ '': evaluationsPage(['m1'], 'n'), n: evaluationsPage(['m2']) }),
    );

    // Act
    const automated = await collect(harness.client.listAutomatedEvaluations({ interaction_id: 'int-1' }));
    const manual = await collect(harness.client.listEvaluations({ page_size: 10 }));

    // Assess
    expect(automated.map((evaluation) => evaluation.id)).toEqual(['a1', 'a2']);
    expect(manual.map((evaluation) => evaluation.id)).toEqual(['m1', 'm2']);
    const manualRequests = harness
      .apiRequests()
      .filter((request) => request.url.pathname === '/v2/qm/evaluation');
    expect(manualRequests.map((request) => request.url.searchParams.get('page_size'))).toEqual(['10', '10']);
  });

  it('restarts from the first page when a page token expired, and yields each item once', async () => {
    // Prepare: the second page token has expired by the time it is used; on the restart the listing
    // has shifted (a new item "x" arrived first).
    const harness = new Harness();
    let firstPageServed = 0;
    harness.http.route(
      'GET',
      '/v2/qm/interactions',
      byPageToken({
        '': dynamic(() => {
          firstPageServed += 1;
          return firstPageServed === 1
            ? interactionsPage(['a', 'b'], 'old-2')
            : interactionsPage(['x', 'a'], 'new-2');
        }),
        'old-2': EXPIRED_TOKEN,
        'new-2': interactionsPage(['b', 'c'], 'new-3'),
        'new-3': interactionsPage(['d']),
      }),
    );

    // Act
    const items = await collect(harness.client.listInteractions());

    // Assess
    expect(idsOf(items)).toEqual(['a', 'b', 'x', 'c', 'd']);
    expect(harness.logger.fieldsOf('Zoom page token expired; listing restarts from the first page')).toEqual([
      { operation: 'listInteractions', restart: 1 },
    ]);
  });

  it('gives up after the configured number of restarts', async () => {
    // Prepare
    const harness = new Harness({ profile: { maxPageTokenRestarts: 2 } });
    harness.http.route(
      'GET',
      '/v2/qm/interactions',
      byPageToken({ '': interactionsPage(['a'], 'always-expired'), 'always-expired': EXPIRED_TOKEN }),
    );

    // Act
    const error = await rejectionOf(collect(harness.client.listInteractions()));

    // Assess
    expect(error).toBeInstanceOf(ZoomValidationError);
    expect(
      harness.apiRequests().filter((request) => !request.url.searchParams.has('next_page_token')),
    ).toHaveLength(3);
  });

  it('does not restart on a code 300 for the first page: the query itself is wrong', async () => {
    // Prepare
    const harness = new Harness();
    harness.http.route('GET', '/v2/qm/interactions', EXPIRED_TOKEN);

    // Act
    const error = await rejectionOf(collect(harness.client.listInteractions()));

    // Assess
    expect(error).toBeInstanceOf(ZoomValidationError);
    expect(harness.apiRequests()).toHaveLength(1);
  });

  it('stops with an error instead of looping when Zoom repeats the same page token', async () => {
    // Prepare
    const harness = new Harness();
    harness.http.route(
      'GET',
      '/v2/qm/interactions',
      byPageToken({ '': interactionsPage(['a'], 'same'), same: interactionsPage(['b'], 'same') }),
    );

    // Act
    const error = await rejectionOf(collect(harness.client.listInteractions()));

    // Assess
    expect(error).toBeInstanceOf(ZoomResponseSchemaError);
    expect(harness.apiRequests()).toHaveLength(2);
  });

  it('an empty listing yields nothing after one request', async () => {
    // Prepare
    const harness = new Harness();
    harness.http.route('GET', '/v2/qm/interactions', json(200, { total_records: 0, next_page_token: '' }));

    // Act
    const items = await collect(harness.client.listInteractions());

    // Assess
    expect(items).toEqual([]);
    expect(harness.apiRequests()).toHaveLength(1);
  });

  it('a listing is lazy: a consumer that stops early fetches no further page', async () => {
    // Prepare
    const harness = new Harness();
    harness.http.route(
      'GET',
      '/v2/qm/interactions',
      byPageToken({
        '': interactionsPage(['a', 'b'], 'p2'),
        p2: interactionsPage(['c'], 'p3'),
        p3: interactionsPage(['d']),
      }),
    );

    // Act
    const seen: string[] = [];
    for await (const item of harness.client.listInteractions()) {
      seen.push(item.interaction_info.interaction_id);
      if (seen.length === 2) {
        break;
      }
    }

    // Assess
    expect(seen).toEqual(['a', 'b']);
    expect(harness.apiRequests()).toHaveLength(1);
  });
});
