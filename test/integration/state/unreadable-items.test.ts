import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { InMemoryMetrics } from '../../../shared/observability/metrics.ts';
import { StuckRecordingSweep } from '../../../shared/polling/stuck-sweep.ts';
import { OutboxRepository } from '../../../shared/recordings/outbox.ts';
import { RecordingQueries } from '../../../shared/recordings/queries.ts';
import { RECORDING_SCHEMA_VERSION } from '../../../shared/recordings/recording.ts';
import { RecordingRepository } from '../../../shared/recordings/repository.ts';
import { documentClientOf } from '../../../shared/table/document-client.ts';
import { duePollIndexEntry, outboxIndexEntry, stuckWatchIndexEntry } from '../../../shared/table/keys.ts';
import { take } from '../../../shared/table/query.ts';
import { RecordingPublisher } from '../../helpers/polling-publisher.ts';
import { ManualClock } from '../../helpers/shared-manual-clock.ts';
import { collectUnreadable } from '../../helpers/unreadable-items.ts';
import { pollSettings } from '../../unit/polling/support/fixtures.ts';
import { CapturingLogger } from '../../unit/zoom/support/capturing-logger.ts';
import { aNewRecording } from './recording-helpers.ts';
import { useStateTable } from './state-table-fixture.ts';

/**
 * One stored item that cannot be read (corrupt, or written by a newer schema version) is reported
 * with its keys and skipped by every loop over stored items: the run goes on to the items after it.
 */
const HOUR = 3_600_000;
const start = Date.parse('2025-01-10T08:00:00Z');
const clock = new ManualClock(start);
const fixture = useStateTable();
let repository: RecordingRepository;

beforeAll(() => {
  repository = new RecordingRepository(fixture.client, { tableName: fixture.tableName, clock });
});

/** Writes a raw item in the work index partition `entry` names, the way a bug or a newer release could. */
async function putRaw(
  key: string,
  entry: { partitionKey: string; sortKey: string },
  item: Record<string, unknown>,
) {
  await documentClientOf(fixture.client).send(
    new PutCommand({
      TableName: fixture.tableName,
      Item: { pk: key, sk: key, gsi5pk: entry.partitionKey, gsi5sk: entry.sortKey, ...item },
    }),
  );
}

describe('an unreadable item', () => {
  it('is skipped, with its keys reported, by the stuck sweep, and the sweep ends the stuck recording after it', async () => {
    // Prepare: a corrupt and a newer-schema recording idle longest, then a real stuck one.
    clock.set(start);
    await putRaw('REC#corrupt', stuckWatchIndexEntry('corrupt', start - 3 * HOUR), {
      type: 'recording',
      status: 42,
    });
    await putRaw('REC#future', stuckWatchIndexEntry('future', start - 2 * HOUR), {
      type: 'recording',
      schemaVersion: RECORDING_SCHEMA_VERSION + 1,
    });
    const { recording: stuck } = await repository.claim(aNewRecording({ zoomAccountId: 'acct-unreadable' }));
    clock.set(start + 7 * HOUR);
    const { skipped, onUnreadable } = collectUnreadable();
    const publisher = new RecordingPublisher();
    const sweep = new StuckRecordingSweep({
      queries: new RecordingQueries(fixture.client, { tableName: fixture.tableName, onUnreadable }),
      repository,
      publisher,
      settings: pollSettings().reconciler.stuck,
      clock,
      logger: new CapturingLogger(),
      metrics: new InMemoryMetrics(),
    });

    // Act
    const first = await sweep.run();
    const second = await sweep.run();

    // Assess
    expect(first.stuckEnded).toBe(1);
    expect((await repository.get(stuck.recordingId))?.status).toBe('FAILED');
    expect(second.stuckEnded).toBe(0);
    expect(skipped.map((item) => item.pk)).toEqual([
      'REC#corrupt',
      'REC#future',
      'REC#corrupt',
      'REC#future',
    ]);
    expect(skipped[1]?.problem).toContain(`schema version ${RECORDING_SCHEMA_VERSION + 1}`);
  });

  it('is skipped by the due-poll listing and by the pending outbox listing, the readable items after it still listed', async () => {
    // Prepare
    // Before everything the first test wrote, so the readable items come after the unreadable ones.
    const dueAt = Date.parse('2025-01-01T00:00:00Z');
    await putRaw('REC#bad-poll', duePollIndexEntry('bad-poll', dueAt - HOUR), { type: 'recording' });
    await putRaw('NOTE#bad', outboxIndexEntry('bad', dueAt - HOUR), {
      type: 'notification',
      state: 'PENDING',
    });
    await putRaw('NOTE#future', outboxIndexEntry('future', dueAt), {
      type: 'notification',
      state: 'PENDING',
      schemaVersion: 99,
    });
    const { skipped, onUnreadable } = collectUnreadable();
    const queries = new RecordingQueries(fixture.client, { tableName: fixture.tableName, onUnreadable });
    const outbox = new OutboxRepository(fixture.client, { tableName: fixture.tableName, onUnreadable });

    // Act
    const duePolls = await take(queries.duePolls(dueAt), 100);
    const pending = await take(outbox.iteratePending(start + 30 * 24 * HOUR), 100);

    // Assess
    expect(duePolls).toEqual([]);
    // The stuck recording's FAILED notification, written by the first test, is still listed after them.
    expect(pending.map((notification) => notification.status)).toEqual(['FAILED']);
    expect(skipped.map((item) => item.pk)).toEqual(['REC#bad-poll', 'NOTE#bad', 'NOTE#future']);
  });
});
