import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startDynamoDbLocal } from '../local/aws/dynamodb-local.ts';
import { localDynamoDbClient } from '../local/runtime/aws-clients.ts';
import type { Clock } from '../shared/clock.ts';
import { OutboxRepository } from '../shared/recordings/outbox.ts';
import type { NewRecording } from '../shared/recordings/recording.ts';
import { RecordingRepository } from '../shared/recordings/repository.ts';
import { describeUnreadable } from '../shared/recordings/unreadable.ts';
import { createStateTable } from '../shared/table/create-table.ts';
import {
  type IndexProjection,
  stateTableDefinition,
  type TableDefinition,
} from '../shared/table/definition.ts';
import { fixed, ratio, type Table } from './table.ts';

/**
 * What the state table's index projections cost in writes: the same life of an evaluated
 * recording (claim, ingest's POST marker, SUBMITTING, SUBMITTED, its polls, EVALUATED with its
 * outbox entry, the notification marked sent), written through the real repositories into two
 * tables on DynamoDB Local that differ only in their indexes' projection: ALL (the former
 * definition, the baseline) and the definition's own. Every write asks for its consumed capacity
 * (`ReturnConsumedCapacity: TOTAL`, which counts the index writes), summed per table.
 */

export interface TableWritesBenchOptions {
  readonly recordings: number;
  /** Polls before the evaluations are complete: each one reschedules the next. */
  readonly pollsPerRecording: number;
}

const REGION = 'us-east-1';
const WRITE_COMMANDS = new Set(['PutItemCommand', 'UpdateItemCommand', 'TransactWriteItemsCommand']);

interface CapacityTotals {
  writeUnits: number;
  readUnits: number;
}

export async function benchTableWrites(options: TableWritesBenchOptions): Promise<Table> {
  const dynamodb = await startDynamoDbLocal();
  try {
    const projectingAll = withProjection(stateTableDefinition, { type: 'ALL' });
    const baseline = await measure(dynamodb.endpoint, projectingAll, 'all', options);
    const current = await measure(dynamodb.endpoint, stateTableDefinition, 'current', options);
    const perRecording = (totals: CapacityTotals) => totals.writeUnits / options.recordings;
    const row = (label: string, totals: CapacityTotals) => [
      label,
      fixed(totals.writeUnits, 1),
      fixed(perRecording(totals), 2),
      ratio(perRecording(totals), perRecording(baseline)),
    ];
    const projections = [
      ...new Set(stateTableDefinition.globalSecondaryIndexes.map((index) => index.projection.type)),
    ].join(', ');
    return {
      title: `State table writes: write units per evaluated recording (${options.recordings} recordings, ${options.pollsPerRecording} polls each)`,
      header: ['index projection', 'write units', 'per evaluated recording', 'vs ALL'],
      rows: [row('ALL (baseline)', baseline), row(`${projections} (deployed)`, current)],
      notes: [
        'the same writes through the real repositories, into two tables on DynamoDB Local differing only in projection;',
        'units as DynamoDB reports them (ReturnConsumedCapacity TOTAL: the item and every index entry written)',
        `reads: ${fixed(current.readUnits / options.recordings, 2)} units per recording, the outbox listing's consistent read of each item it returns included (the same code reads both tables)`,
      ],
    };
  } finally {
    await dynamodb.stop();
  }
}

function withProjection(definition: TableDefinition, projection: IndexProjection): TableDefinition {
  return {
    ...definition,
    globalSecondaryIndexes: definition.globalSecondaryIndexes.map((index) => ({ ...index, projection })),
  };
}

async function measure(
  endpoint: string,
  definition: TableDefinition,
  label: string,
  options: TableWritesBenchOptions,
): Promise<CapacityTotals> {
  const client = localDynamoDbClient(endpoint, REGION);
  const totals: CapacityTotals = { writeUnits: 0, readUnits: 0 };
  countConsumedCapacity(client, totals);
  const tableName = `bench-writes-${label}`;
  try {
    await createStateTable(client, definition, tableName);
    const clock = steppingClock(Date.parse('2026-11-24T09:00:00Z'));
    const recordings = new RecordingRepository(client, { tableName, clock });
    const outbox = new OutboxRepository(client, {
      tableName,
      clock,
      onUnreadable: (item) => {
        throw new Error(`The bench wrote an unreadable item: ${describeUnreadable(item)}`);
      },
    });
    for (let index = 0; index < options.recordings; index++) {
      await liveOneEvaluatedRecording(recordings, outbox, clock, index, options.pollsPerRecording);
    }
    return totals;
  } finally {
    client.destroy();
  }
}

/** Sums the capacity every call reports into `totals`, asking each call to report it. */
function countConsumedCapacity(client: DynamoDBClient, totals: CapacityTotals): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { ReturnConsumedCapacity?: string };
      input.ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const reported = (result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
      const units = [reported ?? []]
        .flat()
        .reduce<number>(
          (sum, capacity) => sum + ((capacity as { CapacityUnits?: number }).CapacityUnits ?? 0),
          0,
        );
      if (WRITE_COMMANDS.has(context.commandName ?? '')) {
        totals.writeUnits += units;
      } else {
        totals.readUnits += units;
      }
      return result;
    },
    { step: 'initialize', name: 'countConsumedCapacity' },
  );
}

async function liveOneEvaluatedRecording(
  recordings: RecordingRepository,
  outbox: OutboxRepository,
  clock: SteppingClock,
  index: number,
  polls: number,
): Promise<void> {
  let { recording } = await recordings.claim(benchRecording(index, clock.now()));
  recording = await recordings.updateIngestWork(recording, {
    ownerDelivery: `delivery-${index}`,
    mayHavePosted: true,
  });
  recording = await recordings.transition(recording, { to: 'SUBMITTING', reason: 'bench: POST' });
  const submittedAt = clock.advance(1_000);
  recording = await recordings.transition(recording, {
    to: 'SUBMITTED',
    reason: 'bench: Zoom accepted the interaction',
    interactionId: `IX-bench-${index}`,
    urlExpiresAt: submittedAt + 21_600_000,
    poll: { nextPollDueAt: submittedAt + 60_000, deadlineAt: submittedAt + 86_400_000 },
  });
  for (let poll = 0; poll < polls; poll++) {
    const polledAt = clock.advance(60_000);
    recording = await recordings.schedulePoll(recording, {
      nextPollDueAt: polledAt + 60_000,
      countsAsAttempt: true,
    });
  }
  clock.advance(60_000);
  await recordings.transition(recording, {
    to: 'EVALUATED',
    reason: 'bench: evaluations completed',
    notification: { details: { evaluations: 2 } },
  });
  for await (const notification of outbox.iteratePending()) {
    await outbox.markSent(notification);
  }
}

function benchRecording(index: number, now: number): NewRecording {
  return {
    zoomAccountId: 'bench-account',
    profile: 'default',
    bucket: 'recordings',
    key: `calls/2026-11-24/agent-${index}@example.com/inbound-090000-${index}.mp3`,
    contentIdentity: { kind: 'checksum', value: `bench-${index}` },
    size: 1_048_576,
    contentType: 'audio/mpeg',
    receivedAt: now,
    metadata: {
      agentEmail: `agent-${index}@example.com`,
      queueId: 'queue-7',
      startTime: '2026-11-24T08:55:00Z',
    },
    reason: 'S3 ObjectCreated:Put',
  };
}

interface SteppingClock extends Clock {
  advance(ms: number): number;
}

/** A clock the bench moves on by hand, so both tables see the same times. */
function steppingClock(start: number): SteppingClock {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
      return now;
    },
  };
}
