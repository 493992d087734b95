import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FUNCTION_ROLES, RECONCILER_CONCURRENCY } from '../../shared/config/resources.ts';
import { loadRuntimeConfig, RUNTIME_VARIABLES } from '../../shared/config/runtime.ts';
import { METRICS_NAMESPACE } from '../../shared/observability/powertools.ts';
import { synthesizedPerFile } from './helpers/synthesis-per-file.ts';
import {
  arnOf,
  keyAliasedAs,
  type Properties,
  refOf,
  resourceNamed,
  resourcesOf,
} from './helpers/template.ts';

const synthesis = synthesizedPerFile();

describe.each(['dev', 'staging', 'prod'])('the functions of %s', (name) => {
  const environment = () => synthesis.get(name);
  const named = (type: string, property: string, value: unknown) =>
    resourceNamed(environment().template, type, property, environment().stack.resolve(value));
  const fn = (role: (typeof FUNCTION_ROLES)[number]) =>
    named('AWS::Lambda::Function', 'FunctionName', environment().stack.resources.names.functions[role]);
  /** The environment's key, which also encrypts the results objects. */
  const environmentKeyLogicalId = () =>
    keyAliasedAs(environment().template, environment().stack.resources.names.keyAlias).logicalId;
  const variablesOf = (role: (typeof FUNCTION_ROLES)[number]) =>
    (fn(role).properties['Environment'] as { Variables: Record<string, unknown> }).Variables;

  it.each(FUNCTION_ROLES)('runs %s on arm64 and Node.js 24, sized by the configuration, traced', (role) => {
    // Prepare
    const sizing = environment().deployment.functions[role];

    // Act
    const { properties } = fn(role);

    // Assess
    expect(properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: sizing.memoryMb,
      Timeout: sizing.timeoutSeconds,
      TracingConfig: { Mode: 'Active' },
    });
  });

  it.each(FUNCTION_ROLES)('logs %s as JSON into its own log group, kept as configured', (role) => {
    // Prepare
    const { deployment, stack } = environment();
    const logGroup = named(
      'AWS::Logs::LogGroup',
      'LogGroupName',
      `/aws/lambda/${stack.resources.names.functions[role]}`,
    );

    // Act
    const { properties } = fn(role);

    // Assess
    expect(properties['LoggingConfig']).toEqual({
      LogFormat: 'JSON',
      ApplicationLogLevel: deployment.functions.logLevel,
      SystemLogLevel: 'WARN',
      LogGroup: refOf(logGroup.logicalId),
    });
    expect(logGroup.properties['RetentionInDays']).toBe(deployment.retention.logRetentionDays);
  });

  it.each(FUNCTION_ROLES)(
    'gives %s the QM_* variables of its resources and Powertools its settings',
    (role) => {
      // Prepare
      const { stack, deployment } = environment();
      const { names } = stack.resources;

      // Act
      const variables = variablesOf(role);

      // Assess
      expect(variables).toEqual({
        [RUNTIME_VARIABLES.settings]: expect.any(String),
        [RUNTIME_VARIABLES.tableName]: refOf(
          named('AWS::DynamoDB::Table', 'TableName', names.table).logicalId,
        ),
        [RUNTIME_VARIABLES.ingestQueueUrl]: refOf(
          named('AWS::SQS::Queue', 'QueueName', names.ingestQueue).logicalId,
        ),
        [RUNTIME_VARIABLES.pollQueueUrl]: refOf(
          named('AWS::SQS::Queue', 'QueueName', names.pollQueue).logicalId,
        ),
        [RUNTIME_VARIABLES.resultsBucket]: refOf(
          named('AWS::S3::Bucket', 'BucketName', names.resultsBucket).logicalId,
        ),
        [RUNTIME_VARIABLES.notificationTopicArn]: refOf(
          named('AWS::SNS::Topic', 'TopicName', names.notificationTopic).logicalId,
        ),
        [RUNTIME_VARIABLES.alertTopicArn]: refOf(
          named('AWS::SNS::Topic', 'TopicName', names.alertTopic).logicalId,
        ),
        [RUNTIME_VARIABLES.resultsKmsKeyId]: arnOf(environmentKeyLogicalId()),
        POWERTOOLS_SERVICE_NAME: role,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: deployment.functions.logLevel,
        NODE_OPTIONS: '--enable-source-maps',
      });
    },
  );

  it.each(FUNCTION_ROLES)(
    'hands %s settings that its cold start validates back into the configuration',
    (role) => {
      // Prepare: the values CloudFormation substitutes for the references at deployment.
      const deployed = {
        ...variablesOf(role),
        [RUNTIME_VARIABLES.tableName]: `qm-ingest-${name}-state`,
        [RUNTIME_VARIABLES.ingestQueueUrl]: `https://sqs.eu-west-1.amazonaws.com/111122223333/qm-ingest-${name}-ingest`,
        [RUNTIME_VARIABLES.pollQueueUrl]: `https://sqs.eu-west-1.amazonaws.com/111122223333/qm-ingest-${name}-poll`,
        [RUNTIME_VARIABLES.resultsBucket]: `qm-${name}-results-111122223333-eu-west-1`,
        [RUNTIME_VARIABLES.notificationTopicArn]: `arn:aws:sns:eu-west-1:111122223333:qm-ingest-${name}-notifications`,
        [RUNTIME_VARIABLES.alertTopicArn]: `arn:aws:sns:eu-west-1:111122223333:qm-ingest-${name}-alerts`,
        [RUNTIME_VARIABLES.resultsKmsKeyId]:
          'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      } as Record<string, string>;

      // Act
      const config = loadRuntimeConfig(deployed);

      // Assess
      expect(config.settings).toEqual(environment().deployment.settings);
    },
  );

  it.each(FUNCTION_ROLES)('deploys %s as a minified ES module bundle with a source map', (role) => {
    // Prepare
    const code = fn(role).properties['Code'] as { S3Key: string };
    const assetDirectory = join(synthesis.app.outdir, `asset.${code.S3Key.replace(/\.zip$/, '')}`);

    // Act
    const bundle = readFileSync(join(assetDirectory, 'index.mjs'), 'utf8');
    const sourceMap = JSON.parse(readFileSync(join(assetDirectory, 'index.mjs.map'), 'utf8')) as {
      sources: string[];
    };

    // Assess
    expect(bundle).toMatch(/export\s*\{[^}]*\bas handler\b[^}]*\}|export\s*\{[^}]*\bhandler\b[^}]*\}/);
    expect(bundle).toContain('//# sourceMappingURL=index.mjs.map');
    // Minified: long lines (the few line breaks left are inside template literals).
    expect(bundle.length / bundle.split('\n').length).toBeGreaterThan(2_000);
    expect(sourceMap.sources.some((source) => source.endsWith(`functions/${role}.ts`))).toBe(true);
    expect(sourceMap.sources.some((source) => source.includes('@aws-sdk/client-dynamodb'))).toBe(true);
  });

  it('runs the reconciler on its schedule, failed invocations kept in the delivery DLQ', () => {
    // Prepare
    const { stack, template } = environment();
    const reconcile = fn('reconcile');
    const delivery = named('AWS::SQS::Queue', 'QueueName', stack.resources.names.deliveryDeadLetterQueue);
    const minutes = stack.resources.functions.reconcile.scheduleRateMinutes;

    // Act
    const rule = named('AWS::Events::Rule', 'Name', stack.resources.names.reconcileSchedule);

    // Assess
    expect(rule.properties['ScheduleExpression']).toBe(`rate(${minutes} minutes)`);
    expect(rule.properties['Targets']).toEqual([
      expect.objectContaining({
        Arn: arnOf(reconcile.logicalId),
        DeadLetterConfig: { Arn: arnOf(delivery.logicalId) },
        RetryPolicy: { MaximumEventAgeInSeconds: minutes * 60, MaximumRetryAttempts: 2 },
      }),
    ]);
    expect(reconcile.properties['DeadLetterConfig']).toEqual({ TargetArn: arnOf(delivery.logicalId) });
    expect(
      resourcesOf(template, 'AWS::Lambda::Permission').map((permission) => permission.properties),
    ).toContainEqual(
      expect.objectContaining({
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
        FunctionName: arnOf(reconcile.logicalId),
        SourceArn: arnOf(rule.logicalId),
      } satisfies Properties),
    );
  });

  it.each(FUNCTION_ROLES)(
    'reserves %s its concurrency from the shared definition, never less than its trigger may use',
    (role) => {
      // Prepare
      const definition = environment().stack.resources.functions[role];

      // Act
      const reserved = fn(role).properties['ReservedConcurrentExecutions'];

      // Assess
      expect(reserved).toBe(definition.reservedConcurrency);
      const sizing = environment().deployment.functions[role];
      if ('trigger' in definition && 'maxBatchingWindowSeconds' in sizing) {
        expect(definition.reservedConcurrency).toBeGreaterThanOrEqual(definition.trigger.maximumConcurrency);
        expect(reserved).toBe(sizing.reservedConcurrency ?? definition.trigger.maximumConcurrency);
      }
    },
  );

  it('never runs the reconciler twice at once, nor retries a scheduled run into the next', () => {
    // Prepare
    const { stack, template } = environment();
    const reconcile = fn('reconcile');
    const delivery = named('AWS::SQS::Queue', 'QueueName', stack.resources.names.deliveryDeadLetterQueue);
    const intervalSeconds = stack.resources.functions.reconcile.scheduleRateMinutes * 60;

    // Act
    const invokeConfigs = resourcesOf(template, 'AWS::Lambda::EventInvokeConfig').filter(
      (config) =>
        JSON.stringify(config.properties['FunctionName']) === JSON.stringify(refOf(reconcile.logicalId)),
    );

    // Assess
    expect(reconcile.properties['ReservedConcurrentExecutions']).toBe(RECONCILER_CONCURRENCY);
    expect(RECONCILER_CONCURRENCY).toBe(1);
    expect(invokeConfigs).toHaveLength(1);
    expect(invokeConfigs[0]?.properties).toMatchObject({
      MaximumRetryAttempts: 0,
      DestinationConfig: { OnFailure: { Destination: arnOf(delivery.logicalId) } },
    });
    const maxEventAge = invokeConfigs[0]?.properties['MaximumEventAgeInSeconds'];
    expect(maxEventAge).toBeLessThanOrEqual(intervalSeconds);
    expect(maxEventAge).toBeGreaterThanOrEqual(60);
  });

  it('gives each of CDK’s own helper functions a log group that expires', () => {
    // Prepare
    const { template, deployment } = environment();
    const helpers = resourcesOf(template, 'AWS::Lambda::Function').filter(
      (resource) => !String(resource.properties['FunctionName'] ?? '').startsWith(`qm-ingest-${name}-`),
    );

    // Act
    const logGroups = helpers.map((helper) => {
      const target = (helper.properties['LoggingConfig'] as { LogGroup?: unknown } | undefined)?.LogGroup;
      return resourcesOf(template, 'AWS::Logs::LogGroup').find(
        (group) => JSON.stringify(refOf(group.logicalId)) === JSON.stringify(target),
      );
    });

    // Assess
    // The S3 notifications handler of a created bucket; the auto-delete provider of emptied buckets.
    expect(helpers.length).toBe(
      (deployment.recordings.mode === 'create' ? 1 : 0) + (deployment.retention.autoDeleteObjects ? 1 : 0),
    );
    for (const logGroup of logGroups) {
      expect(logGroup?.properties['RetentionInDays']).toBe(deployment.retention.logRetentionDays);
    }
  });
});
