import type { MetricDimensions, MetricsPort } from '../observability/metrics.ts';

/**
 * The metrics the poller, the reconciler and the publisher emit: the project's metrics port
 * (counts, CloudWatch EMF through Powertools in Lambda) plus durations, which the drop-to-result
 * time needs. Names are the ones the dashboard and alarms use, so they are constants here.
 */
export interface MetricsRecorder extends MetricsPort {
  /** Records one duration, in milliseconds. */
  duration(name: string, milliseconds: number, dimensions?: MetricDimensions): void;
}

export const noMetrics: MetricsRecorder = { count: () => {}, duration: () => {} };

/**
 * A recorder over the project's metrics port, which has counts only: a duration is written as the
 * value of its metric (whose name says the unit, e.g. `DropToResultMs`), so CloudWatch still gives
 * its percentiles (drop-to-result p50/p95). To be replaced by a duration of the port itself when
 * it has one.
 */
export function withDurations(port: MetricsPort): MetricsRecorder {
  return {
    count: (name, value, dimensions) => port.count(name, value, dimensions),
    duration: (name, milliseconds, dimensions) => port.count(name, milliseconds, dimensions),
  };
}

export const PollMetric = {
  /** A recording finished EVALUATED / EVALUATION_FAILED / NO_EVALUATION / TIMED_OUT / FAILED. */
  evaluated: 'Evaluated',
  evaluationFailed: 'EvaluationFailed',
  noEvaluation: 'NoEvaluation',
  timedOut: 'TimedOut',
  failed: 'Failed',
  resubmitted: 'Resubmitted',
  /** From the drop into S3 to the final status, in milliseconds. */
  dropToResult: 'DropToResultMs',
  /** Counted polls of a recording's submission, when it finishes. */
  pollsPerRecording: 'PollsPerRecording',
  /** Zoom calls made by the poller, by operation and label (a call refused by the local limiter is not one). */
  zoomCalls: 'ZoomCalls',
  /** Rate-limit refusals, by label, kind (qps or daily) and source (zoom or local-limiter). */
  zoomRateLimited: 'ZoomRateLimited',
  /** Polls whose Zoom call failed otherwise (5xx, timeouts, auth, schema), by kind. */
  zoomErrors: 'ZoomErrors',
  /** Poll messages dropped as stale or duplicate. */
  stalePolls: 'StalePolls',
  /** Poll messages that could not be read (a bug: never from qm-ingest's own scheduler). */
  invalidPollMessages: 'InvalidPollMessages',
  /** Reconciler: overdue polls re-queued, recordings ended past their deadline. */
  requeuedPolls: 'RequeuedPolls',
  reconcilerTimedOut: 'ReconcilerTimedOut',
  /** Outbox: notifications published, and publishes that failed (retried by the reconciler). */
  notificationsPublished: 'NotificationsPublished',
  alertsPublished: 'AlertsPublished',
  publishFailures: 'PublishFailures',
} as const;
