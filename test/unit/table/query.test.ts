import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { byAttribute, mergeSorted, queryIndexItems, take } from '../../../shared/table/query.ts';

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

describe('queryIndexItems', () => {
  /** One work-index partition through a client that the mock of DynamoDBDocumentClient answers. */
  const listWorkIndex = () =>
    queryIndexItems(
      DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' })),
      { TableName: 'state', IndexName: 'gsi5', KeyConditionExpression: '#pk = :pk' },
      'test',
    );
  const entry = (id: string, due: string) => ({
    pk: `REC#${id}`,
    sk: 'RECORDING',
    gsi5pk: 'DUE#0',
    gsi5sk: due,
  });

  it('reads each entry of the keys-only index in full, page by page, skipping items that have left their place', async () => {
    // Prepare
    const documents = mockClient(DynamoDBDocumentClient);
    documents
      .on(QueryCommand)
      .resolvesOnce({ Items: [entry('a', '1'), entry('b', '2')], LastEvaluatedKey: { pk: 'REC#b' } })
      .resolvesOnce({ Items: [entry('c', '3')] });
    documents.on(GetCommand, { Key: { pk: 'REC#a', sk: 'RECORDING' } }).resolves({
      Item: { ...entry('a', '1'), history: ['full item'] },
    });
    // b was rescheduled since the query: its entry now sits elsewhere in the index.
    documents.on(GetCommand, { Key: { pk: 'REC#b', sk: 'RECORDING' } }).resolves({ Item: entry('b', '9') });
    documents.on(GetCommand, { Key: { pk: 'REC#c', sk: 'RECORDING' } }).resolves({});

    // Act
    const items = await collect(listWorkIndex());

    // Assess
    expect(items).toEqual([{ ...entry('a', '1'), history: ['full item'] }]);
    expect(documents.commandCalls(QueryCommand).map((call) => call.args[0].input.ExclusiveStartKey)).toEqual([
      undefined,
      { pk: 'REC#b' },
    ]);
    expect(
      documents.commandCalls(GetCommand).every((call) => call.args[0].input.ConsistentRead === true),
    ).toBe(true);
    documents.restore();
  });

  it('reads a large page a few items at a time, no further than the caller reads', async () => {
    // Prepare
    const documents = mockClient(DynamoDBDocumentClient);
    const entries = Array.from({ length: 60 }, (_, index) =>
      entry(`r${index}`, String(index).padStart(2, '0')),
    );
    documents.on(QueryCommand).resolves({ Items: entries });
    documents.on(GetCommand).callsFake((input: { Key: { pk: string } }) => ({
      Item: entries.find((candidate) => candidate.pk === input.Key.pk),
    }));

    // Act
    const first = await take(listWorkIndex(), 1);

    // Assess
    expect(first).toEqual([entries[0]]);
    expect(documents.commandCalls(GetCommand)).toHaveLength(25);
    documents.restore();
  });
});
