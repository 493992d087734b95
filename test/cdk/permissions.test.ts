import { describe, expect, it } from 'vitest';
import type { FunctionRole } from '../../shared/config/resources.ts';
import { synthesizedPerFile } from './helpers/synthesis-per-file.ts';
import {
  arnOf,
  asArray,
  grant,
  grantsOf,
  joined,
  type Properties,
  refOf,
  resourceNamed,
  resourcesOf,
} from './helpers/template.ts';

const synthesis = synthesizedPerFile();

const DYNAMODB_READ_WRITE = [
  'dynamodb:BatchGetItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DeleteItem',
  'dynamodb:DescribeTable',
  'dynamodb:GetItem',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:PutItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:UpdateItem',
];
const SQS_CONSUME = [
  'sqs:ChangeMessageVisibility',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
  'sqs:GetQueueUrl',
  'sqs:ReceiveMessage',
];
const SQS_SEND = ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'];
const KMS_ENVIRONMENT_KEY = [
  'kms:Decrypt',
  'kms:DescribeKey',
  'kms:Encrypt',
  'kms:GenerateDataKey*',
  'kms:ReEncrypt*',
];
const SECRET_READ = ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'];
const S3_PUT = [
  's3:Abort*',
  's3:PutObject',
  's3:PutObjectLegalHold',
  's3:PutObjectRetention',
  's3:PutObjectTagging',
  's3:PutObjectVersionTagging',
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
  const keyId = resourcesOf(template, 'AWS::KMS::Key')[0]?.logicalId ?? 'missing';
  const tableId = id('AWS::DynamoDB::Table', 'TableName', names.table);
  return {
    template,
    role,
    logs: (fn: FunctionRole) =>
      grant(
        ['logs:CreateLogStream', 'logs:PutLogEvents'],
        arnOf(id('AWS::Logs::LogGroup', 'LogGroupName', `/aws/lambda/${names.functions[fn]}`)),
      ),
    xray: grant(['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], '*'),
    key: grant(KMS_ENVIRONMENT_KEY, arnOf(keyId)),
    table: grant(DYNAMODB_READ_WRITE, arnOf(tableId), joined(arnOf(tableId), '/index/*')),
    consume: (queue: string) => grant(SQS_CONSUME, arnOf(id('AWS::SQS::Queue', 'QueueName', queue))),
    send: (queue: string) => grant(SQS_SEND, arnOf(id('AWS::SQS::Queue', 'QueueName', queue))),
    presign: [
      ...grant(PRESIGN, ...deployment.settings.ingest.recordingPrefixes.map(objectArn)),
      ...(recordings.mode === 'existing' && recordings.kmsKeyArn !== undefined
        ? grant(['kms:Decrypt'], recordings.kmsKeyArn)
        : []),
    ],
    listRecordings: grant(['s3:ListBucket'], bucketArn),
    secrets: [
      ...deployment.settings.zoomProfiles.flatMap((profile) =>
        grant(SECRET_READ, refOf(id('AWS::SecretsManager::Secret', 'Name', profile.secretName))),
      ),
      ...(signer.kind === 'iamUser'
        ? grant(SECRET_READ, refOf(id('AWS::SecretsManager::Secret', 'Name', signer.secretName)))
        : []),
    ],
    results: grant(
      S3_PUT,
      joined(
        arnOf(id('AWS::S3::Bucket', 'BucketName', names.resultsBucket)),
        `/${deployment.settings.polling.results.keyPrefix}*`,
      ),
    ),
    resultsExport: grant(
      S3_PUT,
      joined(
        arnOf(id('AWS::S3::Bucket', 'BucketName', names.resultsBucket)),
        `/${deployment.settings.polling.results.export.keyPrefix}*`,
      ),
    ),
    publish: grant(
      ['sns:Publish'],
      refOf(id('AWS::SNS::Topic', 'TopicName', names.alertTopic)),
      refOf(id('AWS::SNS::Topic', 'TopicName', names.notificationTopic)),
    ),
    deliveryDeadLetters: grant(
      ['sqs:SendMessage'],
      arnOf(id('AWS::SQS::Queue', 'QueueName', names.deliveryDeadLetterQueue)),
    ),
    names,
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
        ...env.key,
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
        ...env.key,
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
        ...env.key,
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
    const unscopedActions = new Set([
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
      'secretsmanager:GetRandomPassword',
    ]);
    const wildcardActions = new Set(['kms:GenerateDataKey*', 'kms:ReEncrypt*', 's3:Abort*']);
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
    expect(actions.filter((action) => action.includes('*') && !wildcardActions.has(action))).toEqual([]);
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
        ...grant(
          ['secretsmanager:GetRandomPassword', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
          '*',
        ),
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
