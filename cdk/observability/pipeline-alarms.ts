import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { insightsMetric, PIPELINE_METRICS, ZOOM_RATE_LIMIT_SOURCE } from './metric-catalog.ts';

export interface MonitoredQueue {
  /** A short name for alarm names and descriptions (`ingest`, `poll`). */
  readonly name: string;
  readonly queue: sqs.IQueue;
}

export interface MonitoredFunction {
  readonly name: string;
  readonly function: lambda.IFunction;
}

export interface PipelineAlarmsProps {
  readonly environmentName: string;
  /** Every alarm's name starts with this. */
  readonly alarmPrefix: string;
  readonly alertTopic: sns.ITopic;
  readonly periodMinutes: number;
  readonly oldestMessageAgeSeconds: number;
  readonly zoomRateLimitedPerPeriod: number;
  readonly functionErrorsPerPeriod: number;
  readonly webhookRejectedPerPeriod: number;
  /** Queues whose oldest message's age is watched. */
  readonly workQueues: readonly MonitoredQueue[];
  /** Queues that must stay empty: a first message raises the alarm. */
  readonly deadLetterQueues: readonly MonitoredQueue[];
  readonly functions: readonly MonitoredFunction[];
}

/**
 * The alarms of an environment, each notifying the alert topic when it fires and when it clears:
 * a message in any dead-letter queue, a queue falling behind (age of its oldest message), function
 * errors and throttles, evaluations that failed, recordings needing review, and Zoom answering
 * 429. Missing data is normal (no traffic) and never raises an alarm.
 */
export class PipelineAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly #props: PipelineAlarmsProps;
  readonly #action: actions.SnsAction;
  readonly #period: Duration;

  constructor(scope: Construct, id: string, props: PipelineAlarmsProps) {
    super(scope, id);
    this.#props = props;
    this.#action = new actions.SnsAction(props.alertTopic);
    this.#period = Duration.minutes(props.periodMinutes);
    for (const { name, queue } of props.deadLetterQueues) {
      this.#add(`${name}-dlq-not-empty`, {
        metric: queue.metricApproximateNumberOfMessagesVisible({
          period: this.#period,
          statistic: 'Maximum',
        }),
        threshold: 1,
        description: `Messages are waiting in the ${name} dead-letter queue: each is work that failed repeatedly and needs a person (see the README's runbook).`,
      });
    }
    for (const { name, queue } of props.workQueues) {
      this.#add(`${name}-queue-falling-behind`, {
        metric: queue.metricApproximateAgeOfOldestMessage({ period: this.#period, statistic: 'Maximum' }),
        threshold: props.oldestMessageAgeSeconds,
        description: `The oldest message in the ${name} queue is older than ${props.oldestMessageAgeSeconds} s: the pipeline is falling behind or stuck.`,
      });
    }
    for (const { name, function: fn } of props.functions) {
      this.#add(`${name}-errors`, {
        metric: fn.metricErrors({ period: this.#period, statistic: 'Sum' }),
        threshold: props.functionErrorsPerPeriod,
        description: `The ${name} function failed ${props.functionErrorsPerPeriod} or more times in ${props.periodMinutes} min: see its logs.`,
      });
      this.#add(`${name}-throttles`, {
        metric: fn.metricThrottles({ period: this.#period, statistic: 'Sum' }),
        threshold: 1,
        description: `The ${name} function was throttled: the account's Lambda concurrency is exhausted.`,
      });
    }
    this.#addPipelineAlarms();
  }

  #addPipelineAlarms(): void {
    const { environmentName, zoomRateLimitedPerPeriod, periodMinutes } = this.#props;
    const metric = (name: string, label: string, where?: Record<string, string>) =>
      insightsMetric(name, environmentName, this.#period, label, where === undefined ? {} : { where });
    this.#add('evaluations-failed', {
      metric: metric(PIPELINE_METRICS.evaluationFailed, 'Evaluations failed'),
      threshold: 1,
      description: 'Zoom reported a failed automated evaluation: the recording ended EVALUATION_FAILED.',
    });
    this.#add('needs-review', {
      metric: metric(PIPELINE_METRICS.needsReview, 'Recordings needing review'),
      threshold: 1,
      description:
        'A recording ended NEEDS_REVIEW: Zoom may hold an interaction qm-ingest could not confirm. Check before resubmitting.',
    });
    this.#add('webhook-signatures-rejected', {
      metric: metric(PIPELINE_METRICS.webhookRejected, 'Webhook requests refused'),
      threshold: this.#props.webhookRejectedPerPeriod,
      description: `The webhook endpoint refused ${this.#props.webhookRejectedPerPeriod} or more requests for their signature in ${periodMinutes} min: someone is probing it, or a Zoom secret's webhook_secret_token no longer matches the Zoom app's Secret Token (see the README's webhook section).`,
    });
    this.#add('zoom-rate-limited', {
      metric: metric(PIPELINE_METRICS.zoomRateLimited, 'Zoom 429 answers', {
        [PIPELINE_METRICS.dimensions.source]: ZOOM_RATE_LIMIT_SOURCE,
      }),
      threshold: zoomRateLimitedPerPeriod,
      description: `Zoom answered 429 ${zoomRateLimitedPerPeriod} or more times in ${periodMinutes} min: another app shares the account's budget, or the plan limits configured are too high.`,
    });
  }

  #add(
    name: string,
    spec: { readonly metric: cloudwatch.IMetric; readonly threshold: number; readonly description: string },
  ): void {
    const alarm = new cloudwatch.Alarm(this, name, {
      alarmName: `${this.#props.alarmPrefix}${name}`,
      alarmDescription: spec.description,
      metric: spec.metric,
      threshold: spec.threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.#action);
    alarm.addOkAction(this.#action);
    this.alarms.push(alarm);
  }
}
