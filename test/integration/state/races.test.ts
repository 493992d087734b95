import { beforeAll, describe, expect, it } from 'vitest';
import { StaleWriteError, TransitionConflictError } from '../../../shared/recordings/errors.ts';
import { OutboxRepository } from '../../../shared/recordings/outbox.ts';
import { RecordingRepository } from '../../../shared/recordings/repository.ts';
import { ManualClock } from '../../helpers/shared-manual-clock.ts';
import { failOnUnreadable } from '../../helpers/unreadable-items.ts';
import { aNewRecording, recordingIn, requestFor } from './recording-helpers.ts';
import { useStateTable } from './state-table-fixture.ts';

/**
 * Concurrent and outdated writers on DynamoDB Local: exactly one of any number of racing writers
 * wins, and a write decided on an older submission or poll never moves the recording.
 */
const clock = new ManualClock(Date.parse('2026-11-24T10:00:00Z'));
const fixture = useStateTable();
let repositories: RecordingRepository[];
let outbox: OutboxRepository;

beforeAll(() => {
  // Separate instances, as separate Lambda containers would have.
  repositories = Array.from(
    { length: 5 },
    () => new RecordingRepository(fixture.client, { tableName: fixture.tableName, clock }),
  );
  outbox = new OutboxRepository(fixture.client, {
    tableName: fixture.tableName,
    clock,
    onUnreadable: failOnUnreadable,
  });
});

function repository(index = 0): RecordingRepository {
  const chosen = repositories[index % repositories.length];
  if (chosen === undefined) {
    throw new Error('no repository');
  }
  return chosen;
}

function outcomesOf(results: PromiseSettledResult<unknown>[]): { won: number; reasons: unknown[] } {
  return {
    won: results.filter((result) => result.status === 'fulfilled').length,
    reasons: results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : [])),
  };
}

describe('claiming a recording', () => {
  it('lets exactly one of many concurrent claims create it; the others get it back', async () => {
    // Prepare
    const input = aNewRecording();

    // Act
    const claims = await Promise.all(
      Array.from({ length: 10 }, (_, index) => repository(index).claim(input)),
    );

    // Assess
    expect(claims.filter((claim) => claim.claimed)).toHaveLength(1);
    expect(new Set(claims.map((claim) => claim.recording.recordingId)).size).toBe(1);
    expect(claims.every((claim) => claim.recording.status === 'RECEIVED')).toBe(true);
  });
});

describe('two writers racing the same transition', () => {
  it('lets exactly one move RECEIVED to SUBMITTING; the other lost a race', async () => {
    // Prepare
    const current = await recordingIn(repository(), 'RECEIVED', clock.now());

    // Act
    const results = await Promise.allSettled(
      [0, 1].map((index) =>
        repository(index).transition(current, { to: 'SUBMITTING', reason: `writer ${index}` }),
      ),
    );

    // Assess
    const { won, reasons } = outcomesOf(results);
    expect(won).toBe(1);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toBeInstanceOf(TransitionConflictError);
    expect(reasons[0]).toMatchObject({ current: { status: 'SUBMITTING' } });
    const stored = await repository().get(current.recordingId);
    expect(stored?.history.filter((entry) => entry.to === 'SUBMITTING')).toHaveLength(1);
  });

  it('lets exactly one of ten writers win a terminal transition, with exactly one notification', async () => {
    // Prepare
    const current = await recordingIn(repository(), 'SUBMITTED', clock.now());
    const targets = ['EVALUATED', 'TIMED_OUT', 'EVALUATION_FAILED', 'NO_EVALUATION', 'FAILED'] as const;

    // Act
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, index) => {
        const to = targets[index % targets.length] ?? 'FAILED';
        return repository(index).transition(current, requestFor(current, to, clock.now()));
      }),
    );

    // Assess
    const { won, reasons } = outcomesOf(results);
    expect(won).toBe(1);
    expect(reasons.every((reason) => reason instanceof TransitionConflictError)).toBe(true);
    const stored = await repository().get(current.recordingId);
    const notification = await outbox.get(current.recordingId, `${current.recordingId}-1`);
    expect(notification?.status).toBe(stored?.status);
    expect(stored?.history).toHaveLength(current.history.length + 1);
  });
});

describe('a stale writer', () => {
  it('from an older submission is refused and moves nothing', async () => {
    // Prepare
    const firstSubmission = await recordingIn(repository(), 'SUBMITTED', clock.now());
    const resubmitted = await repository().transition(firstSubmission, {
      to: 'SUBMITTING',
      reason: 'never fetched',
    });
    const secondSubmission = await repository().transition(
      resubmitted,
      requestFor(resubmitted, 'SUBMITTED', clock.now()),
    );

    // Act
    const late = repository(1).transition(firstSubmission, {
      to: 'EVALUATED',
      reason: 'late result of submission 1',
      notification: { details: {} },
    });

    // Assess
    await expect(late).rejects.toBeInstanceOf(StaleWriteError);
    await expect(late).rejects.toMatchObject({ staleBy: 'submission', current: { submission: 2 } });
    expect(await repository().get(firstSubmission.recordingId)).toEqual(secondSubmission);
    expect(await outbox.get(firstSubmission.recordingId, `${firstSubmission.recordingId}-1`)).toBeUndefined();
  });

  it('from an older poll is refused, for a new schedule and for a terminal transition alike', async () => {
    // Prepare
    const submitted = await recordingIn(repository(), 'SUBMITTED', clock.now());
    const messageSeq = submitted.poll.pollSeq;
    const rescheduled = await repository().schedulePoll(submitted, {
      nextPollDueAt: clock.now() + 120_000,
      countsAsAttempt: true,
      pollSeq: messageSeq,
    });

    // Act
    const [duplicateSchedule, duplicateVerdict] = await Promise.allSettled([
      repository(1).schedulePoll(submitted, {
        nextPollDueAt: clock.now() + 30_000,
        countsAsAttempt: true,
        pollSeq: messageSeq,
      }),
      repository(2).transition(submitted, {
        to: 'EVALUATED',
        reason: 'duplicate poll message',
        pollSeq: messageSeq,
        notification: { details: {} },
      }),
    ]);

    // Assess
    for (const outcome of [duplicateSchedule, duplicateVerdict]) {
      expect(outcome.status).toBe('rejected');
      if (outcome.status === 'rejected') {
        expect(outcome.reason).toBeInstanceOf(StaleWriteError);
        expect(outcome.reason).toMatchObject({ staleBy: 'poll' });
      }
    }
    expect(await repository().get(submitted.recordingId)).toEqual(rescheduled);
    expect(rescheduled.poll).toMatchObject({ pollSeq: messageSeq + 1, attempts: 1 });
  });

  it('lets one of five duplicated poll messages reschedule; the rest are stale', async () => {
    // Prepare
    const submitted = await recordingIn(repository(), 'SUBMITTED', clock.now());

    // Act
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, index) =>
        repository(index).schedulePoll(submitted, {
          nextPollDueAt: clock.now() + 60_000 + index,
          countsAsAttempt: true,
          pollSeq: submitted.poll.pollSeq,
        }),
      ),
    );

    // Assess
    const { won, reasons } = outcomesOf(results);
    expect(won).toBe(1);
    expect(reasons.every((reason) => reason instanceof StaleWriteError)).toBe(true);
    expect((await repository().get(submitted.recordingId))?.poll.attempts).toBe(1);
  });

  it('cannot move a recording that does not exist', async () => {
    // Prepare
    const ghost = await recordingIn(repository(), 'RECEIVED', clock.now());
    const vanished = { ...ghost, recordingId: 'never-claimed-recording' };

    // Act
    const attempt = repository().transition(vanished, { to: 'SUBMITTING', reason: 'go' });

    // Assess
    await expect(attempt).rejects.toThrow('Recording never-claimed-recording does not exist');
  });
});
