import { createHash } from 'node:crypto';
import { PermanentError } from '../errors.ts';
import { stateTableDefinition } from './definition.ts';

/**
 * Key builders for every item and index entry of the state table. Keys are built only here, so
 * their layout is one readable list:
 *
 * | item                 | pk                     | sk                          |
 * |----------------------|------------------------|-----------------------------|
 * | recording            | `REC#<recordingId>`    | `RECORDING`                 |
 * | outbox notification  | `REC#<recordingId>`    | `NOTIFICATION#<id>`         |
 * | Zoom token           | `ZOOM#<accountId>`     | `TOKEN`                     |
 * | rate-limit bucket    | `ZOOM#<accountId>`     | `RATE#<label>`              |
 * | operator audit entry | `AUDIT`                | `<action>#<ISO time>#<id>`  |
 *
 * Index sort keys start with an ISO-8601 UTC time, so that string order is time order and a time
 * range is one key condition. User-supplied text (object keys, emails) never appears in a key:
 * recording ids and agent keys are hashes.
 */

/** The `type` attribute of each kind of item. */
export const ItemType = {
  recording: 'RECORDING',
  notification: 'NOTIFICATION',
  zoomToken: 'ZOOM_TOKEN',
  rateLimitBucket: 'RATE_LIMIT_BUCKET',
  audit: 'AUDIT',
} as const;

/** The base table key of an item. */
export interface PrimaryKey {
  readonly pk: string;
  readonly sk: string;
}

/** An index entry: the partition and sort key values an item carries for one index. */
export interface IndexEntry {
  readonly partitionKey: string;
  readonly sortKey: string;
}

/**
 * How many partitions one status on one day is spread over. Part of the stored key layout:
 * changing it means readers must query the old and the new count until old items age out.
 */
export const STATUS_SHARD_COUNT = 8;

/** How many partitions each work queue (due polls, pending notifications) is spread over. Same caveat. */
export const WORK_SHARD_COUNT = 8;

/** The longest time range one status query may cover: each day costs one query per shard. */
export const MAX_STATUS_QUERY_DAYS = 400;

const DAY_MS = 86_400_000;
/** The last millisecond toISOString renders with a four-digit year (9999-12-31T23:59:59.999Z). */
const MAX_SORTABLE_TIME_MS = 253_402_300_799_999;

export function recordingKey(recordingId: string): PrimaryKey {
  return { pk: recordingPk(recordingId), sk: 'RECORDING' };
}

export function notificationKey(recordingId: string, notificationId: string): PrimaryKey {
  return { pk: recordingPk(recordingId), sk: `NOTIFICATION#${segment(notificationId, 'notification id')}` };
}

export function zoomTokenKey(accountId: string): PrimaryKey {
  return { pk: zoomAccountPk(accountId), sk: 'TOKEN' };
}

export function rateLimitBucketKey(accountId: string, label: string): PrimaryKey {
  return { pk: zoomAccountPk(accountId), sk: `RATE#${segment(label, 'rate-limit label')}` };
}

/**
 * An operator's audit entry (`erase`): one partition for the environment (a few entries a day at
 * most), ordered by time within each action.
 */
export function auditKey(action: string, at: number, recordingId: string): PrimaryKey {
  return {
    pk: 'AUDIT',
    sk: `${segment(action, 'audit action')}#${sortableTime(at)}#${segment(recordingId, 'recording id')}`,
  };
}

/** The partition of a recording and its notifications. */
function recordingPk(recordingId: string): string {
  return `REC#${segment(recordingId, 'recording id')}`;
}

/** The partition of a Zoom account's shared token and rate-limit buckets. */
function zoomAccountPk(accountId: string): string {
  return `ZOOM#${segment(accountId, 'Zoom account id')}`;
}

/** The interaction index partition of one Zoom interaction (interaction ids are per account). */
export function interactionPartition(accountId: string, interactionId: string): string {
  return `INTERACTION#${segment(accountId, 'Zoom account id')}#${segment(interactionId, 'interaction id')}`;
}

/** The index entry that finds a recording by its Zoom interaction. */
export function interactionIndexEntry(
  accountId: string,
  interactionId: string,
  recordingId: string,
): IndexEntry {
  return { partitionKey: interactionPartition(accountId, interactionId), sortKey: recordingId };
}

/** The status index partition of one status, UTC day and shard. */
export function statusPartition(status: string, day: string, shard: number): string {
  return `STATUS#${segment(status, 'status')}#${day}#${shard}`;
}

/** The status index entry of a recording that entered `status` at `changedAt`. */
export function statusIndexEntry(status: string, changedAt: number, recordingId: string): IndexEntry {
  return {
    partitionKey: statusPartition(status, utcDay(changedAt), shardOf(recordingId, STATUS_SHARD_COUNT)),
    sortKey: timeSortKey(changedAt, recordingId),
  };
}

/** The agent index partition of one agent key (see {@link agentKeyOf}). */
export function agentPartition(agentKey: string): string {
  return `AGENT#${segment(agentKey, 'agent key')}`;
}

export function agentIndexEntry(agentKey: string, at: number, recordingId: string): IndexEntry {
  return { partitionKey: agentPartition(agentKey), sortKey: timeSortKey(at, recordingId) };
}

/** How a recording names its agent: by email, or by Zoom user id when no email is known. */
export type AgentReference = { readonly email: string } | { readonly id: string };

/**
 * A pseudonymous, stable key for an agent, so that an email address never appears in an index
 * key (keys show up in metrics, throttling reports and exports). Emails compare case-insensitively.
 * It is a plain hash, not a secret: anyone holding the email can compute it, which is what lets
 * the by-agent query work, and the item itself still holds the email for Zoom.
 */
export function agentKeyOf(agent: AgentReference): string {
  if ('email' in agent) {
    return `e.${shortHash(agent.email.trim().toLowerCase())}`;
  }
  return `i.${shortHash(agent.id.trim())}`;
}

export function accountPartition(accountId: string): string {
  return `ACCOUNT#${segment(accountId, 'Zoom account id')}`;
}

export function accountIndexEntry(accountId: string, receivedAt: number, recordingId: string): IndexEntry {
  return { partitionKey: accountPartition(accountId), sortKey: timeSortKey(receivedAt, recordingId) };
}

export function duePollPartition(shard: number): string {
  return `DUE#${shard}`;
}

/** The work index entry of a recording whose next poll is due at `dueAt`. */
export function duePollIndexEntry(recordingId: string, dueAt: number): IndexEntry {
  return workIndexEntry(duePollPartition, recordingId, dueAt);
}

export function stuckWatchPartition(shard: number): string {
  return `WATCH#${shard}`;
}

/**
 * The work index entry of a recording not yet submitted (RECEIVED, SUBMITTING, RESUBMITTED),
 * ordered by its last sign of life: the stuck sweep reads those idle the longest, whatever their age.
 */
export function stuckWatchIndexEntry(recordingId: string, lastSignOfLife: number): IndexEntry {
  return workIndexEntry(stuckWatchPartition, recordingId, lastSignOfLife);
}

export function lateCheckPartition(shard: number): string {
  return `LATE#${shard}`;
}

/** The work index entry of a finished recording whose late manual evaluations are next looked for at `at`. */
export function lateCheckIndexEntry(recordingId: string, at: number): IndexEntry {
  return workIndexEntry(lateCheckPartition, recordingId, at);
}

export function outboxPartition(shard: number): string {
  return `OUTBOX#${shard}`;
}

/** The work index entry of a notification pending in the outbox since `createdAt`. */
export function outboxIndexEntry(notificationId: string, createdAt: number): IndexEntry {
  return workIndexEntry(outboxPartition, notificationId, createdAt);
}

/** One piece of work in the work index: in the shard its id falls in, ordered by `at`. */
function workIndexEntry(partitionOf: (shard: number) => string, id: string, at: number): IndexEntry {
  return { partitionKey: partitionOf(shardOf(id, WORK_SHARD_COUNT)), sortKey: timeSortKey(at, id) };
}

/** The pk and sk attribute names of an index, read from the table definition. */
export function indexKeyAttributes(indexName: string): {
  readonly partitionKey: string;
  readonly sortKey: string;
} {
  const index = stateTableDefinition.globalSecondaryIndexes.find(
    (candidate) => candidate.indexName === indexName,
  );
  if (index === undefined) {
    throw new PermanentError(`The state table has no index named ${indexName}`);
  }
  return { partitionKey: index.partitionKey.name, sortKey: index.sortKey.name };
}

/** A stable shard in `[0, count)` for a value, from its SHA-256. */
export function shardOf(value: string, count: number): number {
  return createHash('sha256').update(value).digest().readUInt32BE(0) % count;
}

/** A sort key that orders by time, then by id (so two items at the same millisecond are distinct). */
export function timeSortKey(at: number, id: string): string {
  return `${sortableTime(at)}#${id}`;
}

/**
 * The bounds of a `BETWEEN` key condition selecting the half-open time range `[from, to)` of
 * {@link timeSortKey} values: a bare time sorts before every `<time>#<id>` that starts with it.
 */
export function timeRangeBounds(from: number, to: number): { readonly low: string; readonly high: string } {
  return { low: sortableTime(from), high: sortableTime(to) };
}

/** ISO-8601 UTC with milliseconds: fixed width, so string order is time order. */
export function sortableTime(at: number): string {
  if (!Number.isInteger(at) || at < 0 || at > MAX_SORTABLE_TIME_MS) {
    throw new PermanentError(`Time ${at} is outside the range the state table keys can order`);
  }
  return new Date(at).toISOString();
}

/** The UTC day (`yyyy-mm-dd`) of an instant. */
export function utcDay(at: number): string {
  return sortableTime(at).slice(0, 10);
}

/** The UTC days a half-open range `[from, to)` touches, oldest first. */
export function utcDaysOf(from: number, to: number): string[] {
  if (to <= from) {
    return [];
  }
  const firstDayStart = Math.floor(from / DAY_MS) * DAY_MS;
  const dayCount = Math.floor((to - 1 - firstDayStart) / DAY_MS) + 1;
  if (dayCount > MAX_STATUS_QUERY_DAYS) {
    throw new PermanentError(
      `A status query may cover at most ${MAX_STATUS_QUERY_DAYS} days; this one covers ${dayCount}`,
    );
  }
  return Array.from({ length: dayCount }, (_, index) => utcDay(firstDayStart + index * DAY_MS));
}

/** 128 bits of SHA-256 in base64url: short, key-safe, and collision-free at any realistic volume. */
export function shortHash(value: string): string {
  return createHash('sha256').update(value).digest().subarray(0, 16).toString('base64url');
}

/** Refuses values that would break the `#`-separated key layout. */
function segment(value: string, what: string): string {
  if (value.length === 0 || value.includes('#')) {
    throw new PermanentError(`A ${what} must be non-empty and must not contain '#'`);
  }
  return value;
}
