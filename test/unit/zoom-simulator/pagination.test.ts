import { describe, expect, it } from 'vitest';
import { PageTokens } from '../../../local/zoom-simulator/pagination.ts';
import { createRandom } from '../../../local/zoom-simulator/random.ts';

describe('zoom simulator: next_page_token', () => {
  const ids = ['a', 'b', 'c', 'd', 'e'];

  function tokens(ttlSeconds = 900) {
    let now = Date.parse('2026-03-02T09:00:00Z');
    const clock = { now: () => now };
    return {
      store: new PageTokens(clock, createRandom(1, 'pages'), ttlSeconds),
      advance: (ms: number) => (now += ms),
    };
  }

  it('pages through a pinned result set and ends with an empty token', () => {
    // Prepare
    const { store } = tokens();
    let calls = 0;
    const source = () => {
      calls += 1;
      return ids;
    };

    // Act
    const first = store.page('list', undefined, 2, source);
    const second = store.page('list', first?.nextPageToken, 2, source);
    const last = store.page('list', second?.nextPageToken, 2, source);

    // Assess
    expect([first?.ids, second?.ids, last?.ids]).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(last?.nextPageToken).toBe('');
    expect(first?.total).toBe(5);
    expect(calls).toBe(1);
  });

  it('expires a token after its lifetime', () => {
    // Prepare
    const { store, advance } = tokens(60);
    const first = store.page('list', undefined, 2, () => ids);
    advance(59_999);
    const stillValid = store.page('list', first?.nextPageToken, 2, () => ids);
    advance(1);

    // Act
    const expired = store.page('list', first?.nextPageToken, 2, () => ids);

    // Assess
    expect(stillValid?.ids).toEqual(['c', 'd']);
    expect(expired).toBeUndefined();
  });

  it('refuses an unknown token and a token of another list', () => {
    // Prepare
    const { store } = tokens();
    const first = store.page('list', undefined, 2, () => ids);

    // Act
    const unknown = store.page('list', 'R4aF9Oj0fVM2hhezJTEmSKaBSkfesDwGy42', 2, () => ids);
    const crossed = store.page('other', first?.nextPageToken, 2, () => ids);

    // Assess
    expect(unknown).toBeUndefined();
    expect(crossed).toBeUndefined();
  });
});
