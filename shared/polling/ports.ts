import type { ZoomProfile } from '../config/zoom-profile.ts';
import type { Recording } from '../recordings/recording.ts';
import type { ZoomQmClient } from '../zoom/client.ts';

/**
 * Puts a recording's next status check on its way. Ingest calls it once a recording is SUBMITTED;
 * the poller calls it after every check that leaves the recording open. The recording item (its
 * `poll.nextPollDueAt` and `poll.pollSeq`) is the source of truth: a message the scheduler sends is
 * only a wake-up call, and the reconciler re-sends any that is lost.
 */
export interface PollScheduler {
  schedule(recording: Recording): Promise<void>;
}

/** The Zoom calls the poller makes (ZoomQmClient has them; tests may fake them). */
export type ZoomQmReader = Pick<
  ZoomQmClient,
  'listAutomatedEvaluationsPage' | 'getInteraction' | 'getEvaluation'
>;

/** A Zoom profile's client, by profile name (ZoomClientRegistry in Lambda). */
export interface ZoomAccounts {
  forProfile(name: string): { readonly profile: ZoomProfile; readonly client: ZoomQmReader };
}

/**
 * The automatic resubmission: Zoom never processed the recording (still 404 long after its
 * submission, the download URL expired), so it is submitted once more, with a new submission
 * number (a new Idempotency-Key) and a freshly presigned URL. Ingest owns submitting; the poller
 * decides and hands over.
 */
export interface Resubmitter {
  /**
   * Moves the SUBMITTED recording (as the poller claimed it) to SUBMITTING, a new submission,
   * with `reason`, and hands it to ingest. Throws the repository's refusals (a lost race) as is.
   */
  resubmit(claimed: Recording, reason: string): Promise<Recording>;
  /** Hands over again a recording `resubmit` moved but could not hand over. Safe to repeat. */
  handOver(recording: Recording): Promise<void>;
}
