import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { describe, expect, it } from 'vitest';
import { ZoomCredentialSecrets } from '../../cdk/constructs/zoom-credential-secrets.ts';
import { zoomProfileSchema } from '../../shared/config/zoom-profile.ts';
import { stateTableDefinition } from '../../shared/table/definition.ts';
import { synthesizedPerFile } from './helpers/synthesis-per-file.ts';
import { arnOf, keyAliasedAs, resourceNamed, resourcesOf } from './helpers/template.ts';

const synthesis = synthesizedPerFile();

const template = (name: string) => synthesis.get(name).template;
const keyOf = (name: string) => keyAliasedAs(template(name), `alias/qm-ingest-${name}`);
const bucketNamed = (name: string, bucketName: string) =>
  resourceNamed(
    template(name),
    'AWS::S3::Bucket',
    'BucketName',
    synthesis.get(name).stack.resolve(bucketName),
  );

describe.each(['dev', 'staging', 'prod'])('%s', (name) => {
  it('has two KMS keys, the environment’s and the alerting one, rotation on', () => {
    // Act
    const keys = resourcesOf(template(name), 'AWS::KMS::Key');

    // Assess
    expect(keys).toHaveLength(2);
    expect(keys.map((key) => key.properties['EnableKeyRotation'])).toEqual([true, true]);
    expect(
      new Set([
        keyOf(name).logicalId,
        keyAliasedAs(template(name), `alias/qm-ingest-${name}-alerts`).logicalId,
      ]),
    ).toEqual(new Set(keys.map((key) => key.logicalId)));
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

  it('encrypts the results with the environment key, versions them and logs access to them', () => {
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
    expect(results.properties['VersioningConfiguration']).toEqual({ Status: 'Enabled' });
    expect(results.properties['LifecycleConfiguration']).toMatchObject({
      Rules: expect.arrayContaining([
        {
          Id: 'expire-replaced-results',
          NoncurrentVersionExpiration: {
            NoncurrentDays: synthesis.get(name).deployment.results.noncurrentVersionExpireAfterDays,
          },
          Status: 'Enabled',
        },
      ]),
    });
  });

  it('builds the state table from the shared definition: on demand, PITR, the environment key, TTL', () => {
    // Prepare
    const { stack } = synthesis.get(name);

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
    });
    // Deletion protection would stop the rollback of a failed first create at the table (README).
    expect(table.properties['DeletionProtectionEnabled']).toBeUndefined();
    const indexes = table.properties['GlobalSecondaryIndexes'] as {
      IndexName: string;
      KeySchema: unknown;
      Projection: unknown;
    }[];
    expect(indexes.map((index) => [index.IndexName, index.KeySchema, index.Projection])).toEqual(
      stateTableDefinition.globalSecondaryIndexes.map((index) => [
        index.indexName,
        [
          { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
        ],
        { ProjectionType: 'KEYS_ONLY' },
      ]),
    );
  });

  it('creates each Zoom credentials secret empty, with no value in the template, encrypted with the environment key', () => {
    // Prepare
    const { deployment } = synthesis.get(name);

    // Act
    const secrets = deployment.settings.zoomProfiles.map((profile) =>
      resourceNamed(template(name), 'AWS::SecretsManager::Secret', 'Name', profile.secretName),
    );

    // Assess
    expect(secrets.length).toBe(deployment.settings.zoomProfiles.length);
    for (const secret of secrets) {
      expect(valuePropertiesOf(secret.properties)).toEqual([]);
      expect(secret.properties['KmsKeyId']).toEqual(arnOf(keyOf(name).logicalId));
    }
  });

  it('keeps the data of a retained environment on deletion and replacement, but not after a failed first create', () => {
    // Prepare
    const retain = synthesis.get(name).deployment.retention.removalPolicy === 'retain';
    const alertsKey = keyAliasedAs(template(name), `alias/qm-ingest-${name}-alerts`).logicalId;
    const dataTypes = [
      'AWS::KMS::Key',
      'AWS::DynamoDB::Table',
      'AWS::SecretsManager::Secret',
      'AWS::S3::Bucket',
      'AWS::Logs::LogGroup',
    ];

    // Act
    const policies = dataTypes.flatMap((type) =>
      Object.entries(template(name).findResources(type))
        .filter(([logicalId]) => logicalId !== alertsKey)
        .map(([, resource]) => [resource['DeletionPolicy'], resource['UpdateReplacePolicy']]),
    );

    // Assess
    expect(policies.length).toBeGreaterThan(dataTypes.length);
    expect(new Set(policies.map((policy) => JSON.stringify(policy)))).toEqual(
      new Set([JSON.stringify(retain ? ['RetainExceptOnCreate', 'Retain'] : ['Delete', 'Delete'])]),
    );
  });

  it('deletes the alerting key with the stack: it encrypts only alerts in transit', () => {
    // Act
    const alertsKey = template(name).toJSON()['Resources'][
      keyAliasedAs(template(name), `alias/qm-ingest-${name}-alerts`).logicalId
    ] as Record<string, unknown>;

    // Assess
    expect([alertsKey['DeletionPolicy'], alertsKey['UpdateReplacePolicy']]).toEqual(['Delete', 'Delete']);
    expect((alertsKey['Properties'] as Record<string, unknown>)['PendingWindowInDays']).toBe(30);
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

/** The properties through which CloudFormation writes a secret's value. */
function valuePropertiesOf(properties: Record<string, unknown>): string[] {
  return ['SecretString', 'GenerateSecretString', 'SecretBinary'].filter(
    (key) => properties[key] !== undefined,
  );
}

/** The Zoom secrets alone in a stack: no bundling, so many variants synthesize in a moment. */
function zoomSecretsTemplate(variant: {
  readonly profiles: readonly { readonly name: string; readonly secretName: string }[];
  readonly removalPolicy: RemovalPolicy;
  readonly keyDescription: string;
}): Record<string, unknown>[] {
  const stack = new Stack(new App(), 'Secrets', { env: { account: '111122223333', region: 'eu-west-1' } });
  new ZoomCredentialSecrets(stack, 'Zoom', {
    profiles: variant.profiles.map((profile) => zoomProfileSchema.parse(profile)),
    modes: {},
    encryptionKey: new kms.Key(stack, 'Key', { description: variant.keyDescription }),
    removalPolicy: variant.removalPolicy,
  });
  return resourcesOf(Template.fromStack(stack), 'AWS::SecretsManager::Secret').map(
    (secret) => secret.properties,
  );
}

describe('the Zoom credentials secrets', () => {
  it('hold no value in any template, so no template change can write one over the stored credentials', () => {
    // Prepare: templates that differ as later changes would (profiles, names, policies, key).
    const variants = [
      {
        profiles: [{ name: 'main', secretName: 'qm-ingest/dev/zoom/main' }],
        removalPolicy: RemovalPolicy.DESTROY,
        keyDescription: 'a',
      },
      {
        profiles: [
          { name: 'main', secretName: 'qm-ingest/dev/zoom/main' },
          { name: 'amer', secretName: 'qm-ingest/dev/zoom/amer' },
        ],
        removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
        keyDescription: 'b',
      },
    ];

    // Act
    const secrets = variants.flatMap((variant) => zoomSecretsTemplate(variant));

    // Assess: CloudFormation writes a secret's value only from these properties, on create or when they change.
    expect(secrets).toHaveLength(3);
    expect(secrets.flatMap(valuePropertiesOf)).toEqual([]);
  });

  it('would carry a generated value with CDK’s default, which the check above finds (it can fail)', () => {
    // Prepare
    const stack = new Stack(new App(), 'Default');
    new secretsmanager.Secret(stack, 'Secret', { secretName: 'qm-ingest/dev/zoom/main' });

    // Act
    const [secret] = resourcesOf(Template.fromStack(stack), 'AWS::SecretsManager::Secret');

    // Assess
    expect(valuePropertiesOf(secret?.properties ?? {})).toEqual(['GenerateSecretString']);
  });
});
