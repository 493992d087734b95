import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as events from 'aws-cdk-lib/aws-events';
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
  /** Where the alarms on undeliverable alerts notify: never the alert topic they report on. */
  readonly alertFallbackTopic: sns.ITopic;
  readonly periodMinutes: number;
  readonly oldestMessageAgeSeconds: number;
  readonly zoomRateLimitedPerPeriod: number;
  readonly functionErrorsPerPeriod: number;
  readonly functionErrorRatePercent: number;
  readonly errorPeriodsToAlarm: number;
  readonly notificationBacklogPerPeriod: number;
  readonly webhookRejectedPerPeriod: number;
  /** Queues whose oldest message's age is watched. */
  readonly workQueues: readonly MonitoredQueue[];
  /** Queues that must stay empty: a first message raises the alarm. */
  readonly deadLetterQueues: readonly MonitoredQueue[];
  /** Dead-letter queues of alerts SNS could not deliver: their alarm goes to the fallback topic. */
  readonly alertDeadLetterQueues: readonly MonitoredQueue[];
  readonly functions: readonly MonitoredFunction[];
  /** The scheduled reconciler, whose silence raises an alarm. */
  readonly reconciler: { readonly function: lambda.IFunction; readonly intervalMinutes: number };
  /** The rule that matches the environment key being disabled or scheduled for deletion. */
  readonly keyStateRule: events.IRule;
}

/** Periods a function's error rate is evaluated over. */
const ERROR_EVALUATION_PERIODS = 3;
/** Reconciler intervals without a run that raise the heartbeat alarm (one may fall across a period boundary). */
const MISSED_RECONCILER_RUNS = 2;

interface AlarmSpec {
  readonly metric: cloudwatch.IMetric;
  readonly threshold: number;
  readonly description: string;
  readonly comparison?: cloudwatch.ComparisonOperator;
  readonly evaluationPeriods?: number;
  readonly datapointsToAlarm?: number;
  readonly treatMissingData?: cloudwatch.TreatMissingData;
  /** The alert topic unless given. */
  readonly action?: actions.SnsAction;
}

/**
 * The alarms of an environment, each notifying the alert topic when it fires and when it clears:
 * a message in any dead-letter queue, a queue falling behind (age of its oldest message), a
 * lasting function error rate, throttles, the reconciler not running, notifications that fail to
 * publish or pile up, stored items skipped as unreadable, the environment key disabled or
 * scheduled for deletion, evaluations that failed, recordings needing review, and Zoom answering
 * 429. Undeliverable alerts notify the fallback topic instead. Missing data is normal (no
 * traffic) and raises no alarm, except for the reconciler's heartbeat. The README's runbook has a
 * line for each alarm.
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
      this.#addNotEmpty(
        name,
        queue,
        `Messages are waiting in the ${name} dead-letter queue: each is work that failed repeatedly and needs a person (see the runbook in docs/operations.md).`,
      );
    }
    for (const { name, queue } of props.workQueues) {
      this.#add(`${name}-queue-falling-behind`, {
        metric: queue.metricApproximateAgeOfOldestMessage({ period: this.#period, statistic: 'Maximum' }),
        threshold: props.oldestMessageAgeSeconds,
        description: `The oldest message in the ${name} queue is older than ${props.oldestMessageAgeSeconds} s: the pipeline is falling behind or stuck.`,
      });
    }
    const fallback = new actions.SnsAction(props.alertFallbackTopic);
    for (const { name, queue } of props.alertDeadLetterQueues) {
      this.#addNotEmpty(
        name,
        queue,
        `Alerts could not be delivered to a subscriber of the alert topic (they wait in the ${name} dead-letter queue): a bounced address or a failing webhook. This alarm notifies the fallback topic, not the alert topic.`,
        fallback,
      );
    }
    for (const { name, function: fn } of props.functions) {
      this.#add(`${name}-errors`, {
        metric: this.#errorRate(fn),
        threshold: props.functionErrorRatePercent,
        evaluationPeriods: ERROR_EVALUATION_PERIODS,
        datapointsToAlarm: props.errorPeriodsToAlarm,
        description: `In ${props.errorPeriodsToAlarm} of ${ERROR_EVALUATION_PERIODS} periods of ${props.periodMinutes} min, the ${name} function failed ${props.functionErrorsPerPeriod} or more times, ${props.functionErrorRatePercent}% or more of its invocations: see its logs.`,
      });
      this.#add(`${name}-throttles`, {
        metric: fn.metricThrottles({ period: this.#period, statistic: 'Sum' }),
        threshold: 1,
        description: `The ${name} function was throttled: the account's Lambda concurrency is exhausted.`,
      });
    }
    this.#addHealthAlarms();
    this.#addPipelineAlarms();
  }

  /** Failed invocations as a percentage of all, only once there are at least the minimum: one blip is no alarm. */
  #errorRate(fn: lambda.IFunction): cloudwatch.MathExpression {
    const { functionErrorsPerPeriod } = this.#props;
    return new cloudwatch.MathExpression({
      expression: `IF(errors >= ${functionErrorsPerPeriod}, 100 * errors / invocations, 0)`,
      usingMetrics: {
        errors: fn.metricErrors({ period: this.#period, statistic: 'Sum' }),
        invocations: fn.metricInvocations({ period: this.#period, statistic: 'Sum' }),
      },
      period: this.#period,
      label: 'Error rate (%)',
    });
  }

  /** The pipeline's own machinery: the reconciler runs and the environment key is usable. */
  #addHealthAlarms(): void {
    const { reconciler, keyStateRule } = this.#props;
    const interval = Duration.minutes(reconciler.intervalMinutes);
    this.#add('reconcile-not-running', {
      metric: reconciler.function.metricInvocations({ period: interval, statistic: 'Sum' }),
      threshold: 1,
      comparison: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: MISSED_RECONCILER_RUNS,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      description: `The reconciler has not run in ${MISSED_RECONCILER_RUNS} intervals of ${reconciler.intervalMinutes} min: overdue polls, deadlines and pending notifications are not handled. Its schedule rule may be disabled or its invocations dropped.`,
    });
    this.#add('key-state', {
      metric: new cloudwatch.Metric({
        namespace: 'AWS/Events',
        metricName: 'TriggeredRules',
        dimensionsMap: { RuleName: keyStateRule.ruleName },
        period: this.#period,
        statistic: 'Sum',
      }),
      threshold: 1,
      description:
        'Someone disabled the environment key or scheduled its deletion: every function, queue and the table stop working with it.',
    });
  }

  /** Alarms on the functions' own metrics (Metrics Insights over the environment's series). */
  #addPipelineAlarms(): void {
    const {
      environmentName,
      zoomRateLimitedPerPeriod,
      periodMinutes,
      notificationBacklogPerPeriod,
      webhookRejectedPerPeriod,
    } = this.#props;
    const alarms: readonly {
      readonly name: string;
      readonly metricName: string;
      readonly label: string;
      readonly threshold: number;
      readonly description: string;
      readonly where?: Readonly<Record<string, string>>;
    }[] = [
      {
        name: 'publish-failures',
        metricName: PIPELINE_METRICS.publishFailures,
        label: 'Publish failures',
        threshold: 1,
        description:
          'A notification or alert could not be published to SNS: it stays pending in the outbox and the reconciler retries it.',
      },
      {
        name: 'notification-backlog',
        metricName: PIPELINE_METRICS.notificationBacklog,
        label: 'Notifications pending past their writer',
        threshold: notificationBacklogPerPeriod,
        description: `The reconciler found ${notificationBacklogPerPeriod} or more notifications still pending in ${periodMinutes} min: publishing is failing or falling behind.`,
      },
      {
        name: 'unreadable-items-skipped',
        metricName: PIPELINE_METRICS.unreadableItemsSkipped,
        label: 'Unreadable items skipped',
        threshold: 1,
        description:
          'A stored item could not be read and was skipped: its key is in the logs of the function that skipped it.',
      },
      {
        name: 'evaluations-failed',
        metricName: PIPELINE_METRICS.evaluationFailed,
        label: 'Evaluations failed',
        threshold: 1,
        description: 'Zoom reported a failed automated evaluation: the recording ended EVALUATION_FAILED.',
      },
      {
        name: 'needs-review',
        metricName: PIPELINE_METRICS.needsReview,
        label: 'Recordings needing review',
        threshold: 1,
        description:
          'A recording ended NEEDS_REVIEW: Zoom may hold an interaction qm-ingest could not confirm. Check before resubmitting.',
      },
      {
        name: 'webhook-signatures-rejected',
        metricName: PIPELINE_METRICS.webhookRejected,
        label: 'Webhook requests refused',
        threshold: webhookRejectedPerPeriod,
        description: `The webhook endpoint refused ${webhookRejectedPerPeriod} or more requests for their signature in ${periodMinutes} min: someone is probing it, or a Zoom secret's webhook_secret_token no longer matches the Zoom app's Secret Token (see docs/architecture.md, Zoom webhooks).`,
      },
      {
        name: 'zoom-rate-limited',
        metricName: PIPELINE_METRICS.zoomRateLimited,
        label: 'Zoom 429 answers',
        where: { [PIPELINE_METRICS.dimensions.source]: ZOOM_RATE_LIMIT_SOURCE },
        threshold: zoomRateLimitedPerPeriod,
        description: `Zoom answered 429 ${zoomRateLimitedPerPeriod} or more times in ${periodMinutes} min: another app shares the account's budget, or the plan limits configured are too high.`,
      },
    ];
    for (const { name, metricName, label, threshold, description, where } of alarms) {
      this.#add(name, {
        metric: insightsMetric(
          metricName,
          environmentName,
          this.#period,
          label,
          where === undefined ? {} : { where },
        ),
        threshold,
        description,
      });
    }
  }

  /** A dead-letter queue must stay empty: its first message raises the alarm. */
  #addNotEmpty(name: string, queue: sqs.IQueue, description: string, action?: actions.SnsAction): void {
    this.#add(`${name}-dlq-not-empty`, {
      metric: queue.metricApproximateNumberOfMessagesVisible({ period: this.#period, statistic: 'Maximum' }),
      threshold: 1,
      description,
      ...(action === undefined ? {} : { action }),
    });
  }

  #add(name: string, spec: AlarmSpec): void {
    const alarm = new cloudwatch.Alarm(this, name, {
      alarmName: `${this.#props.alarmPrefix}${name}`,
      alarmDescription: spec.description,
      metric: spec.metric,
      threshold: spec.threshold,
      comparisonOperator: spec.comparison ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: spec.evaluationPeriods ?? 1,
      ...(spec.datapointsToAlarm === undefined ? {} : { datapointsToAlarm: spec.datapointsToAlarm }),
      treatMissingData: spec.treatMissingData ?? cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const action = spec.action ?? this.#action;
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.push(alarm);
  }
}
