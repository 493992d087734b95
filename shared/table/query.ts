import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { stateTableDefinition } from './definition.ts';
import { translateDynamoError } from './dynamo-errors.ts';
import { indexKeyAttributes } from './keys.ts';

/** A half-open time range `[from, to)` in epoch milliseconds. */
export interface TimeRange {
  readonly from: number;
  readonly to: number;
}

/** Reading order of a listing: oldest first (`asc`) or newest first (`desc`). */
export type ListOrder = 'asc' | 'desc';

/** Items read from the table at once for a page of index entries. */
const ITEM_READS_AT_ONCE = 25;

/** A query on one of the state table's indexes. */
export type IndexQueryInput = QueryCommandInput & { readonly TableName: string; readonly IndexName: string };

/**
 * Every item an index query matches, in the index's order, page by page as the caller consumes
 * them. The indexes project keys only (definition.ts: an index entry is then rewritten only when
 * its keys change), so each entry of a page is read in full from the table, consistently; an item
 * that has left the entry's place in the index since (its index keys changed, or it was deleted)
 * is skipped, as it would no longer be listed there.
 */
export async function* queryIndexItems(
  client: DynamoDBDocumentClient,
  input: IndexQueryInput,
  operation: string,
): AsyncGenerator<Record<string, unknown>> {
  const indexKeys = indexKeyAttributes(input.IndexName);
  for await (const entries of queryPages(client, input, operation)) {
    // A few reads at a time: a page of keys may hold thousands, and the caller may stop early.
    for (let start = 0; start < entries.length; start += ITEM_READS_AT_ONCE) {
      const chunk = entries.slice(start, start + ITEM_READS_AT_ONCE);
      const items = await Promise.all(
        chunk.map((entry) => readIndexedItem(client, input.TableName, entry, operation)),
      );
      for (const [index, item] of items.entries()) {
        const entry = chunk[index];
        if (
          item !== undefined &&
          entry !== undefined &&
          item[indexKeys.partitionKey] === entry[indexKeys.partitionKey] &&
          item[indexKeys.sortKey] === entry[indexKeys.sortKey]
        ) {
          yield item;
        }
      }
    }
  }
}

/** Every item a query on the table itself (not an index) matches, page by page as the caller consumes them. */
export async function* queryTableItems(
  client: DynamoDBDocumentClient,
  input: QueryCommandInput,
  operation: string,
): AsyncGenerator<Record<string, unknown>> {
  for await (const items of queryPages(client, input, operation)) {
    yield* items;
  }
}

/** The pages of a query, each read only when the caller asks for it. */
async function* queryPages(
  client: DynamoDBDocumentClient,
  input: QueryCommandInput,
  operation: string,
): AsyncGenerator<Record<string, unknown>[]> {
  let exclusiveStartKey: Record<string, unknown> | undefined;
  do {
    let page: QueryCommandOutput;
    try {
      page = await client.send(new QueryCommand({ ...input, ExclusiveStartKey: exclusiveStartKey }));
    } catch (error) {
      throw translateDynamoError(error, operation);
    }
    yield page.Items ?? [];
    exclusiveStartKey = page.LastEvaluatedKey;
  } while (exclusiveStartKey !== undefined);
}

async function readIndexedItem(
  client: DynamoDBDocumentClient,
  tableName: string,
  entry: Record<string, unknown>,
  operation: string,
): Promise<Record<string, unknown> | undefined> {
  const { partitionKey, sortKey } = stateTableDefinition;
  try {
    const output = await client.send(
      new GetCommand({
        TableName: tableName,
        Key: { [partitionKey.name]: entry[partitionKey.name], [sortKey.name]: entry[sortKey.name] },
        ConsistentRead: true,
      }),
    );
    return output.Item;
  } catch (error) {
    throw translateDynamoError(error, operation);
  }
}

/**
 * Merges sources that are each sorted by `compare` into one sorted sequence, reading each source
 * only as far as needed: a query across shards returns one time-ordered listing.
 */
export async function* mergeSorted<T>(
  sources: readonly AsyncIterable<T>[],
  compare: (left: T, right: T) => number,
): AsyncGenerator<T> {
  const iterators = sources.map((source) => source[Symbol.asyncIterator]());
  const heads = await Promise.all(iterators.map((iterator) => iterator.next()));
  try {
    while (true) {
      let smallest = -1;
      for (const [index, head] of heads.entries()) {
        const best = smallest === -1 ? undefined : heads[smallest];
        if (!head.done && (best === undefined || best.done || compare(head.value, best.value) < 0)) {
          smallest = index;
        }
      }
      const winner = heads[smallest];
      const iterator = iterators[smallest];
      if (winner === undefined || winner.done || iterator === undefined) {
        return;
      }
      yield winner.value;
      heads[smallest] = await iterator.next();
    }
  } finally {
    await Promise.all(iterators.map((iterator) => iterator.return?.()));
  }
}

/**
 * Orders items by one string attribute (an index sort key), the way DynamoDB orders them for
 * the ASCII keys this table uses.
 */
export function byAttribute(
  attribute: string,
  order: ListOrder,
): (left: Record<string, unknown>, right: Record<string, unknown>) => number {
  const direction = order === 'asc' ? 1 : -1;
  return (left, right) => {
    const leftValue = String(left[attribute]);
    const rightValue = String(right[attribute]);
    if (leftValue === rightValue) {
      return 0;
    }
    return (leftValue < rightValue ? -1 : 1) * direction;
  };
}

/** The first `count` values of a sequence. */
export async function take<T>(source: AsyncIterable<T>, count: number): Promise<T[]> {
  const taken: T[] = [];
  if (count <= 0) {
    return taken;
  }
  for await (const value of source) {
    taken.push(value);
    if (taken.length >= count) {
      break;
    }
  }
  return taken;
}
