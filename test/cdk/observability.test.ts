import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { PIPELINE_METRICS } from '../../cdk/observability/metric-catalog.ts';
import { synthesizedPerFile } from './helpers/synthesis-per-file.ts';
import {
  arnOf,
  keyAliasedAs,
  onlyRuleMay,
  type Properties,
  refOf,
  resourceNamed,
  resourcesOf,
} from './helpers/template.ts';

const synthesis = synthesizedPerFile();

const alarmsOf = (name: string) =>
  new Map(
    resourcesOf(synthesis.get(name).template, 'AWS::CloudWatch::Alarm').map((alarm) => [
      String(alarm.properties['AlarmName']).replace(`qm-ingest-${name}-`, ''),
      alarm.properties,
    ]),
  );
const alertTopicOf = (name: string) =>
  resourceNamed(synthesis.get(name).template, 'AWS::SNS::Topic', 'TopicName', `qm-ingest-${name}-alerts`);

const fallbackTopicOf = (name: string) =>
  resourceNamed(
    synthesis.get(name).template,
    'AWS::SNS::Topic',
    'TopicName',
    `qm-ingest-${name}-alerts-undeliverable`,
  );

describe.each(['dev', 'staging', 'prod'])('the alarms of %s', (name) => {
  it('cover every DLQ, each queue’s age, each function’s errors and throttles, the pipeline’s health, failed evaluations, reviews and 429s', () => {
    // Prepare
    const rotation =
      name === 'staging' ? ['url-signer-rotation-errors', 'url-signer-rotation-throttles'] : [];

    // Act
    const alarms = [...alarmsOf(name).keys()].sort();

    // Assess
    expect(alarms).toEqual(
      [
        'ingest-dlq-not-empty',
        'poll-dlq-not-empty',
        'delivery-dlq-not-empty',
        'alert-delivery-dlq-not-empty',
        'ingest-queue-falling-behind',
        'poll-queue-falling-behind',
        'ingest-errors',
        'ingest-throttles',
        'poll-errors',
        'poll-throttles',
        'reconcile-errors',
        'reconcile-throttles',
        'webhook-errors',
        'webhook-throttles',
        'webhook-signatures-rejected',
        ...rotation,
        'reconcile-not-running',
        'publish-failures',
        'notification-backlog',
        'unreadable-items-skipped',
        'key-state',
        'evaluations-failed',
        'needs-review',
        'zoom-rate-limited',
      ].sort(),
    );
  });

  it('notify the alert topic when they fire and when they clear', () => {
    // Prepare
    const topic = refOf(alertTopicOf(name).logicalId);
    const fallback = refOf(fallbackTopicOf(name).logicalId);

    // Act
    const actions = [...alarmsOf(name).entries()].map(([alarm, properties]) => [
      alarm,
      properties['AlarmActions'],
      properties['OKActions'],
    ]);

    // Assess: undeliverable alerts go to the fallback topic, which does not depend on the alert topic.
    expect(actions).toEqual(
      actions.map(([alarm]) =>
        alarm === 'alert-delivery-dlq-not-empty'
          ? [alarm, [fallback], [fallback]]
          : [alarm, [topic], [topic]],
      ),
    );
  });

  it('treat missing data as normal, except the reconciler’s heartbeat: no run is the alarm', () => {
    // Act
    const missingData = [...alarmsOf(name).entries()].map(([alarm, properties]) => [
      alarm,
      properties['TreatMissingData'],
    ]);

    // Assess
    expect(missingData).toEqual(
      missingData.map(([alarm]) => [alarm, alarm === 'reconcile-not-running' ? 'breaching' : 'notBreaching']),
    );
  });

  it('fire when the reconciler has not run for two of its intervals', () => {
    // Prepare
    const { stack, template } = synthesis.get(name);
    const reconcile = resourceNamed(
      template,
      'AWS::Lambda::Function',
      'FunctionName',
      stack.resources.names.functions.reconcile,
    );

    // Act
    const alarm = alarmsOf(name).get('reconcile-not-running');

    // Assess
    expect(alarm).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Invocations',
      Dimensions: [{ Name: 'FunctionName', Value: refOf(reconcile.logicalId) }],
      Statistic: 'Sum',
      Period: stack.resources.functions.reconcile.scheduleRateMinutes * 60,
      EvaluationPeriods: 2,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
    });
  });

  it('fire on a lasting error rate, not on one failed invocation', () => {
    // Prepare
    const { alarms } = synthesis.get(name).deployment;

    // Act
    const alarm = alarmsOf(name).get('poll-errors');

    // Assess
    expect(alarm).toMatchObject({
      Threshold: alarms.functionErrorRatePercent,
      EvaluationPeriods: 3,
      DatapointsToAlarm: alarms.errorPeriodsToAlarm,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    const metrics = alarm?.['Metrics'] as Properties[];
    expect(metrics[0]).toMatchObject({
      Expression: `IF(errors >= ${alarms.functionErrorsPerPeriod}, 100 * errors / invocations, 0)`,
    });
    expect(
      metrics.slice(1).map((metric) => [metric['Id'], (metric['MetricStat'] as Properties)['Metric']]),
    ).toEqual([
      ['errors', expect.objectContaining({ MetricName: 'Errors' })],
      ['invocations', expect.objectContaining({ MetricName: 'Invocations' })],
    ]);
    expect(alarms.functionErrorsPerPeriod).toBeGreaterThan(1);
  });

  it('fire when someone disables the environment key or schedules its deletion', () => {
    // Prepare
    const { stack, template } = synthesis.get(name);
    const rule = resourceNamed(template, 'AWS::Events::Rule', 'Name', stack.resources.names.keyStateRule);
    const key = keyAliasedAs(template, stack.resources.names.keyAlias);
    const alertDeliveries = resourceNamed(
      template,
      'AWS::SQS::Queue',
      'QueueName',
      stack.resources.names.alertDeliveryDeadLetterQueue,
    );

    // Act
    const alarm = alarmsOf(name).get('key-state');

    // Assess
    expect(rule.properties['EventPattern']).toEqual({
      source: ['aws.kms'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: {
        eventSource: ['kms.amazonaws.com'],
        eventName: ['DisableKey', 'ScheduleKeyDeletion'],
        resources: { ARN: [arnOf(key.logicalId)] },
      },
    });
    expect(rule.properties['Targets']).toEqual([
      expect.objectContaining({
        Arn: refOf(alertTopicOf(name).logicalId),
        DeadLetterConfig: { Arn: arnOf(alertDeliveries.logicalId) },
      }),
    ]);
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [refOf(alertTopicOf(name).logicalId)],
      PolicyDocument: {
        Statement: Match.arrayWith([onlyRuleMay('sns:Publish', rule.logicalId)]),
      },
    });
    expect(alarm).toMatchObject({
      Namespace: 'AWS/Events',
      MetricName: 'TriggeredRules',
      Dimensions: [{ Name: 'RuleName', Value: refOf(rule.logicalId) }],
      Threshold: 1,
    });
  });

  it('fire on the first message in a dead-letter queue', () => {
    // Prepare
    const { names } = synthesis.get(name).stack.resources;
    const dlq = resourceNamed(
      synthesis.get(name).template,
      'AWS::SQS::Queue',
      'QueueName',
      names.pollDeadLetterQueue,
    );

    // Act
    const alarm = alarmsOf(name).get('poll-dlq-not-empty');

    // Assess
    expect(alarm).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq.logicalId, 'QueueName'] } }],
      Statistic: 'Maximum',
      Threshold: 1,
    });
  });

  it('read the pipeline’s own metrics of this environment only', () => {
    // Prepare
    const { deployment } = synthesis.get(name);

    // Act
    const expression = (alarm: string) =>
      (alarmsOf(name).get(alarm)?.['Metrics'] as Properties[] | undefined)?.[0]?.['Expression'];

    // Assess
    expect(expression('evaluations-failed')).toBe(
      `SELECT SUM(${PIPELINE_METRICS.evaluationFailed}) FROM QmIngest WHERE environment = '${name}'`,
    );
    expect(expression('needs-review')).toBe(
      `SELECT SUM(${PIPELINE_METRICS.needsReview}) FROM QmIngest WHERE environment = '${name}'`,
    );
    expect(expression('zoom-rate-limited')).toBe(
      `SELECT SUM(${PIPELINE_METRICS.zoomRateLimited}) FROM QmIngest WHERE environment = '${name}' AND source = 'zoom'`,
    );
    expect(alarmsOf(name).get('zoom-rate-limited')?.['Threshold']).toBe(
      deployment.alarms.zoomRateLimitedPerPeriod,
    );
    expect(alarmsOf(name).get('ingest-queue-falling-behind')?.['Threshold']).toBe(
      deployment.alarms.oldestMessageAgeSeconds,
    );
    expect(expression('publish-failures')).toBe(
      `SELECT SUM(${PIPELINE_METRICS.publishFailures}) FROM QmIngest WHERE environment = '${name}'`,
    );
    expect(expression('notification-backlog')).toBe(
      `SELECT SUM(${PIPELINE_METRICS.notificationBacklog}) FROM QmIngest WHERE environment = '${name}'`,
    );
    expect(alarmsOf(name).get('notification-backlog')?.['Threshold']).toBe(
      deployment.alarms.notificationBacklogPerPeriod,
    );
    expect(expression('unreadable-items-skipped')).toBe(
      `SELECT SUM(UnreadableItemsSkipped) FROM QmIngest WHERE environment = '${name}'`,
    );
    expect(alarmsOf(name).get('unreadable-items-skipped')?.['Threshold']).toBe(1);
  });

  it('may publish to the encrypted alert topic: CloudWatch may use the alerting key, not the data key', () => {
    // Prepare
    const { template, stack } = synthesis.get(name);
    const cloudwatchMay = (alias: string) =>
      (keyAliasedAs(template, alias).properties['KeyPolicy'] as { Statement: Properties[] }).Statement.some(
        (statement) =>
          JSON.stringify(statement['Principal']) === JSON.stringify({ Service: 'cloudwatch.amazonaws.com' }),
      );

    // Act
    const mayUse = [stack.resources.names.alertKeyAlias, stack.resources.names.keyAlias].map(cloudwatchMay);

    // Assess
    expect(mayUse).toEqual([true, false]);
  });
});

describe.each(['dev', 'staging', 'prod'])('the topics of %s', (name) => {
  it('are encrypted, notifications with the environment key, alerts with the alerting key, and refuse publishing without TLS', () => {
    // Prepare
    const { template, stack } = synthesis.get(name);
    const key = keyAliasedAs(template, stack.resources.names.keyAlias).logicalId;
    const alertsKey = keyAliasedAs(template, stack.resources.names.alertKeyAlias).logicalId;

    // Act
    const topics = resourcesOf(template, 'AWS::SNS::Topic');

    // Assess
    expect(topics.map((topic) => topic.properties['TopicName']).sort()).toEqual([
      `qm-ingest-${name}-alerts`,
      `qm-ingest-${name}-alerts-undeliverable`,
      `qm-ingest-${name}-notifications`,
    ]);
    for (const topic of topics) {
      const notifications = topic.properties['TopicName'] === `qm-ingest-${name}-notifications`;
      expect(topic.properties['KmsMasterKeyId']).toEqual(arnOf(notifications ? key : alertsKey));
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [refOf(topic.logicalId)],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it('subscribe the configured addresses and webhook to alerts, undeliverable alerts kept in their own DLQ, the addresses also to the fallback', () => {
    // Prepare
    const { template, deployment, stack } = synthesis.get(name);
    const delivery = resourceNamed(
      template,
      'AWS::SQS::Queue',
      'QueueName',
      stack.resources.names.alertDeliveryDeadLetterQueue,
    );
    const expected = [
      ...deployment.alerts.emails.map((email) => ({ Protocol: 'email', Endpoint: email })),
      ...(deployment.alerts.webhookUrl === undefined
        ? []
        : [{ Protocol: 'https', Endpoint: deployment.alerts.webhookUrl }]),
    ];

    // Act
    const subscriptions = resourcesOf(template, 'AWS::SNS::Subscription').map(
      (subscription) => subscription.properties,
    );

    // Assess
    expect(subscriptions).toEqual([
      ...expected.map((subscription) => ({
        ...subscription,
        TopicArn: refOf(alertTopicOf(name).logicalId),
        RedrivePolicy: { deadLetterTargetArn: arnOf(delivery.logicalId) },
      })),
      ...deployment.alerts.emails.map((email) => ({
        Protocol: 'email',
        Endpoint: email,
        TopicArn: refOf(fallbackTopicOf(name).logicalId),
      })),
    ]);
  });
});

describe('the dashboard', () => {
  it.each(['dev', 'staging', 'prod'])('of %s shows the pipeline from drop to result', (name) => {
    // Prepare
    const { template, stack } = synthesis.get(name);
    const dashboard = resourceNamed(
      template,
      'AWS::CloudWatch::Dashboard',
      'DashboardName',
      stack.resources.names.dashboard,
    );

    // Act
    const body = JSON.stringify(dashboard.properties['DashboardBody']);

    // Assess
    for (const title of [
      'Alarms',
      'Recordings',
      'Failed, by reason',
      'Drop to result (ms)',
      'Zoom calls by label',
      'Zoom 429s by label',
      'Queue depth (visible, delayed, in flight)',
      'Age of the oldest message (s)',
    ]) {
      expect(body).toContain(title);
    }
    for (const metric of [
      PIPELINE_METRICS.received,
      PIPELINE_METRICS.submitted,
      PIPELINE_METRICS.evaluated,
    ]) {
      expect(body).toContain(`SELECT SUM(${metric}) FROM QmIngest WHERE environment = '${name}'`);
    }
    expect(body).toContain(`GROUP BY ${PIPELINE_METRICS.dimensions.reason}`);
    expect(body).toContain(
      `SELECT SUM(${PIPELINE_METRICS.zoomCalls}) FROM QmIngest WHERE environment = '${name}' GROUP BY label`,
    );
    for (const percentile of ['p50', 'p95']) {
      expect(body).toContain(
        `SEARCH('Namespace=\\\\\\"QmIngest\\\\\\" MetricName=\\\\\\"${PIPELINE_METRICS.dropToResult}\\\\\\" environment=\\\\\\"${name}\\\\\\"', '${percentile}', 300)`,
      );
    }
    expect(body).toContain('ApproximateAgeOfOldestMessage');
    expect(body).toContain('ApproximateNumberOfMessagesDelayed');
  });
});
