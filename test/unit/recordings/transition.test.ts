import { describe, expect, it } from 'vitest';
import { RecordingRequestError } from '../../../shared/recordings/errors.ts';
import { planIngestWork } from '../../../shared/recordings/ingest-work.ts';
import { RECORDING_SCHEMA_VERSION } from '../../../shared/recordings/recording.ts';
import { IllegalTransitionError } from '../../../shared/recordings/state-machine.ts';
import { planTransition, type Transition } from '../../../shared/recordings/transition.ts';
import { aRecording } from './recording-fixtures.ts';

const submitted = aRecording({
  status: 'SUBMITTED',
  submission: 1,
  interactionId: 'IX-1',
  urlExpiresAt: 9_000,
  poll: { pollSeq: 4, attempts: 3, nextPollDueAt: 5_000, deadlineAt: 90_000 },
});

describe('planTransition', () => {
  it('moves the status, appends history and moves the poll sequence on', () => {
    // Prepare
    const current = aRecording();

    // Act
    const plan = planTransition(current, { to: 'SUBMITTING', reason: 'metadata resolved' }, 2_000);

    // Assess
    expect(plan.expected).toEqual({ status: 'RECEIVED', submission: 1, pollSeq: 0 });
    expect(plan.next).toMatchObject({
      status: 'SUBMITTING',
      statusChangedAt: 2_000,
      updatedAt: 2_000,
      reason: 'metadata resolved',
      poll: { pollSeq: 1, attempts: 0 },
    });
    expect(plan.next.history.at(-1)).toEqual({
      at: 2_000,
      from: 'RECEIVED',
      to: 'SUBMITTING',
      reason: 'metadata resolved',
      submission: 1,
    });
    expect(plan.notification).toBeUndefined();
  });

  it('starts the poll schedule on SUBMITTED with the interaction and URL expiry', () => {
    // Prepare
    const current = aRecording({ status: 'SUBMITTING', poll: { pollSeq: 1, attempts: 0 } });

    // Act
    const plan = planTransition(
      current,
      {
        to: 'SUBMITTED',
        reason: 'Zoom accepted the interaction',
        interactionId: 'IX-9',
        urlExpiresAt: 50_000,
        poll: { nextPollDueAt: 3_000, deadlineAt: 80_000 },
      },
      2_000,
    );

    // Assess
    expect(plan.next).toMatchObject({
      status: 'SUBMITTED',
      interactionId: 'IX-9',
      urlExpiresAt: 50_000,
      poll: { pollSeq: 2, attempts: 0, nextPollDueAt: 3_000, deadlineAt: 80_000 },
    });
  });

  it('ends the poll schedule when leaving SUBMITTED and writes the notification of a terminal status', () => {
    // Prepare
    const transition: Transition = {
      to: 'EVALUATED',
      reason: 'all automated evaluations completed',
      notification: { details: { score: 87 } },
    };

    // Act
    const plan = planTransition(submitted, transition, 6_000);

    // Assess
    expect(plan.next.poll).toEqual({ pollSeq: 5, attempts: 3, deadlineAt: 90_000 });
    expect(plan.notification).toMatchObject({
      notificationId: 'rec-0001-1',
      recordingId: 'rec-0001',
      status: 'EVALUATED',
      reason: 'all automated evaluations completed',
      interactionId: 'IX-1',
      queueId: 'queue-7',
      occurredAt: 6_000,
      details: { score: 87 },
      state: 'PENDING',
    });
  });

  it('uses the poll sequence of the poll message when given', () => {
    // Prepare
    const messageSeq = 3;

    // Act
    const plan = planTransition(
      submitted,
      { to: 'TIMED_OUT', reason: 'deadline passed', pollSeq: messageSeq, notification: { details: {} } },
      6_000,
    );

    // Assess
    expect(plan.expected).toEqual({ status: 'SUBMITTED', submission: 1, pollSeq: 3 });
  });

  it('bumps the submission on the automatic resubmission and keeps the old interaction until the new one', () => {
    // Prepare
    const resubmission: Transition = { to: 'SUBMITTING', reason: 'Zoom never fetched the file' };

    // Act
    const plan = planTransition(submitted, resubmission, 7_000);

    // Assess
    expect(plan.next).toMatchObject({ submission: 2, autoResubmissions: 1, interactionId: 'IX-1' });
    expect(plan.next.history.at(-1)?.submission).toBe(2);
  });

  it('replaces the metadata when the transition brings it', () => {
    // Prepare
    const metadata = { agentId: 'user-42' };

    // Act
    const plan = planTransition(
      aRecording(),
      { to: 'SUBMITTING', reason: 'sidecar arrived', metadata },
      2_000,
    );

    // Assess
    expect(plan.next.metadata).toEqual({ agentId: 'user-42' });
  });

  it('refuses a terminal transition without its notification, whatever the types said', () => {
    // Prepare
    const withoutOutbox = { to: 'FAILED', reason: 'gave up' } as unknown as Transition;

    // Act
    const attempt = () => planTransition(aRecording(), withoutOutbox, 2_000);

    // Assess
    expect(attempt).toThrow(RecordingRequestError);
    expect(attempt).toThrow('must bring its notification');
  });

  it('makes a terminal transition without a notification a type error', () => {
    // Prepare
    // @ts-expect-error a terminal status needs its notification
    const missing: Transition = { to: 'REJECTED', reason: 'zero bytes' };
    // @ts-expect-error SUBMITTED needs the interaction id and the poll plan
    const incomplete: Transition = { to: 'SUBMITTED', reason: 'accepted' };
    // @ts-expect-error a non-terminal status publishes nothing
    const extra: Transition = { to: 'SUBMITTING', reason: 'go', notification: { details: {} } };

    // Act
    const attempts = [missing, incomplete, extra].map(
      (transition) => () => planTransition(aRecording(), transition, 1),
    );

    // Assess
    for (const attempt of attempts) {
      expect(attempt).toThrow(RecordingRequestError);
    }
  });

  it('refuses a notification on a non-terminal transition', () => {
    // Prepare
    const request = {
      to: 'SUBMITTING',
      reason: 'go',
      notification: { details: {} },
    } as unknown as Transition;

    // Act
    const attempt = () => planTransition(aRecording(), request, 2_000);

    // Assess
    expect(attempt).toThrow('SUBMITTING is not terminal: it publishes no notification');
  });

  it('refuses a transition without a reason', () => {
    // Prepare
    const blankReason = '  ';

    // Act
    const attempt = () => planTransition(aRecording(), { to: 'SUBMITTING', reason: blankReason }, 2_000);

    // Assess
    expect(attempt).toThrow('A transition to SUBMITTING needs a reason');
  });

  it.each([
    {
      flaw: 'a first poll after the deadline',
      urlExpiresAt: 10_000,
      poll: { nextPollDueAt: 20_000, deadlineAt: 10_000 },
      error: 'A poll may not be scheduled after the recording',
    },
    {
      flaw: 'a time that is not epoch milliseconds',
      urlExpiresAt: 1.5,
      poll: { nextPollDueAt: 2_000, deadlineAt: 10_000 },
      error: 'A transition to SUBMITTED needs urlExpiresAt as epoch milliseconds',
    },
  ])('refuses SUBMITTED with $flaw', ({ urlExpiresAt, poll, error }) => {
    // Prepare
    const current = aRecording({ status: 'SUBMITTING' });

    // Act
    const attempt = () =>
      planTransition(
        current,
        { to: 'SUBMITTED', reason: 'accepted', interactionId: 'IX-2', urlExpiresAt, poll },
        2_000,
      );

    // Assess
    expect(attempt).toThrow(error);
  });

  it('checks the state machine before anything else is computed', () => {
    // Prepare
    const illegal: Transition = { to: 'REJECTED', reason: 'late 400', notification: { details: {} } };

    // Act
    const attempt = () => planTransition(submitted, illegal, 2_000);

    // Assess
    expect(attempt).toThrow(IllegalTransitionError);
  });

  it('refuses notification details that are not JSON', () => {
    // Prepare
    const request = {
      to: 'EVALUATED',
      reason: 'done',
      notification: { details: { when: new Date(0) } },
    } as unknown as Transition;

    // Act
    const attempt = () => planTransition(submitted, request, 2_000);

    // Assess
    expect(attempt).toThrow('The notification for recording rec-0001 is invalid at: details.when');
  });
});

describe("ingest's record of its work across transitions", () => {
  const owner = { ownerDelivery: 'message-1', mayHavePosted: true };

  it('starts afresh with SUBMITTING: the owner and whether a POST follows, never an old wait', () => {
    // Prepare
    const current = aRecording({
      schemaVersion: 1,
      ingestWork: {
        ownerDelivery: 'message-1',
        mayHavePosted: false,
        waiting: { until: 5_000, cause: 'sidecar-wait' },
      },
    });

    // Act
    const plan = planTransition(current, { to: 'SUBMITTING', reason: 'ready', ingestWork: owner }, 2_000);

    // Assess
    expect(plan.next.ingestWork).toEqual(owner);
    expect(plan.next.schemaVersion).toBe(RECORDING_SCHEMA_VERSION);
  });

  it.each([
    [
      'SUBMITTED',
      {
        to: 'SUBMITTED',
        reason: 'r',
        interactionId: 'IX-1',
        urlExpiresAt: 9,
        poll: { nextPollDueAt: 5, deadlineAt: 9 },
      },
    ],
    ['REJECTED', { to: 'REJECTED', reason: 'r', notification: { details: {} } }],
  ] as const)('ends when the recording leaves SUBMITTING for %s', (_to, transition) => {
    // Prepare
    const current = aRecording({
      status: 'SUBMITTING',
      ingestWork: owner,
      poll: { pollSeq: 1, attempts: 0 },
    });

    // Act
    const plan = planTransition(current, transition as Transition, 2_000);

    // Assess
    expect(plan.next.ingestWork).toBeUndefined();
  });

  it('refuses an owner on RESUBMITTED: the retry is owned only once handed over as SUBMITTING', () => {
    // Prepare
    const current = aRecording({ status: 'FAILED' });

    // Act
    const attempt = () =>
      planTransition(current, { to: 'RESUBMITTED', reason: 'operator retry', ingestWork: owner }, 2_000);

    // Assess
    expect(attempt).toThrow(RecordingRequestError);
    expect(attempt).toThrow('RESUBMITTED is owned by no ingest delivery');
  });
});

describe('planIngestWork', () => {
  it('replaces the work, moves the write sequence on and upgrades the item, checked against the recording as read', () => {
    // Prepare
    const current = aRecording({ schemaVersion: 1, status: 'SUBMITTING', poll: { pollSeq: 3, attempts: 0 } });
    const work = {
      ownerDelivery: 'message-1',
      mayHavePosted: false,
      waiting: { until: 9_000, cause: 'rate-limited' as const },
    };

    // Act
    const plan = planIngestWork(current, work, 4_000);

    // Assess
    expect(plan.expected).toEqual({ status: 'SUBMITTING', submission: 1, pollSeq: 3 });
    expect(plan.next).toMatchObject({
      schemaVersion: RECORDING_SCHEMA_VERSION,
      status: 'SUBMITTING',
      updatedAt: 4_000,
      statusChangedAt: current.statusChangedAt,
      poll: { pollSeq: 4 },
      ingestWork: work,
    });
    expect(plan.next.history).toEqual(current.history);
  });

  it('refuses a recording ingest no longer works on', () => {
    // Prepare
    const current = aRecording({ status: 'SUBMITTED' });

    // Act
    const attempt = () => planIngestWork(current, { ownerDelivery: 'message-1', mayHavePosted: true }, 4_000);

    // Assess
    expect(attempt).toThrow(
      'Ingest works only on RECEIVED, SUBMITTING or RESUBMITTED recordings; rec-0001 is SUBMITTED',
    );
  });

  it('refuses work that does not match its schema, naming the field', () => {
    // Prepare
    const current = aRecording();

    // Act
    const attempt = () => planIngestWork(current, { ownerDelivery: '', mayHavePosted: false }, 4_000);

    // Assess
    expect(attempt).toThrow("Ingest's record of its work is invalid at: ownerDelivery");
  });
});
