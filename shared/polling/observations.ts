import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { parseStoredItem, resultsReferenceSchema } from '../recordings/recording.ts';
import { stateTableDefinition } from '../table/definition.ts';
import { documentClientOf } from '../table/document-client.ts';
import {
  conditionFailedItem,
  isConditionalCheckFailed,
  translateDynamoError,
} from '../table/dynamo-errors.ts';
import { recordingKey, shortHash } from '../table/keys.ts';
import * as z from '../zod.ts';
import { reportedEvaluationSchema } from './poll-message.ts';

/**
 * What a poll learns that a later poll needs and that Zoom cannot tell again: when this
 * submission's interaction was first seen analysed with no automated evaluation. The
 * NO_EVALUATION grace period runs from then, and later polls need no MEDIUM call to know the
 * analysis is done. Kept in the state table (the source of truth for polling), in a small item of
 * the recording's partition, one per submission, removed by TTL after the deadline.
 *
 * With webhooks on, also what the last detail read showed while automated evaluations were still
 * processing (the evaluation snapshot): the results collected from it and its automated
 * evaluations, so each `evaluation_completed` event of an evaluation it lists can complete it from
 * the event's own fields, and the last one finish the recording, without reading Zoom again.
 */
export interface PollObservations {
  /** When the submission's interaction was first seen analysed, if it was. */
  analysisSeenAt(recordingId: string, submission: number): Promise<number | undefined>;
  /** Records the first sighting; returns the time that counts (an earlier one, if another poll recorded it). */
  recordAnalysisSeen(recordingId: string, submission: number, at: number, keepUntil: number): Promise<number>;
  /** Whether a webhook event (`signalKey`: its name, subject and Zoom's `event_ts`) was already handled. */
  signalHandled(recordingId: string, signalKey: string): Promise<boolean>;
  /** Records a webhook event as handled, once its work is done, so Zoom's retries of it are dropped. */
  recordSignalHandled(recordingId: string, signalKey: string, keepUntil: number): Promise<void>;
  /** The submission's evaluation snapshot, if a detail read left one. */
  evaluationSnapshot(recordingId: string, submission: number): Promise<EvaluationSnapshot | undefined>;
  /** Stores the submission's evaluation snapshot in place of the one before. */
  recordEvaluationSnapshot(
    recordingId: string,
    submission: number,
    snapshot: EvaluationSnapshot,
    keepUntil: number,
  ): Promise<void>;
  /** Forgets it (the interaction changed in a way it does not show): the next event reads the detail. */
  forgetEvaluationSnapshot(recordingId: string, submission: number): Promise<void>;
}

const evaluationSnapshotSchema = z.object({
  /** The results collected from the detail read (stored like results; no recording references them). */
  location: resultsReferenceSchema.shape.location,
  /** The automated evaluations that read listed, with the results events reported for them since. */
  automated: z.array(
    z.object({
      id: z.string().check(z.minLength(1)),
      status: z.optional(z.string()),
      reported: z.optional(reportedEvaluationSchema),
    }),
  ),
});

export type EvaluationSnapshot = z.output<typeof evaluationSnapshotSchema>;

/** The sort key prefix of observation items (`REC#<id>` / `POLL#<submission>`). */
export const POLL_OBSERVATION_SORT_KEY_PREFIX = 'POLL#';
export const POLL_OBSERVATION_ITEM_TYPE = 'POLL_OBSERVATION';
/** The sort key prefix of evaluation snapshots (`REC#<id>` / `EVALUATIONS#<submission>`). */
export const EVALUATION_SNAPSHOT_SORT_KEY_PREFIX = 'EVALUATIONS#';
export const EVALUATION_SNAPSHOT_ITEM_TYPE = 'EVALUATION_SNAPSHOT';
/** The sort key prefix of handled webhook events (`REC#<id>` / `SIGNAL#<hash of the event>`). */
export const SIGNAL_SORT_KEY_PREFIX = 'SIGNAL#';
export const SIGNAL_ITEM_TYPE = 'WEBHOOK_SIGNAL';

const observationSchema = z.object({ analysisSeenAt: z.int().check(z.nonnegative()) });

export class DynamoPollObservations implements PollObservations {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(client: DynamoDBClient, options: { readonly tableName: string }) {
    this.#client = documentClientOf(client);
    this.#tableName = options.tableName;
  }

  async analysisSeenAt(recordingId: string, submission: number): Promise<number | undefined> {
    const item = await this.#read(
      observationKey(recordingId, submission),
      `reading the poll observations of recording ${recordingId}`,
    );
    return item === undefined ? undefined : readObservation(item);
  }

  async recordAnalysisSeen(
    recordingId: string,
    submission: number,
    at: number,
    keepUntil: number,
  ): Promise<number> {
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: {
            ...observationKey(recordingId, submission),
            type: POLL_OBSERVATION_ITEM_TYPE,
            recordingId,
            submission,
            analysisSeenAt: at,
            [stateTableDefinition.timeToLiveAttribute]: Math.ceil(keepUntil / 1_000),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return at;
    } catch (error) {
      if (!isConditionalCheckFailed(error)) {
        throw translateDynamoError(error, `recording a poll observation of recording ${recordingId}`);
      }
      const existing = conditionFailedItem(error);
      return existing === undefined ? at : readObservation(existing);
    }
  }

  async signalHandled(recordingId: string, signalKey: string): Promise<boolean> {
    const item = await this.#read(
      signalItemKey(recordingId, signalKey),
      `reading the webhook events handled for recording ${recordingId}`,
    );
    return item !== undefined;
  }

  async recordSignalHandled(recordingId: string, signalKey: string, keepUntil: number): Promise<void> {
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: {
            ...signalItemKey(recordingId, signalKey),
            type: SIGNAL_ITEM_TYPE,
            recordingId,
            [stateTableDefinition.timeToLiveAttribute]: Math.ceil(keepUntil / 1_000),
          },
        }),
      );
    } catch (error) {
      throw translateDynamoError(error, `recording a webhook event handled for recording ${recordingId}`);
    }
  }

  async evaluationSnapshot(recordingId: string, submission: number): Promise<EvaluationSnapshot | undefined> {
    const item = await this.#read(
      snapshotKey(recordingId, submission),
      `reading the evaluation snapshot of recording ${recordingId}`,
    );
    // An item without its snapshot is one that was forgotten.
    return item === undefined || item['location'] === undefined
      ? undefined
      : parseStoredItem(evaluationSnapshotSchema, item, `Evaluation snapshot ${String(item['sk'])}`, 1);
  }

  async recordEvaluationSnapshot(
    recordingId: string,
    submission: number,
    snapshot: EvaluationSnapshot,
    keepUntil: number,
  ): Promise<void> {
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: {
            ...snapshotKey(recordingId, submission),
            type: EVALUATION_SNAPSHOT_ITEM_TYPE,
            recordingId,
            submission,
            ...evaluationSnapshotSchema.parse(snapshot),
            [stateTableDefinition.timeToLiveAttribute]: Math.ceil(keepUntil / 1_000),
          },
        }),
      );
    } catch (error) {
      throw translateDynamoError(error, `storing the evaluation snapshot of recording ${recordingId}`);
    }
  }

  /**
   * Empties the item rather than deleting it: the pipeline's functions are granted no DeleteItem,
   * and its TTL removes it anyway. Nothing to forget when there is no item.
   */
  async forgetEvaluationSnapshot(recordingId: string, submission: number): Promise<void> {
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: snapshotKey(recordingId, submission),
          UpdateExpression: 'REMOVE #location, automated',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#location': 'location' },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) {
        throw translateDynamoError(error, `forgetting the evaluation snapshot of recording ${recordingId}`);
      }
    }
  }

  /** One item of the recording's partition, read consistently (polls decide from it). */
  async #read(
    key: { readonly pk: string; readonly sk: string },
    doing: string,
  ): Promise<Record<string, unknown> | undefined> {
    try {
      const output = await this.#client.send(
        new GetCommand({ TableName: this.#tableName, Key: key, ConsistentRead: true }),
      );
      return output.Item;
    } catch (error) {
      throw translateDynamoError(error, doing);
    }
  }
}

function snapshotKey(recordingId: string, submission: number): { readonly pk: string; readonly sk: string } {
  return { pk: recordingKey(recordingId).pk, sk: `${EVALUATION_SNAPSHOT_SORT_KEY_PREFIX}${submission}` };
}

/** Event keys hold Zoom ids: hashed, so no id of Zoom's shapes the table's keys. */
function signalItemKey(recordingId: string, signalKey: string): { readonly pk: string; readonly sk: string } {
  return { pk: recordingKey(recordingId).pk, sk: `${SIGNAL_SORT_KEY_PREFIX}${shortHash(signalKey)}` };
}

function observationKey(
  recordingId: string,
  submission: number,
): { readonly pk: string; readonly sk: string } {
  return { pk: recordingKey(recordingId).pk, sk: `${POLL_OBSERVATION_SORT_KEY_PREFIX}${submission}` };
}

function readObservation(item: Record<string, unknown>): number {
  return parseStoredItem(observationSchema, item, `Poll observation ${String(item['sk'])}`, 1).analysisSeenAt;
}
