import type { Clock } from '../clock.ts';
import type { StuckSweepSettings } from '../config/polling.ts';
import type { Logger } from '../logging.ts';
import type { OutboxPublisher } from '../notify/outbox-publisher.ts';
import { recordingKeys } from '../observability/logger.ts';
import type { MetricsPort } from '../observability/metrics.ts';
import { lastSignOfLife } from '../recordings/ingest-work.ts';
import { pendingNotificationFor } from '../recordings/notification.ts';
import type { RecordingQueries } from '../recordings/queries.ts';
import type { Recording } from '../recordings/recording.ts';
import type { RecordingRepository } from '../recordings/repository.ts';
import { exportEnding, type ResultsExportPort } from '../results/bi-export.ts';
import { formatDuration } from './decision.ts';
import { PollMetric } from './metrics.ts';
import { isLostRace } from './poll-recording.ts';

/**
 * Every recording that enters must end in a visible terminal state. Before Zoom has its
 * interaction, only ingest moves a recording (RECEIVED, SUBMITTING) and only an operator's retry
 * being taken up moves it out of RESUBMITTED; if that work is lost (an ingest message in the DLQ,
 * a resubmission never handed over, a crash), nothing else would. This sweep, part of the
 * reconciler's run, reads those three statuses from the work index (each such recording is watched
 * there by its last sign of life, whatever its age), idle the longest first, and ends the
 * recordings with no sign of life for `reconciler.stuck.afterSeconds`:
 *
 * - RECEIVED -> FAILED: nothing was sent to Zoom;
 * - RESUBMITTED -> FAILED: the retry was never taken up, nothing of it was sent;
 * - SUBMITTING -> FAILED when ingest's record says no POST of the submission can have reached
 *   Zoom (none was made, or the last was refused before Zoom acted on it); otherwise
 *   NEEDS_REVIEW, with an alert saying a duplicate interaction is possible.
 *
 * "Sign of life" is the later of the recording's last write and the end of the wait ingest
 * recorded on it (a daily rate limit until Zoom's reset, a sidecar, a backoff), so a legitimate
 * wait of any length is left alone. Each ending is a conditional transition on the recording as
 * listed: if ingest wrote anything since (a wait, a POST, its own ending), the write is refused and
 * the recording skipped. Each ending's notification is published at once.
 */

export type StuckDecision =
  | { readonly action: 'leave' }
  | { readonly action: 'end'; readonly to: 'FAILED' | 'NEEDS_REVIEW'; readonly reason: string };

/** Whether `recording` is stuck at `now`, and if so how it ends. Pure: the sweep's whole judgement. */
export function decideStuck(recording: Recording, now: number, afterMs: number): StuckDecision {
  const since = lastSignOfLife(recording);
  if (now - since < afterMs) {
    return { action: 'leave' };
  }
  const idle = `no progress for ${formatDuration(now - since)} (since ${new Date(since).toISOString()})`;
  const submission = recording.submission;
  switch (recording.status) {
    case 'RECEIVED':
      return {
        action: 'end',
        to: 'FAILED',
        reason: `Stuck in RECEIVED: ${idle}. Nothing was sent to Zoom. Its ingest message probably ended in the ingest DLQ, or the ingest function kept failing on it: check both, then retry the recording.`,
      };
    case 'RESUBMITTED':
      return {
        action: 'end',
        to: 'FAILED',
        reason: `Stuck in RESUBMITTED: ${idle}. The retry was never taken up, and nothing was sent to Zoom for submission ${submission}: retry the recording again.`,
      };
    case 'SUBMITTING':
      return recording.ingestWork?.mayHavePosted === false
        ? {
            action: 'end',
            to: 'FAILED',
            reason: `Stuck in SUBMITTING: ${idle}. Nothing was sent to Zoom for submission ${submission} (no POST was made, or the last was refused before Zoom acted on it). Its ingest message probably ended in the ingest DLQ: check it, then retry the recording.`,
          }
        : {
            action: 'end',
            to: 'NEEDS_REVIEW',
            reason: `Stuck in SUBMITTING: ${idle}. The POST of submission ${submission} may have reached Zoom before qm-ingest recorded the answer, so a duplicate interaction is possible; check Zoom QM for this recording, then retry it or link its interaction.`,
          };
    default:
      // Listed before it moved on (the index lags its items): not stuck.
      return { action: 'leave' };
  }
}

export interface StuckSweepDependencies {
  readonly queries: Pick<RecordingQueries, 'stuckCandidates'>;
  readonly repository: Pick<RecordingRepository, 'transition'>;
  readonly publisher: Pick<OutboxPublisher, 'publishOrLeavePending'>;
  readonly exporter?: ResultsExportPort | undefined;
  readonly settings: StuckSweepSettings;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: MetricsPort;
}

export interface StuckSweepSummary {
  /** Stuck recordings ended FAILED or NEEDS_REVIEW. */
  readonly stuckEnded: number;
  /** Listed, but waiting or recently active: left alone. */
  readonly stuckLeftAlone: number;
  /** Moved by another writer since they were listed (ingest carried on, or ended them). */
  readonly stuckSkipped: number;
  /** Not ended because a write failed (the next run tries again). */
  readonly stuckFailed: number;
}

type SweepOutcome = 'ended' | 'leftAlone' | 'skipped' | 'failed';

export class StuckRecordingSweep {
  readonly #deps: StuckSweepDependencies;

  constructor(dependencies: StuckSweepDependencies) {
    this.#deps = dependencies;
  }

  /**
   * One sweep, bounded: the recordings not yet submitted and idle past the threshold, idle the
   * longest first, whatever their age (the work index watches every one of them); at most
   * `maxExaminedPerRun` looked at, at most `maxEndedPerRun` ended, and no new one once
   * `shouldStop` says time is short.
   */
  async run(shouldStop: () => boolean = () => false): Promise<StuckSweepSummary> {
    const { settings, clock } = this.#deps;
    const now = clock.now();
    const afterMs = settings.afterSeconds * 1_000;
    const counts: Record<SweepOutcome, number> = { ended: 0, leftAlone: 0, skipped: 0, failed: 0 };
    let examined = 0;
    for await (const recording of this.#deps.queries.stuckCandidates(now - afterMs + 1)) {
      if (examined >= settings.maxExaminedPerRun || counts.ended >= settings.maxEndedPerRun || shouldStop()) {
        break;
      }
      examined += 1;
      counts[await this.#sweep(recording, now, afterMs)] += 1;
    }
    return {
      stuckEnded: counts.ended,
      stuckLeftAlone: counts.leftAlone,
      stuckSkipped: counts.skipped,
      stuckFailed: counts.failed,
    };
  }

  async #sweep(recording: Recording, now: number, afterMs: number): Promise<SweepOutcome> {
    const decision = decideStuck(recording, now, afterMs);
    if (decision.action === 'leave') {
      return 'leftAlone';
    }
    const { logger, metrics } = this.#deps;
    const keys = recordingKeys(recording.recordingId);
    const draft = {
      details: {
        code: 'stuck',
        stuckIn: recording.status,
        idleMs: now - lastSignOfLife(recording),
        alertWorthy: true,
        source: 'reconciler',
      },
    };
    let ended: Recording;
    try {
      ended = await this.#deps.repository.transition(recording, {
        to: decision.to,
        reason: decision.reason,
        notification: draft,
      });
    } catch (error) {
      if (isLostRace(error)) {
        return 'skipped';
      }
      logger.error('Stuck recording not ended; the next run tries again', { ...keys, error });
      return 'failed';
    }
    metrics.count(PollMetric.stuckEnded, 1, { stuckIn: recording.status, endedAs: decision.to });
    logger.warn('Stuck recording ended by the reconciler', {
      ...keys,
      stuckIn: recording.status,
      endedAs: decision.to,
      lastSignOfLife: new Date(lastSignOfLife(recording)).toISOString(),
    });
    await this.#deps.publisher.publishOrLeavePending(pendingNotificationFor(ended, draft));
    await exportEnding(this.#deps.exporter, ended, undefined, { logger, metrics });
    return 'ended';
  }
}
