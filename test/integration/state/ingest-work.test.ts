import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { StaleWriteError, TransitionConflictError } from '../../../shared/recordings/errors.ts';
import { RECORDING_SCHEMA_VERSION } from '../../../shared/recordings/recording.ts';
import { toRecordingItem } from '../../../shared/recordings/recording-item.ts';
import { RecordingRepository } from '../../../shared/recordings/repository.ts';
import { documentClientOf } from '../../../shared/table/document-client.ts';
import { ManualClock } from '../../helpers/shared-manual-clock.ts';
import { aNewRecording, recordingIn } from './recording-helpers.ts';
import { useStateTable } from './state-table-fixture.ts';

/**
 * Ingest's record of its work on DynamoDB Local: written by the claim, the transition to
 * SUBMITTING and its own conditional update, removed when the recording moves on, and raced
 * fairly against the reconciler's sweep (exactly one of them lands).
 */
const clock = new ManualClock(Date.parse('2026-11-24T10:00:00Z'));
const fixture = useStateTable();
let repository: RecordingRepository;
let sweeper: RecordingRepository;

beforeAll(() => {
  repository = new RecordingRepository(fixture.client, { tableName: fixture.tableName, clock });
  sweeper = new RecordingRepository(fixture.client, { tableName: fixture.tableName, clock });
});

describe("ingest's record of its work", () => {
  it('is written by the claim for the owning delivery, and read back', async () => {
    // Act
    const { recording } = await repository.claim(aNewRecording({ ownerDelivery: 'message-1' }));

    // Assess
    const stored = await repository.get(recording.recordingId);
    expect(stored?.ingestWork).toEqual({ ownerDelivery: 'message-1', mayHavePosted: false });
    expect(stored?.reason).toBe('S3 ObjectCreated:Put');
  });

  it('records a wait with a conditional write that moves the write sequence on', async () => {
    // Prepare
    const { recording } = await repository.claim(aNewRecording({ ownerDelivery: 'message-1' }));
    const work = {
      ownerDelivery: 'message-1',
      mayHavePosted: false,
      waiting: { until: clock.now() + 3_600_000, cause: 'rate-limited' as const },
    };

    // Act
    const written = await repository.updateIngestWork(recording, work);

    // Assess
    const stored = await repository.get(recording.recordingId);
    expect(stored).toEqual(written);
    expect(stored?.ingestWork).toEqual(work);
    expect(stored?.poll.pollSeq).toBe(recording.poll.pollSeq + 1);
    expect(stored?.history).toEqual(recording.history);
  });

  it('lets exactly one of a recorded wait and the sweep ending the recording land', async () => {
    // Prepare
    const listed = await recordingIn(repository, 'SUBMITTING', clock.now());

    // Act
    const results = await Promise.allSettled([
      repository.updateIngestWork(listed, { ownerDelivery: 'message-1', mayHavePosted: true }),
      sweeper.transition(listed, {
        to: 'NEEDS_REVIEW',
        reason: 'stuck',
        notification: { details: { code: 'stuck' } },
      }),
    ]);

    // Assess
    const refused = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
    expect(refused).toHaveLength(1);
    expect(refused[0] instanceof StaleWriteError || refused[0] instanceof TransitionConflictError).toBe(true);
    const stored = await repository.get(listed.recordingId);
    const winner = results.findIndex((result) => result.status === 'fulfilled');
    expect(stored?.status).toBe(winner === 0 ? 'SUBMITTING' : 'NEEDS_REVIEW');
  });

  it('is removed when the recording leaves SUBMITTING', async () => {
    // Prepare
    const { recording } = await repository.claim(aNewRecording({ ownerDelivery: 'message-1' }));
    const submitting = await repository.transition(recording, {
      to: 'SUBMITTING',
      reason: 'ready',
      ingestWork: { ownerDelivery: 'message-1', mayHavePosted: true },
    });

    // Act
    await repository.transition(submitting, {
      to: 'REJECTED',
      reason: 'Zoom refused it',
      notification: { details: {} },
    });

    // Assess
    const stored = await repository.get(recording.recordingId);
    expect(submitting.ingestWork).toEqual({ ownerDelivery: 'message-1', mayHavePosted: true });
    expect(stored?.status).toBe('REJECTED');
    expect(stored?.ingestWork).toBeUndefined();
  });

  it('upgrades an item of schema version 1 on its next transition', async () => {
    // Prepare
    const { recording } = await repository.claim(aNewRecording());
    const { ingestWork: _none, ...legacy } = toRecordingItem({ ...recording, schemaVersion: 1 });
    await documentClientOf(fixture.client).send(
      new PutCommand({ TableName: fixture.tableName, Item: legacy }),
    );
    const read = await repository.get(recording.recordingId);
    if (read === undefined) throw new Error('the legacy item is gone');

    // Act
    await repository.transition(read, {
      to: 'SUBMITTING',
      reason: 'ready',
      ingestWork: { ownerDelivery: 'message-1', mayHavePosted: true },
    });

    // Assess
    const stored = await repository.get(recording.recordingId);
    expect(read.schemaVersion).toBe(1);
    expect(stored?.schemaVersion).toBe(RECORDING_SCHEMA_VERSION);
    expect(stored?.ingestWork).toEqual({ ownerDelivery: 'message-1', mayHavePosted: true });
  });
});
