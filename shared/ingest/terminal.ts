import type { OutboxPublisher } from '../notify/outbox-publisher.ts';
import type { StructuredLogger } from '../observability/logger.ts';
import type { MetricsPort } from '../observability/metrics.ts';
import { StaleWriteError, TransitionConflictError } from '../recordings/errors.ts';
import { pendingNotificationFor } from '../recordings/notification.ts';
import type { Recording } from '../recordings/recording.ts';
import { exportEnding, type ResultsExportPort } from '../results/bi-export.ts';
import { type FailureCode, IngestMetric, type IngestOutcome, type RejectionCode } from './outcomes.ts';
import type { RecordingStore } from './ports.ts';

/**
 * The three ways ingest ends a recording: REJECTED (the input must be fixed), FAILED (Zoom's
 * credentials, or transient failures past the budget) and NEEDS_REVIEW (Zoom may hold an
 * interaction qm-ingest could not confirm). Each is written through the state machine with its
 * outbox notification, counted and logged, and the notification (with its alert) is published
 * right away, as the poller does: a person hears of it within seconds, not at the reconciler's
 * next run, which only retries a publish that failed; then the ending goes to the BI export. All
 * three are alert-worthy: a person has to act. A writer that finds the recording already moved by
 * another delivery stands down.
 */
export class RecordingEndings {
  readonly #recordings: RecordingStore;
  readonly #metrics: MetricsPort;
  readonly #publisher: Pick<OutboxPublisher, 'publishOrLeavePending'>;
  readonly #exporter: ResultsExportPort | undefined;

  constructor(
    recordings: RecordingStore,
    metrics: MetricsPort,
    publisher: Pick<OutboxPublisher, 'publishOrLeavePending'>,
    exporter: ResultsExportPort | undefined,
  ) {
    this.#recordings = recordings;
    this.#metrics = metrics;
    this.#publisher = publisher;
    this.#exporter = exporter;
  }

  async reject(
    recording: Recording,
    code: RejectionCode,
    reason: string,
    logger: StructuredLogger,
  ): Promise<IngestOutcome> {
    const written = await this.#end(recording, 'REJECTED', reason, { code }, logger, () => {
      this.#metrics.count(IngestMetric.rejected, 1, { reason: code });
      logger.warn('Recording rejected', { code, reason });
    });
    return written
      ? { kind: 'rejected', recordingId: recording.recordingId, code, reason }
      : standingDown(recording);
  }

  async fail(
    recording: Recording,
    code: FailureCode,
    reason: string,
    logger: StructuredLogger,
  ): Promise<IngestOutcome> {
    const written = await this.#end(recording, 'FAILED', reason, { code }, logger, () => {
      this.#metrics.count(IngestMetric.failed, 1, { reason: code });
      logger.error('Recording failed', { code, reason });
    });
    return written
      ? { kind: 'failed', recordingId: recording.recordingId, code, reason }
      : standingDown(recording);
  }

  async needsReview(recording: Recording, reason: string, logger: StructuredLogger): Promise<IngestOutcome> {
    const details = { code: 'possible-duplicate' };
    const written = await this.#end(recording, 'NEEDS_REVIEW', reason, details, logger, () => {
      this.#metrics.count(IngestMetric.needsReview);
      logger.error('Recording needs review', { reason });
    });
    return written
      ? { kind: 'needs-review', recordingId: recording.recordingId, reason }
      : standingDown(recording);
  }

  /**
   * Writes the terminal status, counts and logs it (`onWritten`), then publishes its notification
   * (never throwing: a failed publish stays pending in the outbox for the reconciler). False when
   * another writer moved the recording first.
   */
  async #end(
    recording: Recording,
    to: 'REJECTED' | 'FAILED' | 'NEEDS_REVIEW',
    reason: string,
    details: { readonly code: string },
    logger: StructuredLogger,
    onWritten: () => void,
  ): Promise<boolean> {
    const draft = { details: { ...details, alertWorthy: true, source: 'ingest' } };
    let ended: Recording;
    try {
      ended = await this.#recordings.transition(recording, { to, reason, notification: draft });
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
    onWritten();
    await this.#publisher.publishOrLeavePending(pendingNotificationFor(ended, draft));
    await exportEnding(this.#exporter, ended, undefined, { logger, metrics: this.#metrics });
    return true;
  }
}

function standingDown(recording: Recording): IngestOutcome {
  return { kind: 'skipped', reason: 'duplicate', recordingId: recording.recordingId };
}
