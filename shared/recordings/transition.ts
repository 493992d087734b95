import { RecordingRequestError } from './errors.ts';
import { type Notification, type NotificationDraft, pendingNotificationFor } from './notification.ts';
import {
  type HistoryEntry,
  type IngestWork,
  type PollState,
  RECORDING_SCHEMA_VERSION,
  type Recording,
  type RecordingMetadata,
} from './recording.ts';
import { applyTransition, isTerminal, type TerminalStatus } from './state-machine.ts';

/**
 * Transition requests, typed so that each target status brings what it needs: SUBMITTED its
 * interaction and poll schedule, every terminal status its notification. Writing a terminal
 * status without an outbox entry is a type error, and {@link planTransition} refuses it at run
 * time for callers that get past the types.
 */

/** The first poll of a submission and the time after which it is abandoned. */
export interface PollPlan {
  readonly nextPollDueAt: number;
  readonly deadlineAt: number;
}

interface TransitionCommon {
  /** Why, in words a person can act on; stored on the recording and in its history. */
  readonly reason: string;
  /**
   * The poll sequence the writer acted on, for poll-driven writes (the value in the poll
   * message). Defaults to the sequence of the recording as read.
   */
  readonly pollSeq?: number | undefined;
  /** Replaces the recording's metadata (ingest, once it has resolved it). */
  readonly metadata?: RecordingMetadata | undefined;
}

export interface SubmittedTransition extends TransitionCommon {
  readonly to: 'SUBMITTED';
  readonly interactionId: string;
  readonly urlExpiresAt: number;
  readonly poll: PollPlan;
  readonly notification?: never;
}

export interface TerminalTransition extends TransitionCommon {
  readonly to: TerminalStatus;
  readonly notification: NotificationDraft;
}

export interface IntermediateTransition extends TransitionCommon {
  readonly to: 'SUBMITTING' | 'RESUBMITTED';
  /**
   * For SUBMITTING: the ingest delivery that takes the submission on, and whether its POST is
   * made right away (ingest) or only handed over (the poller's resubmission: nothing sent yet).
   * Without it, no delivery owns the recording. Leaving RECEIVED or SUBMITTING any other way
   * removes ingest's record of its work.
   */
  readonly ingestWork?: Pick<IngestWork, 'ownerDelivery' | 'mayHavePosted'> | undefined;
  readonly notification?: never;
}

export type Transition = SubmittedTransition | TerminalTransition | IntermediateTransition;

/** A checked transition: the recording as it will be, and the notification to write with it. */
export interface TransitionPlan {
  readonly expected: {
    readonly status: Recording['status'];
    readonly submission: number;
    readonly pollSeq: number;
  };
  readonly next: Recording;
  readonly historyEntry: HistoryEntry;
  readonly notification: Notification | undefined;
}

/**
 * Checks `transition` against the state machine for `current` and computes the recording after
 * it. Pure: the repository turns the plan into one conditional write (or one transaction with
 * the outbox entry) that holds only if the recording is still as `current` says.
 */
export function planTransition(current: Recording, transition: Transition, now: number): TransitionPlan {
  assertWellFormed(transition);
  const counters = applyTransition(current.status, transition.to, current);
  const historyEntry: HistoryEntry = {
    at: now,
    from: current.status,
    to: transition.to,
    reason: transition.reason,
    submission: counters.submission,
  };
  const next: Recording = {
    ...current,
    ...counters,
    schemaVersion: RECORDING_SCHEMA_VERSION,
    status: transition.to,
    statusChangedAt: now,
    updatedAt: now,
    reason: transition.reason,
    history: [...current.history, historyEntry],
    metadata: transition.metadata ?? current.metadata,
    poll: nextPollState(current.poll, transition),
    ingestWork: nextIngestWork(transition),
    ...(transition.to === 'SUBMITTED'
      ? { interactionId: transition.interactionId, urlExpiresAt: transition.urlExpiresAt }
      : {}),
  };
  return {
    expected: {
      status: current.status,
      submission: current.submission,
      pollSeq: transition.pollSeq ?? current.poll.pollSeq,
    },
    next,
    historyEntry,
    notification:
      transition.notification === undefined
        ? undefined
        : pendingNotificationFor(next, transition.notification),
  };
}

/**
 * Entering SUBMITTED starts a schedule; leaving it ends the schedule (the attempts and deadline
 * stay, for the record). Every write moves the sequence on, so no earlier poll message matches.
 */
function nextPollState(poll: PollState, transition: Transition): PollState {
  const pollSeq = poll.pollSeq + 1;
  if (transition.to === 'SUBMITTED') {
    return {
      pollSeq,
      attempts: 0,
      nextPollDueAt: transition.poll.nextPollDueAt,
      deadlineAt: transition.poll.deadlineAt,
    };
  }
  const { nextPollDueAt: _ended, ...rest } = poll;
  return { ...rest, pollSeq };
}

/** Ingest's record of its work starts afresh with each SUBMITTING and ends with it (waiting never carries over). */
function nextIngestWork(transition: Transition): IngestWork | undefined {
  if (transition.to !== 'SUBMITTING' || transition.ingestWork === undefined) {
    return undefined;
  }
  const { ownerDelivery, mayHavePosted } = transition.ingestWork;
  return { ownerDelivery, mayHavePosted };
}

function assertWellFormed(transition: Transition): void {
  if (transition.reason.trim() === '') {
    throw new RecordingRequestError(`A transition to ${transition.to} needs a reason`);
  }
  if (isTerminal(transition.to)) {
    if (typeof transition.notification?.details !== 'object' || transition.notification.details === null) {
      throw new RecordingRequestError(
        `A transition to the terminal status ${transition.to} must bring its notification (the outbox entry)`,
      );
    }
  } else if (transition.notification !== undefined) {
    throw new RecordingRequestError(`${transition.to} is not terminal: it publishes no notification`);
  }
  if (transition.to === 'RESUBMITTED' && transition.ingestWork !== undefined) {
    throw new RecordingRequestError(
      'RESUBMITTED is owned by no ingest delivery: its retry message takes it up (see isOwnedBy)',
    );
  }
  if (transition.to === 'SUBMITTED') {
    assertSubmitted(transition);
  }
}

function assertSubmitted(transition: SubmittedTransition): void {
  if (typeof transition.interactionId !== 'string' || transition.interactionId === '') {
    throw new RecordingRequestError('A transition to SUBMITTED needs the interaction id Zoom returned');
  }
  for (const [name, value] of [
    ['urlExpiresAt', transition.urlExpiresAt],
    ['poll.nextPollDueAt', transition.poll?.nextPollDueAt],
    ['poll.deadlineAt', transition.poll?.deadlineAt],
  ] as const) {
    if (value === undefined || !Number.isInteger(value) || value < 0) {
      throw new RecordingRequestError(`A transition to SUBMITTED needs ${name} as epoch milliseconds`);
    }
  }
  assertPollWithinDeadline(transition.poll.nextPollDueAt, transition.poll.deadlineAt);
}

/**
 * A poll is never scheduled after the deadline: the reconciler finds every SUBMITTED recording
 * through its next due poll, so a recording past its deadline is always found and ended.
 */
export function assertPollWithinDeadline(nextPollDueAt: number, deadlineAt: number | undefined): void {
  if (deadlineAt !== undefined && nextPollDueAt > deadlineAt) {
    throw new RecordingRequestError(
      `A poll may not be scheduled after the recording's deadline (${new Date(deadlineAt).toISOString()}); schedule it at the deadline`,
    );
  }
}
