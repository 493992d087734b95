import { describe, expect, it } from 'vitest';
import type { FunctionRole } from '../../shared/config/resources.ts';
import { synthesizedPerFile } from './helpers/synthesis-per-file.ts';
import {
  arnOf,
  asArray,
  conditionalGrant,
  grant,
  grantsOf,
  joined,
  keyAliasedAs,
  keyUse,
  type Properties,
  refOf,
  resourceNamed,
  resourcesOf,
} from './helpers/template.ts';

const synthesis = synthesizedPerFile();

const DYNAMODB_ITEMS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];
const SQS_CONSUME = [
  'sqs:ChangeMessageVisibility',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
  'sqs:ReceiveMessage',
];
const PRESIGN = ['s3:GetObject', 's3:GetObjectVersion'];

/** The resources of one environment, by the names the shared definition gives them. */
function environmentOf(name: string) {
  const { stack, template, deployment } = synthesis.get(name);
  const { names } = stack.resources;
  const id = (type: string, property: string, value: string) =>
    resourceNamed(template, type, property, stack.resolve(value)).logicalId;
  const recordings = deployment.recordings;
  const bucketArn =
    recordings.mode === 'existing'
      ? `arn:aws:s3:::${recordings.bucketName}`
      : arnOf(id('AWS::S3::Bucket', 'BucketName', names.recordingsBucket));
  const objectArn = (prefix: string) =>
    typeof bucketArn === 'string' ? `${bucketArn}/${prefix}*` : joined(bucketArn, `/${prefix}*`);
  const signer = deployment.settings.ingest.presign.signer;
  const role = (fn: FunctionRole | 'rotation'): string => {
    const functionName = fn === 'rotation' ? names.signerRotationFunction : names.functions[fn];
    const properties = resourceNamed(
      template,
      'AWS::Lambda::Function',
      'FunctionName',
      functionName,
    ).properties;
    const [logicalId] = (properties['Role'] as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
    return logicalId;
  };
  const key = arnOf(keyAliasedAs(template, names.keyAlias).logicalId);
  const alertsKey = arnOf(keyAliasedAs(template, names.alertKeyAlias).logicalId);
  const tableId = id('AWS::DynamoDB::Table', 'TableName', names.table);
  const queueArn = (queue: string) => arnOf(id('AWS::SQS::Queue', 'QueueName', queue));
  const topic = (topicName: string) => refOf(id('AWS::SNS::Topic', 'TopicName', topicName));
  const prefixObjects = deployment.settings.ingest.recordingPrefixes.map(objectArn);
  const recordingsKey = recordings.mode === 'existing' ? recordings.kmsKeyArn : key;
  const secretRead = (secretName: string) => {
    const secret = refOf(id('AWS::SecretsManager::Secret', 'Name', secretName));
    return [
      ...grant(['secretsmanager:GetSecretValue'], secret),
      ...keyUse(['kms:Decrypt'], key, 'secretsmanager', 'SecretARN', secret),
    ];
  };
  const resultsBucket = arnOf(id('AWS::S3::Bucket', 'BucketName', names.resultsBucket));
  const send = (queue: string) => [
    ...grant(['sqs:SendMessage'], queueArn(queue)),
    ...keyUse(['kms:Decrypt', 'kms:GenerateDataKey'], key, 'sqs', 'aws:sqs:arn', queueArn(queue)),
  ];
  return {
    template,
    role,
    logs: (fn: FunctionRole) =>
      grant(
        ['logs:CreateLogStream', 'logs:PutLogEvents'],
        arnOf(id('AWS::Logs::LogGroup', 'LogGroupName', `/aws/lambda/${names.functions[fn]}`)),
      ),
    xray: grant(['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], '*'),
    table: [
      ...grant(DYNAMODB_ITEMS, arnOf(tableId)),
      ...grant(['dynamodb:Query'], joined(arnOf(tableId), '/index/*')),
      ...keyUse(
        ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
        key,
        'dynamodb',
        'aws:dynamodb:tableName',
        refOf(tableId),
      ),
    ],
    consume: (queue: string) => [
      ...grant(SQS_CONSUME, queueArn(queue)),
      ...keyUse(['kms:Decrypt'], key, 'sqs', 'aws:sqs:arn', queueArn(queue)),
    ],
    send,
    presign: [
      ...grant(PRESIGN, ...prefixObjects),
      ...(recordingsKey === undefined
        ? []
        : keyUse(['kms:Decrypt'], recordingsKey, 's3', 'aws:s3:arn', bucketArn, ...prefixObjects)),
    ],
    listRecordings: conditionalGrant(['s3:ListBucket'], bucketArn, {
      StringLikeIfExists: {
        's3:prefix': deployment.settings.ingest.recordingPrefixes.map((prefix) => `${prefix}*`),
      },
    }),
    secrets: [
      ...deployment.settings.zoomProfiles.flatMap((profile) => secretRead(profile.secretName)),
      ...(signer.kind === 'iamUser' ? secretRead(signer.secretName) : []),
    ],
    results: [
      ...grant(['s3:PutObject'], joined(resultsBucket, `/${deployment.settings.polling.results.keyPrefix}*`)),
      ...grant(['s3:GetObject'], joined(resultsBucket, `/${deployment.settings.polling.results.keyPrefix}*`)),
      ...keyUse(['kms:Decrypt', 'kms:GenerateDataKey'], key, 's3', 'aws:s3:arn', resultsBucket),
    ],
    publish: [
      ...grant(['sns:Publish'], topic(names.alertTopic), topic(names.notificationTopic)),
      ...keyUse(
        ['kms:Decrypt', 'kms:GenerateDataKey'],
        key,
        'sns',
        'aws:sns:topicArn',
        topic(names.notificationTopic),
      ),
      ...keyUse(
        ['kms:Decrypt', 'kms:GenerateDataKey'],
        alertsKey,
        'sns',
        'aws:sns:topicArn',
        topic(names.alertTopic),
      ),
    ],
    deliveryDeadLetters: send(names.deliveryDeadLetterQueue),
    resultsExport: [
      ...grant(
        ['s3:PutObject'],
        joined(resultsBucket, `/${deployment.settings.polling.results.export.keyPrefix}*`),
      ),
      ...keyUse(['kms:Decrypt', 'kms:GenerateDataKey'], key, 's3', 'aws:s3:arn', resultsBucket),
    ],
    names,
    key,
    signerUser: () => id('AWS::IAM::User', 'UserName', names.urlSignerUser),
    signerSecret: () =>
      id(
        'AWS::SecretsManager::Secret',
        'Name',
        signer.kind === 'iamUser' ? signer.secretName : 'no URL signer',
      ),
  };
}

const sorted = (grants: string[]) => [...new Set(grants)].sort();

describe.each(['dev', 'staging', 'prod'])('the roles of %s, each its own', (name) => {
  it('lets ingest read recordings (to presign them), the state table, both queues, the Zoom credentials, and publish and export its endings', () => {
    // Prepare
    const env = environmentOf(name);

    // Act
    const grants = grantsOf(env.template, env.role('ingest'));

    // Assess
    expect(grants).toEqual(
      sorted([
        ...env.logs('ingest'),
        ...env.xray,
        ...env.consume(env.names.ingestQueue),
        ...env.send(env.names.ingestQueue),
        ...env.send(env.names.pollQueue),
        ...env.presign,
        ...env.listRecordings,
        ...env.table,
        ...env.publish,
        ...env.resultsExport,
        ...env.secrets,
      ]),
    );
  });

  it('lets poll read recordings (one fresh presign), write results and the BI export, publish, and schedule its own polls', () => {
    // Prepare
    const env = environmentOf(name);

    // Act
    const grants = grantsOf(env.template, env.role('poll'));

    // Assess
    expect(grants).toEqual(
      sorted([
        ...env.logs('poll'),
        ...env.xray,
        ...env.consume(env.names.pollQueue),
        ...env.send(env.names.pollQueue),
        ...env.presign,
        ...env.table,
        ...env.results,
        ...env.resultsExport,
        ...env.publish,
        ...env.secrets,
      ]),
    );
  });

  it('lets reconcile use the state table, re-queue polls, publish and export its endings, nothing more', () => {
    // Prepare
    const env = environmentOf(name);

    // Act
    const grants = grantsOf(env.template, env.role('reconcile'));

    // Assess
    expect(grants).toEqual(
      sorted([
        ...env.logs('reconcile'),
        ...env.xray,
        ...env.deliveryDeadLetters,
        ...env.table,
        ...env.send(env.names.pollQueue),
        ...env.publish,
        ...env.resultsExport,
      ]),
    );
  });

  it('gives each function a role of its own, with no managed policy', () => {
    // Prepare
    const env = environmentOf(name);

    // Act
    const roles = (['ingest', 'poll', 'reconcile'] as const).map((fn) => env.role(fn));

    // Assess
    expect(new Set(roles).size).toBe(3);
    for (const role of roles) {
      const properties = resourcesOf(env.template, 'AWS::IAM::Role').find(
        (r) => r.logicalId === role,
      )?.properties;
      expect(properties?.['ManagedPolicyArns']).toBeUndefined();
      expect(properties?.['AssumeRolePolicyDocument']).toMatchObject({
        Statement: [
          { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
        ],
      });
    }
  });

  it('grants "*" resources and wildcard actions only where the service offers nothing narrower', () => {
    // Prepare
    const unscopedActions = new Set(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    const statements = resourcesOf(environmentOf(name).template, 'AWS::IAM::Policy')
      .filter((policy) => !policy.logicalId.startsWith('RecordingsBucketNotificationsHandler'))
      .flatMap((policy) => (policy.properties['PolicyDocument'] as { Statement: Properties[] }).Statement);

    // Act
    const actions = statements.flatMap((statement) => asArray(statement['Action']).map(String));
    const onEverything = statements
      .filter((statement) => asArray(statement['Resource']).includes('*'))
      .flatMap((statement) => asArray(statement['Action']).map(String));

    // Assess
    expect(onEverything.filter((action) => !unscopedActions.has(action))).toEqual([]);
    expect(actions.filter((action) => action.includes('*'))).toEqual([]);
  });

  it('lets a role or user use a key only through one service and for one resource, never to re-encrypt', () => {
    // Prepare
    const statements = resourcesOf(environmentOf(name).template, 'AWS::IAM::Policy')
      .filter((policy) => !policy.logicalId.startsWith('RecordingsBucketNotificationsHandler'))
      .flatMap((policy) => (policy.properties['PolicyDocument'] as { Statement: Properties[] }).Statement);

    // Act
    const keyStatements = statements.filter((statement) =>
      asArray(statement['Action']).some((action) => String(action).startsWith('kms:')),
    );

    // Assess
    expect(keyStatements.length).toBeGreaterThan(5);
    for (const statement of keyStatements) {
      const condition = statement['Condition'] as Record<string, Record<string, unknown>> | undefined;
      expect(Object.keys(condition?.['StringEquals'] ?? {})).toEqual(['kms:ViaService']);
      expect(Object.keys(condition?.['StringLike'] ?? {})).toEqual([
        expect.stringMatching(/^kms:EncryptionContext:/),
      ]);
      expect(
        asArray(statement['Action']).filter((action) => String(action).startsWith('kms:ReEncrypt')),
      ).toEqual([]);
    }
  });

  it('grants kms:ReEncrypt* nowhere, key policies included', () => {
    // Act
    const template = JSON.stringify(environmentOf(name).template.toJSON());

    // Assess
    expect(template).toContain('kms:Decrypt');
    expect(template).not.toContain('kms:ReEncrypt');
  });

  it('lets an AWS service send to a queue, publish to a topic or invoke a function only for one named source', () => {
    // Prepare
    const { template } = environmentOf(name);
    const policyStatements = ['AWS::SQS::QueuePolicy', 'AWS::SNS::TopicPolicy'].flatMap((type) =>
      resourcesOf(template, type).flatMap(
        (policy) => (policy.properties['PolicyDocument'] as { Statement: Properties[] }).Statement,
      ),
    );

    // Act
    const serviceGrants = policyStatements.filter(
      (statement) =>
        statement['Effect'] === 'Allow' &&
        (statement['Principal'] as { Service?: unknown } | undefined)?.Service !== undefined,
    );
    const permissions = resourcesOf(template, 'AWS::Lambda::Permission').map(
      (permission) => permission.properties,
    );

    // Assess
    expect(serviceGrants.length).toBeGreaterThanOrEqual(1);
    for (const statement of serviceGrants) {
      const condition = statement['Condition'] as Record<string, Record<string, unknown>>;
      expect(
        condition['ArnEquals']?.['aws:SourceArn'] ?? condition['ArnLike']?.['aws:SourceArn'],
      ).toBeDefined();
    }
    for (const permission of permissions) {
      expect(permission['SourceArn']).toBeDefined();
    }
  });

  it('lets AWS services use the keys for deliveries on behalf of this account only', () => {
    // Act
    const serviceStatements = resourcesOf(environmentOf(name).template, 'AWS::KMS::Key').flatMap((key) =>
      ((key.properties['KeyPolicy'] as { Statement: Properties[] }).Statement ?? []).filter(
        (statement) => (statement['Principal'] as { Service?: unknown } | undefined)?.Service !== undefined,
      ),
    );

    // Assess: S3 and EventBridge on the environment key; CloudWatch, EventBridge and SNS on the alerting key.
    expect(serviceStatements).toHaveLength(5);
    for (const statement of serviceStatements) {
      expect(statement['Condition']).toEqual({
        StringEquals: {
          'aws:SourceAccount': synthesis.get(name).stack.resolve(synthesis.get(name).stack.account),
        },
      });
      expect(statement['Action']).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
    }
  });
});

describe('the dedicated URL signer (staging)', () => {
  it('may only read recordings under the prefixes and decrypt them', () => {
    // Prepare
    const env = environmentOf('staging');

    // Act
    const grants = grantsOf(env.template, env.signerUser());

    // Assess
    expect(grants).toEqual(sorted(env.presign));
  });

  it('rotates its key with a function that manages that user’s keys and that secret only', () => {
    // Prepare
    const env = environmentOf('staging');
    const rotationRole = env.role('rotation');
    const logGroup = resourceNamed(
      env.template,
      'AWS::Logs::LogGroup',
      'LogGroupName',
      `/aws/lambda/${env.names.signerRotationFunction}`,
    );

    // Act
    const grants = grantsOf(env.template, rotationRole);

    // Assess
    expect(grants).toEqual(
      sorted([
        ...grant(['logs:CreateLogStream', 'logs:PutLogEvents'], arnOf(logGroup.logicalId)),
        ...grant(['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], '*'),
        ...grant(
          ['iam:CreateAccessKey', 'iam:DeleteAccessKey', 'iam:ListAccessKeys'],
          arnOf(env.signerUser()),
        ),
        ...grant(
          [
            'secretsmanager:DescribeSecret',
            'secretsmanager:GetSecretValue',
            'secretsmanager:PutSecretValue',
            'secretsmanager:UpdateSecretVersionStage',
          ],
          refOf(env.signerSecret()),
        ),
        ...keyUse(
          ['kms:Decrypt', 'kms:GenerateDataKey'],
          env.key,
          'secretsmanager',
          'SecretARN',
          refOf(env.signerSecret()),
        ),
      ]),
    );
  });

  it('is not created where the functions sign URLs with their own role', () => {
    // Act
    const users = ['dev', 'prod'].map(
      (name) => resourcesOf(environmentOf(name).template, 'AWS::IAM::User').length,
    );

    // Assess
    expect(users).toEqual([0, 0]);
  });
});
