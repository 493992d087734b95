import { PermanentError } from '../errors.ts';

/**
 * The recording state machine: the one place that says which status may follow which.
 *
 * ```
 * RECEIVED    -> SUBMITTING | REJECTED | FAILED
 * SUBMITTING  -> SUBMITTED | REJECTED | FAILED | NEEDS_REVIEW
 * SUBMITTED   -> SUBMITTING (one automatic resubmission) | EVALUATED | EVALUATION_FAILED
 *                | NO_EVALUATION | TIMED_OUT | FAILED
 * FAILED | TIMED_OUT | REJECTED | NEEDS_REVIEW -> RESUBMITTED (operator retry) -> SUBMITTING | REJECTED | FAILED
 * NEEDS_REVIEW -> SUBMITTED (operator link: `qm-ingest resolve --interaction`)
 * ```
 *
 * An operator's retry is taken up by ingest like a new upload (RECEIVED): its metadata is resolved
 * again, so it may end REJECTED (still no metadata, the object deleted). RESUBMITTED -> FAILED also
 * ends a retry that was never taken up (the reconciler's sweep of stuck recordings): nothing of its
 * submission was sent, so FAILED says exactly that. The operator's link starts a new submission
 * too (no POST is made), so the link's final status publishes a notification of its own.
 *
 * The repository enforces it with conditional writes; this module is pure, so the table, the
 * submission numbering and the resubmission limit are unit-tested without DynamoDB.
 */

/**
 * Statuses in which a recording rests: nothing moves it on except an operator's retry. Entering
 * one publishes a notification, so the repository writes each of them with an outbox entry.
 */
export const TERMINAL_STATUSES = [
  'REJECTED',
  'FAILED',
  'EVALUATED',
  'EVALUATION_FAILED',
  'NO_EVALUATION',
  'TIMED_OUT',
  'NEEDS_REVIEW',
] as const;

/** Every status a recording can have: the four it passes through, then the terminal ones. */
export const RECORDING_STATUSES = [
  'RECEIVED',
  'SUBMITTING',
  'SUBMITTED',
  'RESUBMITTED',
  ...TERMINAL_STATUSES,
] as const;

export type RecordingStatus = (typeof RECORDING_STATUSES)[number];

export type TerminalStatus = (typeof TERMINAL_STATUSES)[number];

/** How many times a recording is resubmitted automatically (SUBMITTED -> SUBMITTING) per operator attempt. */
export const MAX_AUTOMATIC_RESUBMISSIONS = 1;

/** Every legal transition, by source status. Statuses without an entry have no way out. */
export const TRANSITIONS: Readonly<Record<RecordingStatus, readonly RecordingStatus[]>> = {
  RECEIVED: ['SUBMITTING', 'REJECTED', 'FAILED'],
  SUBMITTING: ['SUBMITTED', 'REJECTED', 'FAILED', 'NEEDS_REVIEW'],
  SUBMITTED: ['SUBMITTING', 'EVALUATED', 'EVALUATION_FAILED', 'NO_EVALUATION', 'TIMED_OUT', 'FAILED'],
  RESUBMITTED: ['SUBMITTING', 'REJECTED', 'FAILED'],
  FAILED: ['RESUBMITTED'],
  TIMED_OUT: ['RESUBMITTED'],
  REJECTED: ['RESUBMITTED'],
  NEEDS_REVIEW: ['RESUBMITTED', 'SUBMITTED'],
  EVALUATED: [],
  EVALUATION_FAILED: [],
  NO_EVALUATION: [],
};

/** A transition that the state machine does not allow. Permanent: the same request can never succeed. */
export class IllegalTransitionError extends PermanentError {
  readonly from: RecordingStatus;
  readonly to: RecordingStatus;

  constructor(from: RecordingStatus, to: RecordingStatus, detail?: string) {
    const allowed = TRANSITIONS[from];
    const explanation =
      detail ??
      (allowed.length === 0
        ? `${from} is final`
        : `from ${from} a recording may only move to ${allowed.join(', ')}`);
    super(`Illegal transition ${from} -> ${to}: ${explanation}`);
    this.from = from;
    this.to = to;
  }
}

/** The statuses only ingest (or an operator's retry being taken up) moves a recording out of. */
export const PRE_SUBMISSION_STATUSES = ['SUBMITTING', 'RECEIVED', 'RESUBMITTED'] as const;
export type PreSubmissionStatus = (typeof PRE_SUBMISSION_STATUSES)[number];

/** Whether the recording is not yet submitted to Zoom (the stuck sweep watches these). */
export function isBeforeSubmission(status: RecordingStatus): status is PreSubmissionStatus {
  return (PRE_SUBMISSION_STATUSES as readonly RecordingStatus[]).includes(status);
}

export function isTerminal(status: RecordingStatus): status is TerminalStatus {
  return (TERMINAL_STATUSES as readonly RecordingStatus[]).includes(status);
}

export function isRecordingStatus(value: string): value is RecordingStatus {
  return (RECORDING_STATUSES as readonly string[]).includes(value);
}

/** Whether the table allows `from -> to` (before any per-recording limit such as the resubmission count). */
export function isLegalTransition(from: RecordingStatus, to: RecordingStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** The automatic resubmission Zoom's silent download failures call for (issue: poll). */
export function isAutomaticResubmission(from: RecordingStatus, to: RecordingStatus): boolean {
  return from === 'SUBMITTED' && to === 'SUBMITTING';
}

/** The operator's link of a NEEDS_REVIEW recording to the interaction found in Zoom. */
export function isOperatorLink(from: RecordingStatus, to: RecordingStatus): boolean {
  return from === 'NEEDS_REVIEW' && to === 'SUBMITTED';
}

/**
 * Whether a transition starts a new submission, so the recording's submission number goes up:
 * the automatic resubmission and the operator's retry or link. A write that carries an older
 * number is then stale, and Zoom sees a new Idempotency-Key.
 */
export function startsNewSubmission(from: RecordingStatus, to: RecordingStatus): boolean {
  return isAutomaticResubmission(from, to) || to === 'RESUBMITTED' || isOperatorLink(from, to);
}

/** What a recording's counters become after a transition. */
export interface TransitionCounters {
  readonly submission: number;
  readonly autoResubmissions: number;
}

/**
 * Checks a transition for a recording in `from` with the given counters and returns the counters
 * after it. Throws {@link IllegalTransitionError} for a transition outside the table, or for a
 * second automatic resubmission. An operator retry starts afresh, with its own automatic
 * resubmission.
 */
export function applyTransition(
  from: RecordingStatus,
  to: RecordingStatus,
  counters: TransitionCounters,
): TransitionCounters {
  if (!isLegalTransition(from, to)) {
    throw new IllegalTransitionError(from, to);
  }
  if (isAutomaticResubmission(from, to) && counters.autoResubmissions >= MAX_AUTOMATIC_RESUBMISSIONS) {
    throw new IllegalTransitionError(
      from,
      to,
      `the automatic resubmission was already used (${counters.autoResubmissions} of ${MAX_AUTOMATIC_RESUBMISSIONS}); only an operator retry can submit again`,
    );
  }
  return {
    submission: startsNewSubmission(from, to) ? counters.submission + 1 : counters.submission,
    autoResubmissions: nextAutoResubmissions(from, to, counters.autoResubmissions),
  };
}

function nextAutoResubmissions(from: RecordingStatus, to: RecordingStatus, current: number): number {
  if (isAutomaticResubmission(from, to)) {
    return current + 1;
  }
  return to === 'RESUBMITTED' || isOperatorLink(from, to) ? 0 : current;
}
