import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { StateTableIndex } from '../table/definition.ts';
import { documentClientOf } from '../table/document-client.ts';
import {
  type AgentReference,
  accountPartition,
  agentKeyOf,
  agentPartition,
  duePollPartition,
  indexKeyAttributes,
  lateCheckPartition,
  STATUS_SHARD_COUNT,
  statusPartition,
  stuckWatchPartition,
  timeRangeBounds,
  utcDaysOf,
} from '../table/keys.ts';
import { byAttribute, type ListOrder, mergeSorted, queryIndexItems, type TimeRange } from '../table/query.ts';
import { queryWorkQueue } from '../table/work-index.ts';
import { parseRecording, type Recording } from './recording.ts';
import type { RecordingStatus } from './state-machine.ts';
import { type OnUnreadableItem, readableItems } from './unreadable.ts';

/** How a listing reads: its order, and how many items each DynamoDB page holds. */
export interface ListOptions {
  readonly order?: ListOrder | undefined;
  readonly pageSize?: number | undefined;
}

/**
 * The listings the CLI, the reconciler and operators use. Each is served by one index (see the
 * table definition) and returns a lazy, time-ordered sequence: the caller stops reading when it
 * has enough, and only the pages it read were queried. Index reads are eventually consistent: a
 * write from a moment ago may not show yet.
 */
export class RecordingQueries {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #onUnreadable: OnUnreadableItem;

  constructor(
    client: DynamoDBClient,
    options: {
      readonly tableName: string;
      /** Told of each item a listing skips because it cannot be read. */
      readonly onUnreadable: OnUnreadableItem;
    },
  ) {
    this.#client = documentClientOf(client);
    this.#tableName = options.tableName;
    this.#onUnreadable = options.onUnreadable;
  }

  /**
   * Recordings that entered `status` within `range` (by when they entered it). Each UTC day of a
   * status is spread over {@link STATUS_SHARD_COUNT} partitions, so a busy day is no hot
   * partition; the listing reads every shard of each day and merges them in time order.
   */
  async *byStatus(
    status: RecordingStatus,
    range: TimeRange,
    options: ListOptions = {},
  ): AsyncGenerator<Recording> {
    const order = options.order ?? 'asc';
    const days = utcDaysOf(range.from, range.to);
    const attributes = indexKeyAttributes(StateTableIndex.byStatus);
    for (const day of order === 'asc' ? days : days.reverse()) {
      const shards = Array.from({ length: STATUS_SHARD_COUNT }, (_, shard) =>
        this.#timeRangeQuery(StateTableIndex.byStatus, statusPartition(status, day, shard), range, options),
      );
      yield* this.#parseEach(mergeSorted(shards, byAttribute(attributes.sortKey, order)));
    }
  }

  /**
   * Recordings of one agent within `range`, by the call's start time (or the drop time when the
   * start is unknown). The agent is looked up by the hash of its email, or of its Zoom user id
   * when the recording carried no email.
   */
  byAgent(agent: AgentReference, range: TimeRange, options: ListOptions = {}): AsyncGenerator<Recording> {
    return this.#parseEach(
      this.#timeRangeQuery(StateTableIndex.byAgent, agentPartition(agentKeyOf(agent)), range, options),
    );
  }

  /**
   * Recordings of one Zoom account dropped within `range`. One partition per account: its write
   * rate is the account's ingest rate, which Zoom's own rate limits keep far below a partition's.
   */
  byAccount(accountId: string, range: TimeRange, options: ListOptions = {}): AsyncGenerator<Recording> {
    return this.#parseEach(
      this.#timeRangeQuery(StateTableIndex.byAccount, accountPartition(accountId), range, options),
    );
  }

  /**
   * SUBMITTED recordings whose next poll is due at or before `dueBy`, the most overdue first,
   * across every shard of the sparse due-poll index (a recording is in it only while a poll is
   * scheduled). For the reconciler: lost messages, crashes between store and enqueue, deadlines.
   */
  duePolls(dueBy: number, options: Pick<ListOptions, 'pageSize'> = {}): AsyncGenerator<Recording> {
    return this.#parseEach(
      queryWorkQueue(this.#client, {
        tableName: this.#tableName,
        partitionOf: duePollPartition,
        before: dueBy + 1,
        pageSize: options.pageSize,
        operation: 'listing due polls',
      }),
    );
  }

  /**
   * Recordings not yet submitted (RECEIVED, SUBMITTING, RESUBMITTED) whose last sign of life is
   * before `idleBefore`, idle the longest first, across every shard of the work index's watch:
   * every such recording is in it, whatever its age.
   */
  stuckCandidates(
    idleBefore: number,
    options: Pick<ListOptions, 'pageSize'> = {},
  ): AsyncGenerator<Recording> {
    return this.#parseEach(
      queryWorkQueue(this.#client, {
        tableName: this.#tableName,
        partitionOf: stuckWatchPartition,
        before: idleBefore,
        pageSize: options.pageSize,
        operation: 'listing recordings not yet submitted',
      }),
    );
  }

  /** Finished recordings whose next look for late manual evaluations is due by `dueBy`, the most overdue first. */
  lateChecksDue(dueBy: number, options: Pick<ListOptions, 'pageSize'> = {}): AsyncGenerator<Recording> {
    return this.#parseEach(
      queryWorkQueue(this.#client, {
        tableName: this.#tableName,
        partitionOf: lateCheckPartition,
        before: dueBy + 1,
        pageSize: options.pageSize,
        operation: 'listing checks for late evaluations',
      }),
    );
  }

  #parseEach(items: AsyncIterable<Record<string, unknown>>): AsyncGenerator<Recording> {
    return readableItems(items, parseRecording, this.#onUnreadable);
  }

  async *#timeRangeQuery(
    indexName: string,
    partition: string,
    range: TimeRange,
    options: ListOptions,
  ): AsyncGenerator<Record<string, unknown>> {
    if (range.to <= range.from) {
      return;
    }
    const attributes = indexKeyAttributes(indexName);
    const bounds = timeRangeBounds(range.from, range.to);
    yield* queryIndexItems(
      this.#client,
      {
        TableName: this.#tableName,
        IndexName: indexName,
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :low AND :high',
        ExpressionAttributeNames: { '#pk': attributes.partitionKey, '#sk': attributes.sortKey },
        ExpressionAttributeValues: { ':pk': partition, ':low': bounds.low, ':high': bounds.high },
        ScanIndexForward: (options.order ?? 'asc') === 'asc',
        Limit: options.pageSize,
      },
      `listing ${indexName}`,
    );
  }
}
