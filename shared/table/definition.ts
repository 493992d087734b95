/**
 * The one definition of the state table: keys, indexes, TTL and billing, as plain data.
 *
 * The CDK stack and the local runtime's CreateTable both read this object, so the table deployed
 * to AWS and the one created on DynamoDB Local cannot drift apart. CloudFormation can add only
 * one global secondary index per stack update and cannot change an index's keys or projection
 * afterwards, so the whole index set is settled here, before any item is written:
 *
 * - the base table keys (`pk`, `sk`) and every index key are generic strings, so new item types
 *   and new access patterns reuse them with a new key prefix instead of a new index;
 * - `gsi5` is the overloaded "work" index: it is sparse, and each kind of pending work (a due
 *   poll, a pending notification, later a due sweep) is one key prefix in it.
 *
 * Which index serves which access pattern is documented beside each index and in the README.
 */

/** The attribute types DynamoDB accepts for a key. The table uses strings only. */
export type KeyAttributeType = 'S' | 'N' | 'B';

/** A key attribute: its name and DynamoDB type. */
export interface KeyAttribute {
  readonly name: string;
  readonly type: KeyAttributeType;
}

/** Which attributes an index copies from the items it holds. */
export type IndexProjection =
  | { readonly type: 'ALL' }
  | { readonly type: 'KEYS_ONLY' }
  | { readonly type: 'INCLUDE'; readonly nonKeyAttributes: readonly string[] };

/** A global secondary index. */
export interface GlobalSecondaryIndexDefinition {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
  readonly projection: IndexProjection;
  /** The access patterns the index serves, for readers of the definition and the README. */
  readonly serves: string;
}

/** Everything that defines the table apart from its name, encryption key and removal policy. */
export interface TableDefinition {
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
  readonly billingMode: 'PAY_PER_REQUEST';
  /** Epoch seconds after which DynamoDB deletes the item (sent notifications, for example). */
  readonly timeToLiveAttribute: string;
  readonly globalSecondaryIndexes: readonly GlobalSecondaryIndexDefinition[];
}

function stringKey(name: string): KeyAttribute {
  return { name, type: 'S' };
}

/** The index names, by the access pattern each one serves. */
export const StateTableIndex = {
  byInteraction: 'gsi1',
  byStatus: 'gsi2',
  byAgent: 'gsi3',
  byAccount: 'gsi4',
  work: 'gsi5',
} as const;

/**
 * An index keyed on `<indexName>pk` and `<indexName>sk`, projecting keys only. A projection cannot
 * change once the index exists, so it is settled here: with ALL, every write to an item (a lease,
 * a poll schedule, a history entry) rewrote its whole copy in each of the up to five indexes
 * holding it, about six times the write cost and storage of the item alone. With KEYS_ONLY an
 * index entry is written only when the item's keys for that index change, and a listing reads
 * each item it returns in full from the table (`queryIndexItems`): every query parses whole
 * recordings and notifications, so no smaller INCLUDE list would serve one. `npm run bench` prints
 * the write units per evaluated recording under both projections.
 */
function genericIndex(indexName: string, serves: string): GlobalSecondaryIndexDefinition {
  return {
    indexName,
    partitionKey: stringKey(`${indexName}pk`),
    sortKey: stringKey(`${indexName}sk`),
    projection: { type: 'KEYS_ONLY' },
    serves,
  };
}

/** The state table. */
export const stateTableDefinition: TableDefinition = {
  partitionKey: stringKey('pk'),
  sortKey: stringKey('sk'),
  billingMode: 'PAY_PER_REQUEST',
  timeToLiveAttribute: 'expiresAt',
  globalSecondaryIndexes: [
    genericIndex(StateTableIndex.byInteraction, 'a recording by Zoom account and interaction id'),
    genericIndex(StateTableIndex.byStatus, 'recordings by status over a time range, sharded per UTC day'),
    genericIndex(StateTableIndex.byAgent, 'recordings by agent (hashed) over a time range'),
    genericIndex(StateTableIndex.byAccount, 'recordings by Zoom account over a time range'),
    genericIndex(
      StateTableIndex.work,
      'sparse, sharded work queues: polls due before T, notifications pending in the outbox',
    ),
  ],
};
