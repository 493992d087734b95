import { beforeAll, describe, expect, it } from 'vitest';
import { OutboxRepository } from '../../../shared/recordings/outbox.ts';
import { RecordingRepository } from '../../../shared/recordings/repository.ts';
import {
  IllegalTransitionError,
  isLegalTransition,
  isTerminal,
  RECORDING_STATUSES,
  startsNewSubmission,
} from '../../../shared/recordings/state-machine.ts';
import { ManualClock } from '../../helpers/shared-manual-clock.ts';
import { failOnUnreadable } from '../../helpers/unreadable-items.ts';
import { recordingIn, requestFor } from './recording-helpers.ts';
import { useStateTable } from './state-table-fixture.ts';

/**
 * Every pair of statuses, generated from the transition table: each legal transition is written
 * to DynamoDB Local and read back; each illegal one is refused and leaves the item as it was.
 */
const clock = new ManualClock(Date.parse('2026-11-24T10:00:00Z'));
const fixture = useStateTable();
let repository: RecordingRepository;
let outbox: OutboxRepository;

beforeAll(() => {
  repository = new RecordingRepository(fixture.client, { tableName: fixture.tableName, clock });
  outbox = new OutboxRepository(fixture.client, {
    tableName: fixture.tableName,
    clock,
    onUnreadable: failOnUnreadable,
  });
});

const legalPairs = RECORDING_STATUSES.flatMap((from) =>
  RECORDING_STATUSES.filter((to) => isLegalTransition(from, to)).map((to) => [from, to] as const),
);

describe('every legal transition', () => {
  it.each(legalPairs)('moves a recording from %s to %s', async (from, to) => {
    // Prepare
    const current = await recordingIn(repository, from, clock.now());

    // Act
    const written = await repository.transition(current, requestFor(current, to, clock.now()));

    // Assess
    const stored = await repository.get(current.recordingId);
    expect(stored).toEqual(written);
    expect(stored?.status).toBe(to);
    expect(stored?.submission).toBe(current.submission + (startsNewSubmission(from, to) ? 1 : 0));
    expect(stored?.history.at(-1)).toMatchObject({ from, to, submission: stored?.submission });
    expect(stored?.poll.pollSeq).toBe(current.poll.pollSeq + 1);
    const notification = await outbox.get(
      current.recordingId,
      `${current.recordingId}-${stored?.submission}`,
    );
    expect(notification?.status).toBe(isTerminal(to) ? to : undefined);
  });
});

describe('every illegal transition', () => {
  it.each(RECORDING_STATUSES)('is refused from %s, naming both states, and moves nothing', async (from) => {
    // Prepare
    const current = await recordingIn(repository, from, clock.now());
    const illegalTargets = RECORDING_STATUSES.filter((to) => !isLegalTransition(from, to));

    // Act
    const outcomes = await Promise.allSettled(
      illegalTargets.map((to) => repository.transition(current, requestFor(current, to, clock.now()))),
    );

    // Assess
    expect(illegalTargets.length).toBeGreaterThan(0);
    for (const [index, outcome] of outcomes.entries()) {
      const to = illegalTargets[index];
      expect(outcome.status, `${from} -> ${to}`).toBe('rejected');
      if (outcome.status === 'rejected') {
        expect(outcome.reason).toBeInstanceOf(IllegalTransitionError);
        expect(outcome.reason).toMatchObject({ from, to });
        expect(String(outcome.reason.message)).toContain(`Illegal transition ${from} -> ${to}`);
      }
    }
    expect(await repository.get(current.recordingId)).toEqual(current);
  });
});

describe('the automatic resubmission', () => {
  it('happens once per operator attempt and the second is refused', async () => {
    // Prepare
    const submitted = await recordingIn(repository, 'SUBMITTED', clock.now());
    const resubmitting = await repository.transition(submitted, {
      to: 'SUBMITTING',
      reason: 'never fetched',
    });
    const submittedAgain = await repository.transition(
      resubmitting,
      requestFor(resubmitting, 'SUBMITTED', clock.now()),
    );

    // Act
    const second = repository.transition(submittedAgain, { to: 'SUBMITTING', reason: 'never fetched again' });

    // Assess
    await expect(second).rejects.toThrow(
      'Illegal transition SUBMITTED -> SUBMITTING: the automatic resubmission was already used',
    );
    expect(await repository.get(submitted.recordingId)).toMatchObject({ status: 'SUBMITTED', submission: 2 });
  });

  it('is available again after an operator retry, with a new submission number each time', async () => {
    // Prepare
    let recording = await recordingIn(repository, 'SUBMITTED', clock.now());
    const steps = ['SUBMITTING', 'SUBMITTED', 'TIMED_OUT', 'RESUBMITTED', 'SUBMITTING', 'SUBMITTED'] as const;
    for (const step of steps) {
      recording = await repository.transition(recording, requestFor(recording, step, clock.now()));
    }

    // Act
    const automatic = await repository.transition(recording, { to: 'SUBMITTING', reason: 'never fetched' });

    // Assess
    expect(automatic).toMatchObject({ status: 'SUBMITTING', submission: 4, autoResubmissions: 1 });
    expect(automatic.history.map((entry) => entry.submission)).toEqual([1, 1, 1, 2, 2, 2, 3, 3, 3, 4]);
  });
});
