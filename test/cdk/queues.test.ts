import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { synthesizedPerFile } from './helpers/synthesis-per-file.ts';
import { arnOf, keyAliasedAs, resourceNamed, resourcesOf } from './helpers/template.ts';

const synthesis = synthesizedPerFile();

const environments = () => [...synthesis.environments.values()];

describe.each(['dev', 'staging', 'prod'])('the queues of %s', (name) => {
  const queue = (queueName: string) =>
    resourceNamed(
      synthesis.get(name).template,
      'AWS::SQS::Queue',
      'QueueName',
      `qm-ingest-${name}-${queueName}`,
    );
  const fn = (role: string) =>
    resourceNamed(
      synthesis.get(name).template,
      'AWS::Lambda::Function',
      'FunctionName',
      `qm-ingest-${name}-${role}`,
    );

  it.each(['ingest', 'poll'])('moves a %s message to its DLQ after the configured receives', (role) => {
    // Prepare
    const { deployment } = synthesis.get(name);

    // Act
    const redrive = queue(role).properties['RedrivePolicy'];

    // Assess
    expect(redrive).toEqual({
      deadLetterTargetArn: arnOf(queue(`${role}-dlq`).logicalId),
      maxReceiveCount: deployment.queues.maxReceiveCount,
    });
    expect(queue(`${role}-dlq`).properties['MessageRetentionPeriod']).toBe(14 * 86_400);
  });

  it.each(['ingest', 'poll'])(
    'hides a received %s message for at least 6x its consumer’s timeout',
    (role) => {
      // Act
      const visibility = queue(role).properties['VisibilityTimeout'];
      const timeout = fn(role).properties['Timeout'];

      // Assess
      expect(typeof visibility).toBe('number');
      expect(typeof timeout).toBe('number');
      expect(visibility).toBeGreaterThanOrEqual(6 * Number(timeout));
    },
  );

  it.each([
    ['ingest', 'ingest'],
    ['poll', 'poll'],
  ])('feeds the %s function with partial batch responses and a bounded concurrency', (role, queueName) => {
    // Prepare
    const trigger = synthesis.get(name).stack.resources.functions[role as 'ingest' | 'poll'].trigger;

    // Act
    const mappings = resourcesOf(synthesis.get(name).template, 'AWS::Lambda::EventSourceMapping').filter(
      (mapping) =>
        JSON.stringify(mapping.properties['EventSourceArn']) ===
        JSON.stringify(arnOf(queue(queueName).logicalId)),
    );

    // Assess
    expect(mappings).toHaveLength(1);
    expect(mappings[0]?.properties).toMatchObject({
      FunctionName: { Ref: fn(role).logicalId },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: trigger.batchSize,
      ScalingConfig: { MaximumConcurrency: trigger.maximumConcurrency },
    });
    expect(trigger.maximumConcurrency).toBeGreaterThanOrEqual(2);
  });

  it('encrypts every queue with the environment key (the alert deliveries’ with the alerting key) and refuses requests without TLS', () => {
    // Prepare
    const { template } = synthesis.get(name);
    const key = keyAliasedAs(template, `alias/qm-ingest-${name}`).logicalId;
    const alertsKey = keyAliasedAs(template, `alias/qm-ingest-${name}-alerts`).logicalId;
    const alertDeliveries = queue('alert-delivery-dlq').logicalId;

    // Act
    const queues = resourcesOf(template, 'AWS::SQS::Queue');

    // Assess
    expect(queues.map((q) => q.properties['QueueName'])).toEqual(
      expect.arrayContaining([
        `qm-ingest-${name}-delivery-dlq`,
        `qm-ingest-${name}-ingest`,
        `qm-ingest-${name}-poll`,
      ]),
    );
    for (const { logicalId, properties } of queues) {
      expect(properties['KmsMasterKeyId'], logicalId).toEqual(
        arnOf(logicalId === alertDeliveries ? alertsKey : key),
      );
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: Match.arrayWith([{ Ref: logicalId }]),
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });
});

describe('the maximum concurrency', () => {
  it('follows each environment’s Zoom budget: a bigger plan runs more pollers', () => {
    // Act
    const concurrency = environments().map(({ stack }) => [
      stack.resources.names.stack,
      stack.resources.functions.ingest.trigger.maximumConcurrency,
      stack.resources.functions.poll.trigger.maximumConcurrency,
    ]);

    // Assess: dev is one Pro account at half its budget (POST 5/s, LIGHT 15/s); staging one Business
    // account at a quarter (10/s, 20/s); prod a Business and a Pro account at half (20+5/s, 40+15/s).
    expect(concurrency).toEqual([
      ['qm-ingest-dev', 5, 15],
      ['qm-ingest-prod', 25, 55],
      ['qm-ingest-staging', 10, 20],
    ]);
  });
});
