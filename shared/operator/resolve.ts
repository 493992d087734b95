import type { Clock } from '../clock.ts';
import type { PollSettings } from '../config/polling.ts';
import { isLostRace } from '../polling/poll-recording.ts';
import type { PollScheduler } from '../polling/ports.ts';
import { initialPollPlan } from '../polling/schedule.ts';
import type { Recording } from '../recordings/recording.ts';
import type { RecordingRepository } from '../recordings/repository.ts';
import type { PollPlan } from '../recordings/transition.ts';
import type { ZoomQmClient } from '../zoom/client.ts';
import { ZoomNotFoundError } from '../zoom/errors.ts';

/**
 * `qm-ingest resolve --interaction <id>`: settles a NEEDS_REVIEW recording (qm-ingest could not
 * tell whether Zoom created its interaction) by linking it to the interaction the operator found
 * in Zoom QM. The interaction is read from Zoom first (it must exist in the recording's account)
 * and must not belong to another recording; the recording then moves to SUBMITTED with that
 * interaction, a new submission (no POST is made), and polling carries on from there as after
 * any submission. `--resubmit` is a retry (retry.ts).
 */

export type LinkOutcome =
  | { readonly kind: 'linked'; readonly recording: Recording }
  | { readonly kind: 'would-link'; readonly recording: Recording }
  | { readonly kind: 'not-needs-review'; readonly recording: Recording }
  | { readonly kind: 'interaction-not-found'; readonly recording: Recording }
  | { readonly kind: 'interaction-taken'; readonly recording: Recording; readonly owner: string }
  | { readonly kind: 'moved-on'; readonly recording: Recording };

export interface LinkDependencies {
  readonly recordings: Pick<RecordingRepository, 'transition' | 'findByInteraction'>;
  /** The Zoom client of the recording's profile. */
  readonly zoom: (profile: string) => Pick<ZoomQmClient, 'getInteraction'>;
  readonly pollScheduler: PollScheduler;
  readonly polling: PollSettings;
  readonly clock: Clock;
}

export async function linkInteraction(
  deps: LinkDependencies,
  recording: Recording,
  interactionId: string,
  dryRun: boolean,
): Promise<LinkOutcome> {
  if (recording.status !== 'NEEDS_REVIEW') {
    return { kind: 'not-needs-review', recording };
  }
  try {
    await deps.zoom(recording.profile).getInteraction(interactionId);
  } catch (error) {
    if (error instanceof ZoomNotFoundError) {
      return { kind: 'interaction-not-found', recording };
    }
    throw error;
  }
  const owner = await deps.recordings.findByInteraction(recording.zoomAccountId, interactionId);
  if (owner !== undefined && owner.recordingId !== recording.recordingId) {
    return { kind: 'interaction-taken', recording, owner: owner.recordingId };
  }
  if (dryRun) {
    return { kind: 'would-link', recording };
  }
  const now = deps.clock.now();
  let linked: Recording;
  try {
    linked = await deps.recordings.transition(recording, {
      to: 'SUBMITTED',
      reason: `Linked by an operator to Zoom interaction ${interactionId} (submission ${recording.submission + 1}); polling carries on`,
      interactionId,
      // No URL of qm-ingest's was given for this interaction: Zoom already has the recording.
      urlExpiresAt: now,
      poll: wholeMilliseconds(initialPollPlan(deps.polling, now)),
    });
  } catch (error) {
    if (isLostRace(error)) {
      return { kind: 'moved-on', recording };
    }
    throw error;
  }
  // Its loss is not fatal: the reconciler re-queues overdue polls.
  await deps.pollScheduler.schedule(linked);
  return { kind: 'linked', recording: linked };
}

/** Settings may hold fractions of a second; the schedule is whole epoch milliseconds. */
function wholeMilliseconds(plan: PollPlan): PollPlan {
  return { nextPollDueAt: Math.ceil(plan.nextPollDueAt), deadlineAt: Math.ceil(plan.deadlineAt) };
}
