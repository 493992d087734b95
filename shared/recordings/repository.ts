import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { type Clock, systemClock } from '../clock.ts';
import { PermanentError } from '../errors.ts';
import { StateTableIndex } from '../table/definition.ts';
import { documentClientOf } from '../table/document-client.ts';
import {
  cancellationReasons,
  conditionFailedItem,
  isConditionalCheckFailed,
  isTransactionCanceled,
  translateDynamoError,
} from '../table/dynamo-errors.ts';
import { ExpressionAttributes, updateExpression } from '../table/expressions.ts';
import { indexKeyAttributes, interactionPartition, type PrimaryKey, recordingKey } from '../table/keys.ts';
import { queryIndexItems, take } from '../table/query.ts';
import {
  RecordingNotFoundError,
  RecordingRequestError,
  StaleWriteError,
  TransitionConflictError,
} from './errors.ts';
import { planIngestWork } from './ingest-work.ts';
import { toNotificationItem } from './outbox.ts';
import {
  type IngestWork,
  type NewRecording,
  parseRecording,
  RECORDING_SCHEMA_VERSION,
  type Recording,
  type ResultsReference,
  recordingSchema,
} from './recording.ts';
import { type RecordingIdentity, recordingIdOf } from './recording-id.ts';
import { recordingIndexAttributes, toRecordingItem, workIndexAttributes } from './recording-item.ts';
import {
  assertPollWithinDeadline,
  planTransition,
  type Transition,
  type TransitionPlan,
} from './transition.ts';

/** The outcome of a claim: either this caller created the recording, or it already existed. */
export type ClaimResult =
  | { readonly claimed: true; readonly recording: Recording }
  | { readonly claimed: false; readonly recording: Recording };

/** The next poll of a SUBMITTED recording. */
export interface PollSchedule {
  readonly nextPollDueAt: number;
  /** False for a poll that Zoom refused with 429: it does not use up the schedule. */
  readonly countsAsAttempt: boolean;
  /** The poll sequence the writer acted on (from the poll message); defaults to the recording's. */
  readonly pollSeq?: number | undefined;
}

/** Where a recording's results now live; the revision must grow with every amendment. */
export interface ResultsUpdate {
  readonly revision: number;
  readonly location: ResultsReference['location'];
}

/** What every write to a recording expects to find, so that it only lands on the state it was decided on. */
export interface Expectation {
  readonly status: Recording['status'];
  readonly submission: number;
  readonly pollSeq: number;
}

export interface RecordingRepositoryOptions {
  readonly tableName: string;
  readonly clock?: Clock | undefined;
}

/**
 * Reads and writes recordings in the state table. Every status change goes through
 * {@link RecordingRepository.transition}, which checks it against the state machine and writes it
 * with a condition on the status, submission and poll sequence the caller read: a write decided
 * on an outdated view never lands. A terminal transition is written in one transaction with its
 * outbox entry.
 */
export class RecordingRepository {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #clock: Clock;

  constructor(client: DynamoDBClient, options: RecordingRepositoryOptions) {
    this.#client = documentClientOf(client);
    this.#tableName = options.tableName;
    this.#clock = options.clock ?? systemClock;
  }

  /**
   * Creates the recording in RECEIVED unless a recording with the same identity exists. Exactly
   * one of any number of concurrent callers claims it; the others get the existing recording.
   */
  async claim(input: NewRecording): Promise<ClaimResult> {
    const recording = newRecordingOf(input, this.#clock.now());
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: toRecordingItem(recording),
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { claimed: true, recording };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) {
        throw translateDynamoError(error, `claiming recording ${recording.recordingId}`);
      }
      const existing = conditionFailedItem(error);
      return {
        claimed: false,
        recording:
          existing === undefined ? await this.#require(recording.recordingId) : parseRecording(existing),
      };
    }
  }

  /** The recording with this id, read consistently; undefined when there is none. */
  async get(recordingId: string): Promise<Recording | undefined> {
    let item: Record<string, unknown> | undefined;
    try {
      const output = await this.#client.send(
        new GetCommand({ TableName: this.#tableName, Key: recordingKey(recordingId), ConsistentRead: true }),
      );
      item = output.Item;
    } catch (error) {
      throw translateDynamoError(error, `reading recording ${recordingId}`);
    }
    return item === undefined ? undefined : parseRecording(item);
  }

  /** The recording of these bytes at this key, if it was ever claimed (one GetItem: the id is derived). */
  getByIdentity(identity: RecordingIdentity): Promise<Recording | undefined> {
    return this.get(recordingIdOf(identity));
  }

  /**
   * The recording Zoom knows as `interactionId` in `accountId`. Served by an index, so it may
   * lag a just-written SUBMITTED by a moment (eventual consistency).
   */
  async findByInteraction(accountId: string, interactionId: string): Promise<Recording | undefined> {
    const attributes = indexKeyAttributes(StateTableIndex.byInteraction);
    const found = await take(
      queryIndexItems(
        this.#client,
        {
          TableName: this.#tableName,
          IndexName: StateTableIndex.byInteraction,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': attributes.partitionKey },
          ExpressionAttributeValues: {
            ':pk': interactionPartition(accountId, interactionId),
          },
        },
        `finding the recording of interaction ${interactionId}`,
      ),
      2,
    );
    if (found.length > 1) {
      throw new PermanentError(
        `More than one recording claims interaction ${interactionId} of account ${accountId}`,
      );
    }
    const [item] = found;
    return item === undefined ? undefined : parseRecording(item);
  }

  /**
   * Moves `current` (the recording as the caller read it) to `transition.to`. Throws
   * IllegalTransitionError when the state machine forbids it, StaleWriteError when the recording
   * has moved to a later submission or poll, TransitionConflictError when another writer made a
   * transition first, RecordingNotFoundError when it is gone. Returns the recording as written
   * (after a terminal transition, a transaction that returns nothing, its `results` reference is
   * the one `current` had).
   */
  async transition(current: Recording, transition: Transition): Promise<Recording> {
    const plan = planTransition(current, transition, this.#clock.now());
    const update = this.#transitionUpdate(plan);
    if (plan.notification === undefined) {
      return this.#update(
        update,
        plan.next.recordingId,
        plan.expected,
        `moving recording to ${plan.next.status}`,
      );
    }
    try {
      await this.#client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Update: { ...update, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
            {
              Put: {
                TableName: this.#tableName,
                Item: toNotificationItem(plan.notification),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
    } catch (error) {
      throw this.#transactionRefusal(error, plan);
    }
    return plan.next;
  }

  /**
   * Schedules the next poll of a SUBMITTED recording and moves its poll sequence on, so the
   * message that carried the previous sequence, and any duplicate of it, is stale from now on.
   */
  async schedulePoll(current: Recording, schedule: PollSchedule): Promise<Recording> {
    const { expected, next } = planPollSchedule(current, schedule, this.#clock.now());
    return this.#setIfExpected(current.recordingId, expected, 'scheduling a poll', (names) => [
      `${names.name('poll')} = ${names.value(next.poll)}`,
      `${names.name('updatedAt')} = ${names.value(next.updatedAt)}`,
      ...workIndexAssignments(names, next),
    ]);
  }

  /**
   * Records where the recording's results are, without touching its status: results are amended
   * (a late manual evaluation, a re-score) after the recording has finished. A revision not newer
   * than the stored one is refused with StaleWriteError, so a slow writer never overwrites a newer
   * amendment.
   */
  async setResults(recordingId: string, results: ResultsUpdate): Promise<Recording> {
    if (!Number.isInteger(results.revision) || results.revision < 1) {
      throw new RecordingRequestError('A results revision is a positive integer');
    }
    const names = new ExpressionAttributes();
    const reference: ResultsReference = { ...results, updatedAt: this.#clock.now() };
    const revision = names.value(results.revision);
    try {
      const output = await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: recordingKey(recordingId),
          UpdateExpression: updateExpression([`${names.name('results')} = ${names.value(reference)}`]),
          ConditionExpression: `attribute_exists(${names.name('pk')}) AND (attribute_not_exists(${names.name('results')}) OR ${names.path('results', 'revision')} < ${revision})`,
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ...names.toInput(),
        }),
      );
      return parseRecording(output.Attributes ?? {});
    } catch (error) {
      if (!isConditionalCheckFailed(error)) {
        throw translateDynamoError(error, `storing the results reference of recording ${recordingId}`);
      }
      const found = conditionFailedItem(error);
      if (found === undefined) {
        throw new RecordingNotFoundError(recordingId);
      }
      throw new StaleWriteError(parseRecording(found), 'results revision', results.revision);
    }
  }

  /**
   * Sets (or, with undefined, ends) a finished recording's check for late manual evaluations,
   * with its work index entry, as long as the recording is still as `current` says.
   */
  async setLateEvaluationCheck(
    current: Recording,
    check: NonNullable<Recording['lateEvaluationCheck']> | undefined,
  ): Promise<Recording> {
    const { lateEvaluationCheck: _previous, ...rest } = current;
    const next: Recording = check === undefined ? rest : { ...rest, lateEvaluationCheck: check };
    const names = new ExpressionAttributes();
    const workIndex = indexKeyAttributes(StateTableIndex.work);
    const expected = {
      status: current.status,
      submission: current.submission,
      pollSeq: current.poll.pollSeq,
    };
    const set =
      check === undefined
        ? []
        : [
            `${names.name('lateEvaluationCheck')} = ${names.value(check)}`,
            ...workIndexAssignments(names, next),
          ];
    const remove =
      check === undefined
        ? [
            names.name('lateEvaluationCheck'),
            names.name(workIndex.partitionKey),
            names.name(workIndex.sortKey),
          ]
        : [];
    return this.#update(
      {
        TableName: this.#tableName,
        Key: recordingKey(current.recordingId),
        UpdateExpression: updateExpression(set, remove),
        ConditionExpression: expectationCondition(names, expected),
        ...names.toInput(),
      },
      current.recordingId,
      expected,
      'recording a check for late evaluations',
    );
  }

  /**
   * Rewrites ingest's record of its work on a recording it owns (RECEIVED or SUBMITTING): that it
   * waits for a re-send until `waiting.until`, or that a POST is about to be made. Conditional on
   * the recording being as `current` says, and it moves the write sequence on, so a writer that
   * decided on the recording before this (a duplicate delivery, the reconciler's sweep of stuck
   * recordings) is refused: StaleWriteError or TransitionConflictError, as for a transition.
   */
  async updateIngestWork(current: Recording, work: IngestWork): Promise<Recording> {
    const { expected, next } = planIngestWork(current, work, this.#clock.now());
    return this.#setIfExpected(current.recordingId, expected, "recording ingest's work", (names) => [
      `${names.name('ingestWork')} = ${names.value(next.ingestWork)}`,
      `${names.name('schemaVersion')} = ${names.value(next.schemaVersion)}`,
      `${names.name('updatedAt')} = ${names.value(next.updatedAt)}`,
      `${names.path('poll', 'pollSeq')} = ${names.value(next.poll.pollSeq)}`,
      // The stuck sweep's watch follows the recording's last sign of life.
      ...workIndexAssignments(names, next),
    ]);
  }

  async #require(recordingId: string): Promise<Recording> {
    const recording = await this.get(recordingId);
    if (recording === undefined) {
      throw new RecordingNotFoundError(recordingId);
    }
    return recording;
  }

  #transitionUpdate(plan: TransitionPlan): UpdateInput {
    const { next } = plan;
    const names = new ExpressionAttributes();
    const assign = (attribute: string, value: unknown) => `${names.name(attribute)} = ${names.value(value)}`;
    const indexes = recordingIndexAttributes(next);
    const set = [
      assign('schemaVersion', next.schemaVersion),
      assign('status', next.status),
      assign('submission', next.submission),
      assign('autoResubmissions', next.autoResubmissions),
      assign('statusChangedAt', next.statusChangedAt),
      assign('updatedAt', next.updatedAt),
      assign('reason', next.reason),
      assign('metadata', next.metadata),
      assign('poll', next.poll),
      `${names.name('history')} = list_append(${names.name('history')}, ${names.value([plan.historyEntry])})`,
      ...(next.interactionId === undefined ? [] : [assign('interactionId', next.interactionId)]),
      ...(next.urlExpiresAt === undefined ? [] : [assign('urlExpiresAt', next.urlExpiresAt)]),
      ...(next.ingestWork === undefined ? [] : [assign('ingestWork', next.ingestWork)]),
      ...Object.entries(indexes.set).map(([attribute, value]) => assign(attribute, value)),
    ];
    // A status change ends any check for late evaluations: a finished recording gets its own anew.
    const remove = [
      ...indexes.remove,
      'lateEvaluationCheck',
      ...(next.ingestWork === undefined ? ['ingestWork'] : []),
    ];
    return {
      TableName: this.#tableName,
      Key: recordingKey(next.recordingId),
      UpdateExpression: updateExpression(
        set,
        remove.map((attribute) => names.name(attribute)),
      ),
      ConditionExpression: expectationCondition(names, plan.expected),
      ...names.toInput(),
    };
  }

  /** Sets attributes of a recording with one update that holds only if it is still as `expected`. */
  #setIfExpected(
    recordingId: string,
    expected: Expectation,
    operation: string,
    assignments: (names: ExpressionAttributes) => string[],
  ): Promise<Recording> {
    const names = new ExpressionAttributes();
    const set = assignments(names);
    return this.#update(
      {
        TableName: this.#tableName,
        Key: recordingKey(recordingId),
        UpdateExpression: updateExpression(set),
        ConditionExpression: expectationCondition(names, expected),
        ...names.toInput(),
      },
      recordingId,
      expected,
      operation,
    );
  }

  async #update(
    update: UpdateInput,
    recordingId: string,
    expected: Expectation,
    operation: string,
  ): Promise<Recording> {
    try {
      const output = await this.#client.send(
        new UpdateCommand({
          ...update,
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return parseRecording(output.Attributes ?? {});
    } catch (error) {
      if (isConditionalCheckFailed(error)) {
        throw refusalFor(recordingId, expected, optionalRecording(conditionFailedItem(error)));
      }
      throw translateDynamoError(error, `${operation} (recording ${recordingId})`);
    }
  }

  #transactionRefusal(error: unknown, plan: TransitionPlan): Error {
    const recordingId = plan.next.recordingId;
    if (isTransactionCanceled(error)) {
      const [recordingOutcome, outboxOutcome] = cancellationReasons(error);
      if (recordingOutcome?.code === 'ConditionalCheckFailed') {
        return refusalFor(recordingId, plan.expected, optionalRecording(recordingOutcome.item));
      }
      if (outboxOutcome?.code === 'ConditionalCheckFailed') {
        return new PermanentError(
          `Recording ${recordingId} was not moved to ${plan.next.status}: its notification ${plan.notification?.notificationId} already exists`,
          { cause: error },
        );
      }
    }
    return translateDynamoError(error, `moving recording ${recordingId} to ${plan.next.status}`);
  }
}

/** A conditional update of one recording, usable alone or as an item of a transaction. */
interface UpdateInput {
  readonly TableName: string;
  readonly Key: PrimaryKey;
  readonly UpdateExpression: string;
  readonly ConditionExpression: string;
  readonly ExpressionAttributeNames: Record<string, string>;
  readonly ExpressionAttributeValues?: Record<string, unknown>;
}

/** The condition every write to a recording carries: it is still where the writer saw it. */
function expectationCondition(names: ExpressionAttributes, expected: Expectation): string {
  return [
    `${names.name('status')} = ${names.value(expected.status)}`,
    `${names.name('submission')} = ${names.value(expected.submission)}`,
    `${names.path('poll', 'pollSeq')} = ${names.value(expected.pollSeq)}`,
  ].join(' AND ');
}

function optionalRecording(item: Record<string, unknown> | undefined): Recording | undefined {
  return item === undefined ? undefined : parseRecording(item);
}

/**
 * Why a conditional write found the recording other than expected: gone; moved to a later
 * submission or poll (stale); or moved by a writer that acted on the same view (a lost race).
 */
export function refusalFor(
  recordingId: string,
  expected: Expectation,
  found: Recording | undefined,
): PermanentError {
  if (found === undefined) {
    return new RecordingNotFoundError(recordingId);
  }
  if (found.submission > expected.submission) {
    return new StaleWriteError(found, 'submission', expected.submission);
  }
  if (found.status === expected.status && found.poll.pollSeq > expected.pollSeq) {
    return new StaleWriteError(found, 'poll', expected.pollSeq);
  }
  return new TransitionConflictError(found, expected.status);
}

/**
 * The write that schedules the next poll of a SUBMITTED recording, decided without I/O so every
 * store (and the in-memory one of the tests) schedules alike: what the stored recording must still
 * be, and the recording with its poll sequence moved on and, for a counted poll, one more attempt.
 * A recording not SUBMITTED, or a due time that is not epoch milliseconds within the deadline, is
 * the caller's mistake.
 */
export function planPollSchedule(
  current: Recording,
  schedule: PollSchedule,
  now: number,
): { readonly expected: Expectation; readonly next: Recording } {
  if (current.status !== 'SUBMITTED') {
    throw new RecordingRequestError(
      `Polls are scheduled only for SUBMITTED recordings; ${current.recordingId} is ${current.status}`,
    );
  }
  if (!Number.isInteger(schedule.nextPollDueAt) || schedule.nextPollDueAt < 0) {
    throw new RecordingRequestError('A poll schedule needs nextPollDueAt as epoch milliseconds');
  }
  assertPollWithinDeadline(schedule.nextPollDueAt, current.poll.deadlineAt);
  const expected = {
    status: current.status,
    submission: current.submission,
    pollSeq: schedule.pollSeq ?? current.poll.pollSeq,
  };
  const next: Recording = {
    ...current,
    updatedAt: now,
    poll: {
      ...current.poll,
      pollSeq: current.poll.pollSeq + 1,
      attempts: current.poll.attempts + (schedule.countsAsAttempt ? 1 : 0),
      nextPollDueAt: schedule.nextPollDueAt,
    },
  };
  return { expected, next };
}

/**
 * A new recording in RECEIVED, as a claim writes it (owned by `input.ownerDelivery` when given),
 * checked against the schema: a request the schema refuses is a caller's mistake, named by field.
 */
export function newRecordingOf(input: NewRecording, now: number): Recording {
  if (input.reason.trim() === '') {
    throw new RecordingRequestError('A new recording needs a reason (e.g. the event that announced it)');
  }
  const { reason } = input;
  const candidate = {
    schemaVersion: RECORDING_SCHEMA_VERSION,
    recordingId: recordingIdOf(input),
    zoomAccountId: input.zoomAccountId,
    profile: input.profile,
    bucket: input.bucket,
    key: input.key,
    contentIdentity: input.contentIdentity,
    versionId: input.versionId,
    size: input.size,
    contentType: input.contentType,
    status: 'RECEIVED',
    submission: 1,
    autoResubmissions: 0,
    statusChangedAt: now,
    receivedAt: input.receivedAt,
    updatedAt: now,
    metadata: input.metadata ?? {},
    poll: { pollSeq: 0, attempts: 0 },
    reason,
    history: [{ at: now, from: null, to: 'RECEIVED', reason, submission: 1 }],
    ingestWork:
      input.ownerDelivery === undefined
        ? undefined
        : { ownerDelivery: input.ownerDelivery, mayHavePosted: false },
  };
  const result = recordingSchema.safeParse(candidate);
  if (!result.success) {
    const fields = result.error.issues.map((issue) => issue.path.join('.'));
    throw new RecordingRequestError(`A new recording is invalid at: ${fields.join(', ')}`);
  }
  return result.data;
}

/** `SET` clauses for the recording's work index entry as it is now. */
function workIndexAssignments(names: ExpressionAttributes, recording: Recording): string[] {
  return Object.entries(workIndexAttributes(recording)).map(
    ([attribute, value]) => `${names.name(attribute)} = ${names.value(value)}`,
  );
}
