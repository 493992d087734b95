import type { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { IngestMetric } from '../../shared/ingest/outcomes.ts';
import { METRICS_NAMESPACE } from '../../shared/observability/powertools.ts';
import { PollMetric } from '../../shared/polling/metrics.ts';
import { WebhookMetric } from '../../shared/webhooks/metrics.ts';

/**
 * The metrics the functions emit (CloudWatch EMF through Powertools) as the alarms and the
 * dashboard read them: the namespace and metric names come from the modules that emit them, so a
 * rename breaks the build rather than an alarm. Every metric carries the default dimensions
 * `service` (the function) and `environment` (the environment's name, which separates two
 * environments in one account); the queries select on `environment` and group by the few
 * dimensions named here.
 */
export const PIPELINE_METRICS = {
  namespace: METRICS_NAMESPACE,
  dimensions: {
    environment: 'environment',
    /** The Zoom rate-limit label of a call (LIGHT, MEDIUM, HEAVY). */
    label: 'label',
    /** Who refused a call for rate limit: `zoom` (an HTTP 429) or `local-limiter` (qm-ingest's own budget). */
    source: 'source',
    /** Why a recording was rejected or failed. */
    reason: 'reason',
  },
  received: IngestMetric.received,
  submitted: IngestMetric.submitted,
  rejected: IngestMetric.rejected,
  ingestFailed: IngestMetric.failed,
  needsReview: IngestMetric.needsReview,
  evaluated: PollMetric.evaluated,
  evaluationFailed: PollMetric.evaluationFailed,
  noEvaluation: PollMetric.noEvaluation,
  timedOut: PollMetric.timedOut,
  pollFailed: PollMetric.failed,
  dropToResult: PollMetric.dropToResult,
  zoomCalls: PollMetric.zoomCalls,
  zoomRateLimited: PollMetric.zoomRateLimited,
  publishFailures: PollMetric.publishFailures,
  unreadableItemsSkipped: PollMetric.unreadableItemsSkipped,
  notificationBacklog: PollMetric.notificationBacklog,
  webhookRejected: WebhookMetric.rejected,
} as const;

/** The Zoom answer that counts as a rate-limit refusal in the 429 alarm. */
export const ZOOM_RATE_LIMIT_SOURCE = 'zoom';

export interface InsightsQueryOptions {
  /** More dimension = value conditions, besides the environment. */
  readonly where?: Readonly<Record<string, string>>;
  /** One series per value of this dimension (dashboards only: an alarm needs a single series). */
  readonly groupBy?: string;
}

/**
 * A CloudWatch Metrics Insights query summing `metricName` over every series of the environment,
 * whatever other dimensions they carry (ingest and poll emit the same metric with different ones).
 */
export function insightsQuery(
  metricName: string,
  environment: string,
  options: InsightsQueryOptions = {},
): string {
  const conditions = Object.entries({
    [PIPELINE_METRICS.dimensions.environment]: environment,
    ...options.where,
  })
    .map(([dimension, value]) => `${dimension} = '${value}'`)
    .join(' AND ');
  const groupBy = options.groupBy === undefined ? '' : ` GROUP BY ${options.groupBy}`;
  return `SELECT SUM(${metricName}) FROM ${PIPELINE_METRICS.namespace} WHERE ${conditions}${groupBy}`;
}

/** A Metrics Insights query as a metric for an alarm or a graph. */
export function insightsMetric(
  metricName: string,
  environment: string,
  period: Duration,
  label: string,
  options: InsightsQueryOptions = {},
): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: insightsQuery(metricName, environment, options),
    usingMetrics: {},
    period,
    label,
  });
}

/**
 * A percentile of a pipeline metric: Metrics Insights has no percentiles, so this searches the
 * environment's series of the metric with the given statistic (p50, p95).
 */
export function percentileSearch(
  metricName: string,
  environment: string,
  statistic: string,
  period: Duration,
  label: string,
): cloudwatch.MathExpression {
  const search = `Namespace="${PIPELINE_METRICS.namespace}" MetricName="${metricName}" ${PIPELINE_METRICS.dimensions.environment}="${environment}"`;
  return new cloudwatch.MathExpression({
    expression: `SEARCH('${search}', '${statistic}', ${period.toSeconds()})`,
    usingMetrics: {},
    period,
    label,
  });
}
