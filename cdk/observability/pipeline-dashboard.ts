import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import {
  type InsightsQueryOptions,
  insightsMetric,
  PIPELINE_METRICS,
  percentileSearch,
  ZOOM_RATE_LIMIT_SOURCE,
} from './metric-catalog.ts';
import type { MonitoredFunction, MonitoredQueue } from './pipeline-alarms.ts';

export interface PipelineDashboardProps {
  readonly dashboardName: string;
  readonly environmentName: string;
  readonly periodMinutes: number;
  readonly workQueues: readonly MonitoredQueue[];
  readonly deadLetterQueues: readonly MonitoredQueue[];
  readonly functions: readonly MonitoredFunction[];
  readonly alarms: readonly cloudwatch.IAlarm[];
}

const WIDTH = 24;

/**
 * One CloudWatch dashboard per environment, read top to bottom as the pipeline runs: alarms;
 * recordings received, submitted and evaluated; what failed and why; the time from a drop to its
 * result (p50, p95); Zoom calls and 429s by rate-limit label; queue depths and ages; functions.
 */
export class PipelineDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: PipelineDashboardProps) {
    super(scope, id);
    const period = Duration.minutes(props.periodMinutes);
    const environment = props.environmentName;
    const sum = (name: string, label: string, options: InsightsQueryOptions = {}) =>
      insightsMetric(name, environment, period, label, options);
    const graph = (title: string, left: cloudwatch.IMetric[], width = WIDTH / 2) =>
      new cloudwatch.GraphWidget({ title, left, width, height: 6, period });
    const metrics = PIPELINE_METRICS;
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(24),
    });
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({
        title: 'Alarms',
        alarms: [...props.alarms],
        width: WIDTH,
        height: 4,
      }),
    );
    this.dashboard.addWidgets(
      graph('Recordings', [
        sum(metrics.received, 'Received'),
        sum(metrics.submitted, 'Submitted'),
        sum(metrics.evaluated, 'Evaluated'),
      ]),
      graph('Failed, by reason', [
        sum(metrics.rejected, 'Rejected', { groupBy: metrics.dimensions.reason }),
        sum(metrics.ingestFailed, 'Failed at ingest', { groupBy: metrics.dimensions.reason }),
        sum(metrics.needsReview, 'Needs review'),
        sum(metrics.evaluationFailed, 'Evaluation failed'),
        sum(metrics.noEvaluation, 'No evaluation'),
        sum(metrics.timedOut, 'Timed out'),
        sum(metrics.pollFailed, 'Failed while polling'),
      ]),
    );
    this.dashboard.addWidgets(
      graph(
        'Drop to result (ms)',
        [
          percentileSearch(metrics.dropToResult, environment, 'p50', period, 'p50'),
          percentileSearch(metrics.dropToResult, environment, 'p95', period, 'p95'),
        ],
        WIDTH / 3,
      ),
      graph(
        'Zoom calls by label',
        [sum(metrics.zoomCalls, 'Calls', { groupBy: metrics.dimensions.label })],
        WIDTH / 3,
      ),
      graph(
        'Zoom 429s by label',
        [
          sum(metrics.zoomRateLimited, '429', {
            where: { [metrics.dimensions.source]: ZOOM_RATE_LIMIT_SOURCE },
            groupBy: metrics.dimensions.label,
          }),
        ],
        WIDTH / 3,
      ),
    );
    const queues = [...props.workQueues, ...props.deadLetterQueues];
    this.dashboard.addWidgets(
      graph(
        'Queue depth (visible, delayed, in flight)',
        queues.flatMap(({ name, queue }) => [
          queue.metricApproximateNumberOfMessagesVisible({
            period,
            statistic: 'Maximum',
            label: `${name} visible`,
          }),
          queue.metricApproximateNumberOfMessagesDelayed({
            period,
            statistic: 'Maximum',
            label: `${name} delayed`,
          }),
          queue.metricApproximateNumberOfMessagesNotVisible({
            period,
            statistic: 'Maximum',
            label: `${name} in flight`,
          }),
        ]),
      ),
      graph(
        'Age of the oldest message (s)',
        queues.map(({ name, queue }) =>
          queue.metricApproximateAgeOfOldestMessage({ period, statistic: 'Maximum', label: name }),
        ),
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'Function errors and throttles',
        props.functions.flatMap(({ name, function: fn }) => [
          fn.metricErrors({ period, statistic: 'Sum', label: `${name} errors` }),
          fn.metricThrottles({ period, statistic: 'Sum', label: `${name} throttles` }),
        ]),
      ),
      graph(
        'Function duration p95 (ms) and concurrency',
        props.functions.flatMap(({ name, function: fn }) => [
          fn.metricDuration({ period, statistic: 'p95', label: `${name} p95` }),
          fn.metric('ConcurrentExecutions', { period, statistic: 'Maximum', label: `${name} concurrency` }),
        ]),
      ),
    );
  }
}
