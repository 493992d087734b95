import type { PollSettings } from '../config/polling.ts';
import type { Recording } from '../recordings/recording.ts';
import { MAX_AUTOMATIC_RESUBMISSIONS } from '../recordings/state-machine.ts';
import type { AutomatedAssessment } from './evaluations.ts';

/**
 * What one poll decides from what Zoom answered: the poller's part of the state machine, as a pure
 * function. From SUBMITTED a poll may finish the recording (EVALUATED, EVALUATION_FAILED,
 * NO_EVALUATION, TIMED_OUT, FAILED), submit it again (SUBMITTING, once), or keep it SUBMITTED
 * and check again later. It may also ask for one more fact first: the cheap automated-evaluations
 * list cannot tell "not analysed yet" from "analysed without automated evaluation", the
 * interaction's detail can.
 */

/** The statuses a poll can end a recording in. */
export type PollFinalStatus = 'EVALUATED' | 'EVALUATION_FAILED' | 'NO_EVALUATION' | 'TIMED_OUT' | 'FAILED';

/** Why a recording stays SUBMITTED after a poll. */
export type WaitPhase =
  /** Zoom answers 404: it has not downloaded and analysed the recording yet. */
  | 'not-found'
  /** Analysed; automated evaluations are processing. */
  | 'evaluating'
  /** Analysed, no automated evaluation yet: waiting out the grace period. */
  | 'awaiting-evaluations';

export type PollDecision =
  | {
      readonly action: 'finish';
      readonly status: PollFinalStatus;
      readonly reason: string;
      /** Whether the interaction exists in Zoom, so its results are worth collecting. */
      readonly collectResults: boolean;
    }
  | { readonly action: 'look-up-interaction' }
  | { readonly action: 'wait'; readonly phase: WaitPhase; readonly reason: string }
  | { readonly action: 'resubmit'; readonly reason: string };

/** What the poller knows about the recording's interaction at this poll. */
export interface PollFacts {
  readonly automated: AutomatedAssessment;
  /** What `GET /qm/interactions/{id}` answered, if it was asked at this poll. */
  readonly interaction: 'found' | 'not-found' | 'not-asked';
  /** When this submission's interaction was first seen analysed (kept between polls). */
  readonly analysisSeenAt?: number | undefined;
}

export interface PollContext {
  readonly now: number;
  readonly settings: PollSettings;
  readonly recording: Pick<
    Recording,
    'statusChangedAt' | 'urlExpiresAt' | 'autoResubmissions' | 'submission' | 'poll'
  >;
}

/** Decides the outcome of one poll (see {@link PollDecision}). */
export function decidePoll(context: PollContext, facts: PollFacts): PollDecision {
  const { automated } = facts;
  switch (automated.kind) {
    case 'final':
      return finish(automated.outcome, finalReason(automated), true);
    case 'deleted':
      return finish('FAILED', 'Zoom reports the interaction as deleted: no evaluation will come', false);
    case 'pending':
      return pastDeadline(context)
        ? finish(
            'TIMED_OUT',
            timedOutReason(
              context,
              `${automated.pending} of ${automated.total} automated evaluations still processing`,
            ),
            true,
          )
        : {
            action: 'wait',
            phase: 'evaluating',
            reason: `${automated.pending} of ${automated.total} automated evaluations processing`,
          };
    case 'none':
      return decideWithoutAutomatedEvaluations(context, facts);
  }
}

function decideWithoutAutomatedEvaluations(context: PollContext, facts: PollFacts): PollDecision {
  const { now, settings } = context;
  if (facts.analysisSeenAt !== undefined || facts.interaction === 'found') {
    const seenAt = facts.analysisSeenAt ?? now;
    const graceMs = settings.noEvaluationGraceSeconds * 1_000;
    if (now - seenAt >= graceMs) {
      return finish(
        'NO_EVALUATION',
        `Zoom analysed the interaction but produced no automated evaluation within ${formatDuration(graceMs)}`,
        true,
      );
    }
    if (pastDeadline(context)) {
      return finish('TIMED_OUT', timedOutReason(context, 'no automated evaluation yet'), true);
    }
    return {
      action: 'wait',
      phase: 'awaiting-evaluations',
      reason: 'analysed; no automated evaluation yet',
    };
  }
  if (facts.interaction === 'not-asked') {
    return { action: 'look-up-interaction' };
  }
  return decideNotFound(context);
}

/**
 * Zoom answers 404 until it has analysed the recording, and says nothing when its download failed.
 * Once the grace period is over and the URL it downloads from has expired, nothing more can come
 * from this submission: submit again with a fresh URL, once; after that, give up.
 */
function decideNotFound(context: PollContext): PollDecision {
  const { now, settings, recording } = context;
  const graceMs = settings.notFoundGraceSeconds * 1_000;
  const graceOver = now >= recording.statusChangedAt + graceMs;
  const urlExpiresAt = recording.urlExpiresAt ?? recording.statusChangedAt;
  if (graceOver && now >= urlExpiresAt) {
    const situation = `Zoom has not processed submission ${recording.submission}: still not found ${formatDuration(now - recording.statusChangedAt)} after submission, and its download URL expired at ${new Date(urlExpiresAt).toISOString()}`;
    if (recording.autoResubmissions < MAX_AUTOMATIC_RESUBMISSIONS) {
      return { action: 'resubmit', reason: `${situation}; submitting again with a fresh URL` };
    }
    return finish(
      'FAILED',
      `${situation}; the automatic resubmission was already used (Zoom could probably not download the recording)`,
      false,
    );
  }
  if (pastDeadline(context)) {
    return finish('TIMED_OUT', timedOutReason(context, 'Zoom never showed the interaction'), false);
  }
  return { action: 'wait', phase: 'not-found', reason: 'not processed by Zoom yet (404)' };
}

function finish(status: PollFinalStatus, reason: string, collectResults: boolean): PollDecision {
  return { action: 'finish', status, reason, collectResults };
}

function finalReason(automated: Extract<AutomatedAssessment, { kind: 'final' }>): string {
  const total = automated.completed + automated.failed;
  if (automated.outcome === 'EVALUATED') {
    return total === 1
      ? 'The automated evaluation completed'
      : `All ${total} automated evaluations completed`;
  }
  return `${automated.failed} of ${total} automated evaluations failed in Zoom`;
}

function pastDeadline(context: PollContext): boolean {
  const { deadlineAt } = context.recording.poll;
  return deadlineAt !== undefined && context.now >= deadlineAt;
}

function timedOutReason(context: PollContext, situation: string): string {
  const { recording } = context;
  const deadlineAt = recording.poll.deadlineAt ?? context.now;
  return `Not final ${formatDuration(deadlineAt - recording.statusChangedAt)} after submission (deadline ${new Date(deadlineAt).toISOString()}): ${situation}`;
}

/** A duration in the largest unit that keeps it readable: "90 s", "15 min", "2 h", "1.5 h". */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, ms) / 1_000;
  if (seconds < 120) {
    return `${round(seconds)} s`;
  }
  if (seconds < 2 * 3_600) {
    return `${round(seconds / 60)} min`;
  }
  return `${round(seconds / 3_600)} h`;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
