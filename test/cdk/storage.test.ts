import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { stateTableDefinition } from '../../shared/table/definition.ts';
import { synthesizedPerFile } from './helpers/synthesis-per-file.ts';
import { arnOf, resourceNamed, resourcesOf, type TemplateResource } from './helpers/template.ts';

const synthesis = synthesizedPerFile();

const template = (name: string) => synthesis.get(name).template;
const keyOf = (name: string) => resourcesOf(template(name), 'AWS::KMS::Key')[0] as TemplateResource;
const bucketNamed = (name: string, bucketName: string) =>
  resourceNamed(
    template(name),
    'AWS::S3::Bucket',
    'BucketName',
    synthesis.get(name).stack.resolve(bucketName),
  );

describe.each(['dev', 'staging', 'prod'])('%s', (name) => {
  it('has one KMS key, with rotation on', () => {
    // Act
    const keys = resourcesOf(template(name), 'AWS::KMS::Key');

    // Assess
    expect(keys).toHaveLength(1);
    expect(keys[0]?.properties['EnableKeyRotation']).toBe(true);
    template(name).hasResourceProperties('AWS::KMS::Alias', { AliasName: `alias/qm-ingest-${name}` });
  });

  it('blocks public access to every bucket and denies every request without TLS 1.2', () => {
    // Act
    const buckets = resourcesOf(template(name), 'AWS::S3::Bucket');

    // Assess
    expect(buckets.length).toBeGreaterThanOrEqual(2);
    for (const bucket of buckets) {
      expect(bucket.properties['PublicAccessBlockConfiguration']).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      template(name).hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: bucket.logicalId },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
            }),
          ]),
        },
      });
    }
  });

  it('encrypts the results with the environment key and logs access to them', () => {
    // Prepare
    const { stack } = synthesis.get(name);

    // Act
    const results = bucketNamed(name, stack.resources.names.resultsBucket);

    // Assess
    expect(results.properties['BucketEncryption']).toEqual({
      ServerSideEncryptionConfiguration: [
        {
          BucketKeyEnabled: true,
          ServerSideEncryptionByDefault: {
            SSEAlgorithm: 'aws:kms',
            KMSMasterKeyID: arnOf(keyOf(name).logicalId),
          },
        },
      ],
    });
    expect(results.properties['LoggingConfiguration']).toMatchObject({ LogFilePrefix: 'results/' });
  });

  it('builds the state table from the shared definition: on demand, PITR, the environment key, TTL', () => {
    // Prepare
    const { stack, deployment } = synthesis.get(name);

    // Act
    const table = resourceNamed(
      template(name),
      'AWS::DynamoDB::Table',
      'TableName',
      stack.resources.names.table,
    );

    // Assess
    expect(table.properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: stateTableDefinition.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: stateTableDefinition.sortKey.name, KeyType: 'RANGE' },
      ],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: arnOf(keyOf(name).logicalId) },
      TimeToLiveSpecification: { AttributeName: stateTableDefinition.timeToLiveAttribute, Enabled: true },
      DeletionProtectionEnabled: deployment.retention.removalPolicy === 'retain',
    });
    const indexes = table.properties['GlobalSecondaryIndexes'] as { IndexName: string; KeySchema: unknown }[];
    expect(indexes.map((index) => [index.IndexName, index.KeySchema])).toEqual(
      stateTableDefinition.globalSecondaryIndexes.map((index) => [
        index.indexName,
        [
          { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
        ],
      ]),
    );
  });

  it('creates each Zoom credentials secret empty: a generated placeholder, encrypted with the environment key', () => {
    // Prepare
    const { deployment } = synthesis.get(name);

    // Act
    const secrets = deployment.settings.zoomProfiles.map((profile) =>
      resourceNamed(template(name), 'AWS::SecretsManager::Secret', 'Name', profile.secretName),
    );

    // Assess
    for (const secret of secrets) {
      expect(secret.properties['SecretString']).toBeUndefined();
      expect(secret.properties['GenerateSecretString']).toEqual({
        SecretStringTemplate: JSON.stringify({ account_id: '', client_id: '' }),
        GenerateStringKey: 'client_secret',
        ExcludePunctuation: true,
        PasswordLength: 32,
      });
      expect(secret.properties['KmsKeyId']).toEqual(arnOf(keyOf(name).logicalId));
    }
  });

  it('keeps the data of a retained environment when the stack is deleted, and only then', () => {
    // Prepare
    const retain = synthesis.get(name).deployment.retention.removalPolicy === 'retain';
    const dataTypes = [
      'AWS::KMS::Key',
      'AWS::DynamoDB::Table',
      'AWS::SecretsManager::Secret',
      'AWS::S3::Bucket',
      'AWS::Logs::LogGroup',
    ];

    // Act
    const policies = dataTypes.flatMap((type) =>
      Object.values(template(name).findResources(type)).map((resource) => resource['DeletionPolicy']),
    );

    // Assess
    expect(new Set(policies)).toEqual(new Set([retain ? 'Retain' : 'Delete']));
  });
});

describe('the recordings bucket qm-ingest creates', () => {
  it('is versioned, encrypted with the environment key, logged, with the environment’s lifecycle', () => {
    // Prepare
    const { stack } = synthesis.get('prod');

    // Act
    const recordings = bucketNamed('prod', stack.resources.names.recordingsBucket);

    // Assess
    expect(recordings.properties).toMatchObject({
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: arnOf(keyOf('prod').logicalId),
            },
          },
        ],
      },
      LoggingConfiguration: { LogFilePrefix: 'recordings/' },
      LifecycleConfiguration: {
        Rules: [
          {
            Id: 'abort-incomplete-uploads',
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
            Status: 'Enabled',
          },
          {
            Id: 'recordings',
            ExpirationInDays: 400,
            NoncurrentVersionExpiration: { NoncurrentDays: 30 },
            Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }],
            Status: 'Enabled',
          },
        ],
      },
    });
  });

  it('notifies the ingest queue once per recording prefix and suffix', () => {
    // Prepare
    const { stack, deployment } = synthesis.get('prod');
    const ingestQueue = resourceNamed(
      template('prod'),
      'AWS::SQS::Queue',
      'QueueName',
      stack.resources.names.ingestQueue,
    );
    const suffixes = deployment.settings.ingest.recordingSuffixes.flatMap((suffix) => [
      suffix,
      suffix.toUpperCase(),
    ]);

    // Act
    const notifications = resourcesOf(template('prod'), 'Custom::S3BucketNotifications');

    // Assess
    expect(notifications).toHaveLength(1);
    const configuration = notifications[0]?.properties['NotificationConfiguration'] as {
      QueueConfigurations: { Events: string[]; Filter: unknown; QueueArn: unknown }[];
    };
    expect(configuration.QueueConfigurations).toEqual(
      suffixes.map((suffix) => ({
        Events: ['s3:ObjectCreated:*'],
        Filter: {
          Key: {
            FilterRules: [
              { Name: 'suffix', Value: suffix },
              { Name: 'prefix', Value: 'calls/' },
            ],
          },
        },
        QueueArn: arnOf(ingestQueue.logicalId),
      })),
    );
  });

  it('lets only this bucket send to the ingest queue, and S3 use the key for it', () => {
    // Prepare
    const { stack } = synthesis.get('dev');
    const ingestQueue = resourceNamed(
      template('dev'),
      'AWS::SQS::Queue',
      'QueueName',
      stack.resources.names.ingestQueue,
    );
    const recordings = bucketNamed('dev', stack.resources.names.recordingsBucket);

    // Act & Assess
    template('dev').hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: ingestQueue.logicalId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 's3.amazonaws.com' },
            Action: Match.arrayWith(['sqs:SendMessage']),
            Condition: { ArnLike: { 'aws:SourceArn': arnOf(recordings.logicalId) } },
          }),
        ]),
      },
    });
    template('dev').hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 's3.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
  });

  it('is emptied on deletion only where the environment asks for it', () => {
    // Act
    const autoDelete = ['dev', 'staging', 'prod'].map(
      (name) => resourcesOf(template(name), 'Custom::S3AutoDeleteObjects').length,
    );

    // Assess: dev empties its four buckets (recordings, results, Athena's query results, logs); staging destroys without emptying; prod retains.
    expect(autoDelete).toEqual([4, 0, 0]);
  });
});
