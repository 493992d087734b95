import {
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { translateDynamoError } from './dynamo-errors.ts';

/** A half-open time range `[from, to)` in epoch milliseconds. */
export interface TimeRange {
  readonly from: number;
  readonly to: number;
}

/** Reading order of a listing: oldest first (`asc`) or newest first (`desc`). */
export type ListOrder = 'asc' | 'desc';

/** Every item a query matches, page by page as the caller consumes them. */
export async function* queryItems(
  client: DynamoDBDocumentClient,
  input: QueryCommandInput,
  operation: string,
): AsyncGenerator<Record<string, unknown>> {
  let exclusiveStartKey: Record<string, unknown> | undefined;
  do {
    let page: QueryCommandOutput;
    try {
      page = await client.send(new QueryCommand({ ...input, ExclusiveStartKey: exclusiveStartKey }));
    } catch (error) {
      throw translateDynamoError(error, operation);
    }
    yield* page.Items ?? [];
    exclusiveStartKey = page.LastEvaluatedKey;
  } while (exclusiveStartKey !== undefined);
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
