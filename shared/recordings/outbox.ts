import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type Clock, systemClock } from '../clock.ts';
import { PermanentError } from '../errors.ts';
import { StateTableIndex, stateTableDefinition } from '../table/definition.ts';
import { documentClientOf } from '../table/document-client.ts';
import {
  conditionFailedItem,
  isConditionalCheckFailed,
  translateDynamoError,
} from '../table/dynamo-errors.ts';
import { ExpressionAttributes, updateExpression } from '../table/expressions.ts';
import {
  ItemType,
  indexKeyAttributes,
  notificationKey,
  outboxIndexEntry,
  outboxPartition,
} from '../table/keys.ts';
import { queryWorkQueue } from '../table/work-index.ts';
import { type Notification, parseNotification } from './notification.ts';
import { type OnUnreadableItem, readableItems } from './unreadable.ts';

/**
 * The outbox: notifications written with terminal transitions, waiting to be published. Pending
 * ones sit in the sparse work index (`OUTBOX#<shard>`), where the publisher's retry and the
 * reconciler find them; marking one sent takes it out of the index and lets TTL delete it later.
 */

/** How long a sent notification stays readable before TTL removes it, unless configured. */
export const DEFAULT_SENT_NOTIFICATION_RETENTION_MS = 30 * 86_400_000;

/** The item of a notification; a pending one carries its outbox index entry. */
export function toNotificationItem(notification: Notification): Record<string, unknown> {
  const attributes = indexKeyAttributes(StateTableIndex.work);
  const entry = outboxIndexEntry(notification.notificationId, notification.occurredAt);
  return {
    ...notificationKey(notification.recordingId, notification.notificationId),
    type: ItemType.notification,
    ...notification,
    ...(notification.state === 'PENDING'
      ? { [attributes.partitionKey]: entry.partitionKey, [attributes.sortKey]: entry.sortKey }
      : {}),
  };
}

export interface OutboxRepositoryOptions {
  readonly tableName: string;
  readonly clock?: Clock | undefined;
  /** How long a sent notification is kept for inspection before TTL deletes it. */
  readonly sentRetentionMs?: number | undefined;
  /** Told of each pending notification that cannot be read (it is skipped). */
  readonly onUnreadable: OnUnreadableItem;
}

/** Reads the pending notifications and marks them sent. */
export class OutboxRepository {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #clock: Clock;
  readonly #sentRetentionMs: number;
  readonly #onUnreadable: OnUnreadableItem;

  constructor(client: DynamoDBClient, options: OutboxRepositoryOptions) {
    this.#client = documentClientOf(client);
    this.#tableName = options.tableName;
    this.#clock = options.clock ?? systemClock;
    this.#sentRetentionMs = options.sentRetentionMs ?? DEFAULT_SENT_NOTIFICATION_RETENTION_MS;
    this.#onUnreadable = options.onUnreadable;
  }

  /**
   * Notifications still pending that were created before `createdBefore` (default: all), oldest
   * first across every shard. Served by the work index, so one written a moment ago may not be
   * listed yet (eventual consistency); the caller publishes those on its next pass.
   */
  iteratePending(createdBefore?: number): AsyncGenerator<Notification> {
    return readableItems(
      queryWorkQueue(this.#client, {
        tableName: this.#tableName,
        partitionOf: outboxPartition,
        before: createdBefore,
        operation: 'listing pending notifications',
      }),
      parseNotification,
      this.#onUnreadable,
    );
  }

  /**
   * Writes a pending notification that no terminal transition carries (an update of a finished
   * recording's results) unless one with its id exists: the id names what happened, so the same
   * update found twice is notified once. Returns whether this call wrote it.
   */
  async addIfAbsent(notification: Notification): Promise<boolean> {
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: toNotificationItem(notification),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) {
        return false;
      }
      throw translateDynamoError(error, `writing notification ${notification.notificationId}`);
    }
  }

  /** One notification, read consistently. */
  async get(recordingId: string, notificationId: string): Promise<Notification | undefined> {
    try {
      const output = await this.#client.send(
        new GetCommand({
          TableName: this.#tableName,
          Key: notificationKey(recordingId, notificationId),
          ConsistentRead: true,
        }),
      );
      return output.Item === undefined ? undefined : parseNotification(output.Item);
    } catch (error) {
      throw translateDynamoError(error, `reading notification ${notificationId}`);
    }
  }

  /**
   * Records that the notification message of a pending notification was published (its alert is
   * still to go). Idempotent; a notification already sent is returned as it is.
   */
  async markNotificationPublished(
    notification: Pick<Notification, 'recordingId' | 'notificationId'>,
  ): Promise<Notification> {
    return this.#updatePending(notification, 'recording the notification published', (names) => ({
      set: [`${names.name('notificationPublishedAt')} = ${names.value(this.#clock.now())}`],
      remove: [],
    }));
  }

  /**
   * Marks a notification published: out of the pending index, deleted by TTL after the retention.
   * Idempotent: marking an already-sent notification again changes nothing and succeeds, so a
   * publisher that crashed after publishing and before marking can simply mark it again.
   */
  async markSent(notification: Pick<Notification, 'recordingId' | 'notificationId'>): Promise<Notification> {
    const sentAt = this.#clock.now();
    const attributes = indexKeyAttributes(StateTableIndex.work);
    return this.#updatePending(notification, 'marking the notification sent', (names) => ({
      set: [
        `${names.name('state')} = ${names.value('SENT')}`,
        `${names.name('sentAt')} = ${names.value(sentAt)}`,
        `${names.name(stateTableDefinition.timeToLiveAttribute)} = ${names.value(Math.ceil((sentAt + this.#sentRetentionMs) / 1000))}`,
      ],
      remove: [names.name(attributes.partitionKey), names.name(attributes.sortKey)],
    }));
  }

  /**
   * One update of a notification still PENDING; a notification already sent is returned as it is
   * (so every update here is idempotent), one that does not exist is refused.
   */
  async #updatePending(
    notification: Pick<Notification, 'recordingId' | 'notificationId'>,
    operation: string,
    clauses: (names: ExpressionAttributes) => { readonly set: string[]; readonly remove: string[] },
  ): Promise<Notification> {
    const names = new ExpressionAttributes();
    const { set, remove } = clauses(names);
    try {
      const output = await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: notificationKey(notification.recordingId, notification.notificationId),
          UpdateExpression: updateExpression(set, remove),
          ConditionExpression: `${names.name('state')} = ${names.value('PENDING')}`,
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ...names.toInput(),
        }),
      );
      return parseNotification(output.Attributes ?? {});
    } catch (error) {
      if (!isConditionalCheckFailed(error)) {
        throw translateDynamoError(error, `${operation} (${notification.notificationId})`);
      }
      const found = conditionFailedItem(error);
      if (found === undefined) {
        throw new PermanentError(`Notification ${notification.notificationId} does not exist`);
      }
      return parseNotification(found);
    }
  }
}
