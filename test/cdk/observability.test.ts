import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { PIPELINE_METRICS } from '../../cdk/observability/metric-catalog.ts';
import { synthesizedPerFile } from './helpers/synthesis-per-file.ts';
import { arnOf, type Properties, refOf, resourceNamed, resourcesOf } from './helpers/template.ts';

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

describe.each(['dev', 'staging', 'prod'])('the alarms of %s', (name) => {
  it('cover every DLQ, each queue’s age, each function’s errors and throttles, failed evaluations, reviews and 429s', () => {
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
        'evaluations-failed',
        'needs-review',
        'zoom-rate-limited',
      ].sort(),
    );
  });

  it('notify the alert topic when they fire and when they clear, never for missing data', () => {
    // Prepare
    const topic = refOf(alertTopicOf(name).logicalId);

    // Act
    const alarms = [...alarmsOf(name).values()];

    // Assess
    for (const alarm of alarms) {
      expect(alarm).toMatchObject({
        AlarmActions: [topic],
        OKActions: [topic],
        TreatMissingData: 'notBreaching',
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
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
  });

  it('may publish to the encrypted alert topic: CloudWatch may use the key', () => {
    // Act & Assess
    synthesis.get(name).template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
  });
});

describe.each(['dev', 'staging', 'prod'])('the topics of %s', (name) => {
  it('are encrypted with the environment key and refuse publishing without TLS', () => {
    // Prepare
    const { template } = synthesis.get(name);
    const key = resourcesOf(template, 'AWS::KMS::Key')[0]?.logicalId ?? 'missing';

    // Act
    const topics = resourcesOf(template, 'AWS::SNS::Topic');

    // Assess
    expect(topics.map((topic) => topic.properties['TopicName']).sort()).toEqual([
      `qm-ingest-${name}-alerts`,
      `qm-ingest-${name}-notifications`,
    ]);
    for (const topic of topics) {
      expect(topic.properties['KmsMasterKeyId']).toEqual(arnOf(key));
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

  it('subscribe the configured addresses and webhook to alerts, undeliverable alerts kept in the delivery DLQ', () => {
    // Prepare
    const { template, deployment, stack } = synthesis.get(name);
    const delivery = resourceNamed(
      template,
      'AWS::SQS::Queue',
      'QueueName',
      stack.resources.names.deliveryDeadLetterQueue,
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
    expect(subscriptions).toEqual(
      expected.map((subscription) => ({
        ...subscription,
        TopicArn: refOf(alertTopicOf(name).logicalId),
        RedrivePolicy: { deadLetterTargetArn: arnOf(delivery.logicalId) },
      })),
    );
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
