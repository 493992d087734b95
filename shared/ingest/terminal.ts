import type { StructuredLogger } from '../observability/logger.ts';
import type { MetricsPort } from '../observability/metrics.ts';
import { StaleWriteError, TransitionConflictError } from '../recordings/errors.ts';
import type { Recording } from '../recordings/recording.ts';
import { type FailureCode, IngestMetric, type IngestOutcome, type RejectionCode } from './outcomes.ts';
import type { RecordingStore } from './ports.ts';

/**
 * The three ways ingest ends a recording: REJECTED (the input must be fixed), FAILED (Zoom's
 * credentials, or transient failures past the budget) and NEEDS_REVIEW (Zoom may hold an
 * interaction qm-ingest could not confirm). Each is written through the state machine with its
 * outbox notification, counted and logged. All three are alert-worthy: a person has to act.
 * A writer that finds the recording already moved by another delivery stands down.
 */
export class RecordingEndings {
  readonly #recordings: RecordingStore;
  readonly #metrics: MetricsPort;

  constructor(recordings: RecordingStore, metrics: MetricsPort) {
    this.#recordings = recordings;
    this.#metrics = metrics;
  }

  async reject(
    recording: Recording,
    code: RejectionCode,
    reason: string,
    logger: StructuredLogger,
  ): Promise<IngestOutcome> {
    const written = await this.#end(recording, 'REJECTED', reason, { code }, logger);
    if (!written) {
      return { kind: 'skipped', reason: 'duplicate', recordingId: recording.recordingId };
    }
    this.#metrics.count(IngestMetric.rejected, 1, { reason: code });
    logger.warn('Recording rejected', { code, reason });
    return { kind: 'rejected', recordingId: recording.recordingId, code, reason };
  }

  async fail(
    recording: Recording,
    code: FailureCode,
    reason: string,
    logger: StructuredLogger,
  ): Promise<IngestOutcome> {
    const written = await this.#end(recording, 'FAILED', reason, { code }, logger);
    if (!written) {
      return { kind: 'skipped', reason: 'duplicate', recordingId: recording.recordingId };
    }
    this.#metrics.count(IngestMetric.failed, 1, { reason: code });
    logger.error('Recording failed', { code, reason });
    return { kind: 'failed', recordingId: recording.recordingId, code, reason };
  }

  async needsReview(recording: Recording, reason: string, logger: StructuredLogger): Promise<IngestOutcome> {
    const written = await this.#end(
      recording,
      'NEEDS_REVIEW',
      reason,
      { code: 'possible-duplicate' },
      logger,
    );
    if (!written) {
      return { kind: 'skipped', reason: 'duplicate', recordingId: recording.recordingId };
    }
    this.#metrics.count(IngestMetric.needsReview);
    logger.error('Recording needs review', { reason });
    return { kind: 'needs-review', recordingId: recording.recordingId, reason };
  }

  /** Writes the terminal status; false when another writer moved the recording first. */
  async #end(
    recording: Recording,
    to: 'REJECTED' | 'FAILED' | 'NEEDS_REVIEW',
    reason: string,
    details: { readonly code: string },
    logger: StructuredLogger,
  ): Promise<boolean> {
    try {
      await this.#recordings.transition(recording, {
        to,
        reason,
        notification: { details: { ...details, alertWorthy: true, source: 'ingest' } },
      });
      return true;
    } catch (error) {
      if (error instanceof TransitionConflictError || error instanceof StaleWriteError) {
        logger.info('Another delivery moved the recording first; standing down', {
          wanted: to,
          found: error.current.status,
        });
        return false;
      }
      throw error;
    }
  }
}
