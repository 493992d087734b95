import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { StateTableIndex } from './definition.ts';
import { indexKeyAttributes, sortableTime, WORK_SHARD_COUNT } from './keys.ts';
import { byAttribute, mergeSorted, queryIndexItems } from './query.ts';

/** Which pending work to read from the work index, and how. */
export interface WorkQueueQuery {
  readonly tableName: string;
  /** The partition of the kind of work in one shard (due polls, pending notifications). */
  readonly partitionOf: (shard: number) => string;
  /** Only the work whose time is before this instant (epoch ms); all of it when absent. */
  readonly before?: number | undefined;
  readonly pageSize?: number | undefined;
  /** What the read is for, named in a translated DynamoDB error. */
  readonly operation: string;
}

/**
 * One kind of pending work in the sparse work index, oldest first across every shard: each of
 * the {@link WORK_SHARD_COUNT} partitions is queried, read only as far as the caller reads, and
 * the shards are merged in time order.
 */
export function queryWorkQueue(
  client: DynamoDBDocumentClient,
  query: WorkQueueQuery,
): AsyncGenerator<Record<string, unknown>> {
  const attributes = indexKeyAttributes(StateTableIndex.work);
  const { before } = query;
  const shards = Array.from({ length: WORK_SHARD_COUNT }, (_, shard) =>
    queryIndexItems(
      client,
      {
        TableName: query.tableName,
        IndexName: StateTableIndex.work,
        KeyConditionExpression: before === undefined ? '#pk = :pk' : '#pk = :pk AND #sk < :before',
        ExpressionAttributeNames:
          before === undefined
            ? { '#pk': attributes.partitionKey }
            : { '#pk': attributes.partitionKey, '#sk': attributes.sortKey },
        ExpressionAttributeValues:
          before === undefined
            ? { ':pk': query.partitionOf(shard) }
            : { ':pk': query.partitionOf(shard), ':before': sortableTime(before) },
        Limit: query.pageSize,
      },
      query.operation,
    ),
  );
  return mergeSorted(shards, byAttribute(attributes.sortKey, 'asc'));
}
