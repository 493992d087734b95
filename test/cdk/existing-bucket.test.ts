import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { loadDeployment } from '../../cdk/environments.ts';
import { loadSignerRotationConfig } from '../../shared/config/runtime.ts';
import { synthesizedPerFile } from './helpers/synthesis-per-file.ts';
import {
  arnOf,
  conditionalGrant,
  grantsOf,
  keyAliasedAs,
  onlyRuleMay,
  refOf,
  resourceNamed,
  resourcesOf,
} from './helpers/template.ts';

/** staging brings its own bucket (events through EventBridge) and signs URLs with a dedicated IAM user. */
const synthesis = synthesizedPerFile(() => [loadDeployment('staging')]);

const staging = () => synthesis.get('staging');
const named = (type: string, property: string, value: string) =>
  resourceNamed(staging().template, type, property, staging().stack.resolve(value));

describe('an existing recordings bucket', () => {
  it('is neither created nor given notifications: its own configuration stays untouched', () => {
    // Act
    const buckets = resourcesOf(staging().template, 'AWS::S3::Bucket').map(
      (bucket) => bucket.properties['BucketName'],
    );

    // Assess
    expect(buckets).not.toContainEqual('example-corp-call-recordings-staging');
    // results, access logs, Athena's query results: no recordings bucket of its own
    expect(buckets).toHaveLength(3);
    expect(resourcesOf(staging().template, 'Custom::S3BucketNotifications')).toEqual([]);
  });

  it('sends its "Object Created" events under the recording prefixes to the ingest queue through EventBridge', () => {
    // Prepare
    const { names } = staging().stack.resources;
    const ingestQueue = named('AWS::SQS::Queue', 'QueueName', names.ingestQueue);
    const delivery = named('AWS::SQS::Queue', 'QueueName', names.deliveryDeadLetterQueue);

    // Act
    const rule = named('AWS::Events::Rule', 'Name', names.recordingsEventRule);

    // Assess
    expect(rule.properties['EventPattern']).toEqual({
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: {
        bucket: { name: ['example-corp-call-recordings-staging'] },
        object: { key: [{ prefix: 'contact-center/recordings/' }] },
      },
    });
    expect(rule.properties['Targets']).toEqual([
      {
        Id: 'Target0',
        Arn: arnOf(ingestQueue.logicalId),
        DeadLetterConfig: { Arn: arnOf(delivery.logicalId) },
        RetryPolicy: { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 185 },
      },
    ]);
  });

  it('lets only its rule deliver into the encrypted ingest queue, and its failures into the delivery DLQ', () => {
    // Prepare
    const { names } = staging().stack.resources;
    const ingestQueue = named('AWS::SQS::Queue', 'QueueName', names.ingestQueue);
    const delivery = named('AWS::SQS::Queue', 'QueueName', names.deliveryDeadLetterQueue);
    const rule = named('AWS::Events::Rule', 'Name', names.recordingsEventRule);

    // Act & Assess
    staging().template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [refOf(ingestQueue.logicalId)],
      PolicyDocument: {
        Statement: Match.arrayWith([onlyRuleMay('sqs:SendMessage', rule.logicalId)]),
      },
    });
    staging().template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [refOf(delivery.logicalId)],
      PolicyDocument: {
        Statement: Match.arrayWith([onlyRuleMay('sqs:SendMessage', rule.logicalId)]),
      },
    });
    staging().template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'events.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      },
    });
  });

  it('outputs the existing bucket’s name for the CLI and the README', () => {
    // Act
    const outputs = staging().template.toJSON()['Outputs'] as Record<string, { Value: unknown }>;

    // Assess
    expect(outputs['RecordingsBucketName']?.Value).toBe('example-corp-call-recordings-staging');
    expect(outputs['UrlSignerSecretName']?.Value).toBe('qm-ingest/staging/url-signer');
  });
});

describe('the dedicated URL signer', () => {
  it('keeps its access key in a secret the rotation fills: empty in the template, tagged with its user', () => {
    // Prepare
    const { names } = staging().stack.resources;

    // Act
    const secret = named('AWS::SecretsManager::Secret', 'Name', 'qm-ingest/staging/url-signer');

    // Assess
    expect(secret.properties['SecretString']).toBeUndefined();
    expect(secret.properties['GenerateSecretString']).toBeUndefined();
    expect(secret.properties['Tags']).toContainEqual({
      Key: 'qm-ingest:url-signer-user',
      Value: names.urlSignerUser,
    });
    expect(resourcesOf(staging().template, 'AWS::IAM::AccessKey')).toEqual([]);
  });

  it('rotates the key every configured interval, the first time as soon as it is deployed', () => {
    // Prepare
    const { names } = staging().stack.resources;
    const secret = named('AWS::SecretsManager::Secret', 'Name', 'qm-ingest/staging/url-signer');
    const rotation = named('AWS::Lambda::Function', 'FunctionName', names.signerRotationFunction);

    // Act
    const schedules = resourcesOf(staging().template, 'AWS::SecretsManager::RotationSchedule');

    // Assess
    expect(schedules.map((schedule) => schedule.properties)).toEqual([
      {
        SecretId: refOf(secret.logicalId),
        RotationLambdaARN: arnOf(rotation.logicalId),
        RotationRules: { ScheduleExpression: `rate(${staging().deployment.urlSigner.rotationDays} days)` },
        RotateImmediatelyOnUpdate: true,
      },
    ]);
    expect(rotation.properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Timeout: 60,
    });
    expect(rotation.properties['ReservedConcurrentExecutions']).toBe(1);
    expect(
      resourcesOf(staging().template, 'AWS::Lambda::Permission')
        .map((permission) => permission.properties)
        .filter((permission) => permission['Principal'] === 'secretsmanager.amazonaws.com'),
    ).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        Principal: 'secretsmanager.amazonaws.com',
        FunctionName: arnOf(rotation.logicalId),
        SourceAccount: { Ref: 'AWS::AccountId' },
        SourceArn: refOf(secret.logicalId),
      },
    ]);
  });

  it('tells the rotation how long a replaced key may back live URLs, so it never deletes one sooner', () => {
    // Prepare
    const { names } = staging().stack.resources;
    const { urlExpirySeconds } = staging().deployment.settings.ingest.presign;

    // Act
    const rotation = named('AWS::Lambda::Function', 'FunctionName', names.signerRotationFunction);

    // Assess
    const variables = (rotation.properties['Environment'] as { Variables: Record<string, string> }).Variables;
    expect(loadSignerRotationConfig(variables).replacedKeyLifetimeSeconds).toBe(urlExpirySeconds + 3_600);
  });

  it('lets the rotation function use the environment key only through Secrets Manager, for its secret', () => {
    // Prepare
    const { names } = staging().stack.resources;
    const rotation = named('AWS::Lambda::Function', 'FunctionName', names.signerRotationFunction);
    const role = (rotation.properties['Role'] as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const secret = named('AWS::SecretsManager::Secret', 'Name', 'qm-ingest/staging/url-signer');
    const key = keyAliasedAs(staging().template, names.keyAlias).logicalId;

    // Act
    const keyGrants = grantsOf(staging().template, role).filter((entry) => entry.startsWith('kms:'));

    // Assess
    expect(keyGrants).toEqual(
      conditionalGrant(['kms:Decrypt', 'kms:GenerateDataKey'], arnOf(key), {
        StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' },
        StringLike: { 'kms:EncryptionContext:SecretARN': refOf(secret.logicalId) },
      }),
    );
  });
});
