/**
 * The names of the metrics the poller, the reconciler and the publisher emit through the
 * project's metrics port (counts and durations; CloudWatch EMF through Powertools in Lambda).
 * Names are the ones the dashboard and alarms use, so they are constants here.
 */

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
  /** Reconciler: notifications it found still pending past the writer's own publish (the outbox backlog). */
  notificationBacklog: 'NotificationBacklog',
  reconcilerTimedOut: 'ReconcilerTimedOut',
  /** Reconciler: recordings stuck before submission ended, by `stuckIn` and `endedAs` (FAILED or NEEDS_REVIEW). */
  stuckEnded: 'StuckRecordingsEnded',
  /** Outbox: notifications published, and publishes that failed (retried by the reconciler). */
  notificationsPublished: 'NotificationsPublished',
  alertsPublished: 'AlertsPublished',
  publishFailures: 'PublishFailures',
  unreadableItemsSkipped: 'UnreadableItemsSkipped',
  /** A finished recording's results amended: an evaluation completed or changed after it finished. */
  resultsAmended: 'ResultsAmended',
  /** Finished recordings looked at again for late manual evaluations (no webhooks), by `outcome`. */
  lateChecks: 'LateEvaluationChecks',
  /** Webhook signals handled by the poll function, by `signal` and what came of it (`outcome`). */
  webhookSignals: 'WebhookSignals',
} as const;
