import { describe, expect, it } from 'vitest';
import { byAttribute, mergeSorted, take } from '../../../shared/table/query.ts';

async function* fromArray<T>(values: readonly T[], reads: T[] = []): AsyncGenerator<T> {
  for (const value of values) {
    reads.push(value);
    yield value;
  }
}

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const values: T[] = [];
  for await (const value of source) {
    values.push(value);
  }
  return values;
}

const numeric = (left: number, right: number) => left - right;

describe('mergeSorted', () => {
  it('merges sorted sources into one sorted sequence', async () => {
    // Prepare
    const sources = [fromArray([1, 4, 9]), fromArray([2, 3, 10]), fromArray([]), fromArray([5])];

    // Act
    const merged = await collect(mergeSorted(sources, numeric));

    // Assess
    expect(merged).toEqual([1, 2, 3, 4, 5, 9, 10]);
  });

  it('reads each source only as far as the caller consumes', async () => {
    // Prepare
    const reads: number[] = [];
    const sources = [fromArray([1, 2, 3, 4], reads), fromArray([10, 20, 30], reads)];

    // Act
    const firstTwo = await take(mergeSorted(sources, numeric), 2);

    // Assess
    expect(firstTwo).toEqual([1, 2]);
    expect(reads).toEqual([1, 10, 2]);
  });

  it('merges newest first with a descending comparator', async () => {
    // Prepare
    const items = (values: string[]) => fromArray(values.map((sk) => ({ sk })));
    const sources = [items(['c', 'a']), items(['d', 'b'])];

    // Act
    const merged = await collect(mergeSorted(sources, byAttribute('sk', 'desc')));

    // Assess
    expect(merged.map((item) => item.sk)).toEqual(['d', 'c', 'b', 'a']);
  });
});

describe('take', () => {
  it('takes nothing for a count of zero', async () => {
    // Prepare
    const reads: number[] = [];

    // Act
    const taken = await take(fromArray([1, 2], reads), 0);

    // Assess
    expect(taken).toEqual([]);
    expect(reads).toEqual([]);
  });
});
