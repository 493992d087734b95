import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { HeadBucketCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENDPOINT_VARIABLES, LOCAL_AWS_SERVICES, LOCAL_CREDENTIALS } from '../../../local/aws/index.ts';
import {
  createTestBucket,
  createTestQueue,
  createTestSecret,
  createTestTable,
  localAws,
  uniqueName,
  useLocalAwsEnv,
} from '../../helpers/local-stack.ts';

/**
 * Production code builds SDK clients with no endpoint and no credentials. These tests prove the
 * environment alone (AWS_ENDPOINT_URL_<SERVICE>, region, dummy credentials) routes such default
 * clients to the local servers: what one creates, a client pinned explicitly to that server sees.
 */

beforeAll(() => {
  useLocalAwsEnv();
});

function pinned<Client>(
  Construct: new (config: object) => Client,
  service: keyof ReturnType<typeof localAws>['endpoints'],
): Client {
  return new Construct({
    endpoint: localAws().endpoints[service],
    region: localAws().region,
    credentials: LOCAL_CREDENTIALS,
  });
}

describe('default SDK clients configured only by the environment', () => {
  it('get one AWS_ENDPOINT_URL_<SERVICE> per service, the region and the dummy credentials', () => {
    // Prepare
    const { env, endpoints, region } = localAws();
    // Act
    const endpointVariables = LOCAL_AWS_SERVICES.map((service) => env[ENDPOINT_VARIABLES[service]]);
    // Assess
    expect(endpointVariables).toEqual(LOCAL_AWS_SERVICES.map((service) => endpoints[service]));
    expect(endpointVariables.every((url) => url?.startsWith('http://127.0.0.1:'))).toBe(true);
    expect(env).toMatchObject({
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    });
  });

  it('reach the local S3, SQS and DynamoDB', async () => {
    // Prepare
    const tableDefinition = {
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' as const }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' as const }],
    };
    // Act
    const bucket = await createTestBucket(new S3Client({}));
    const queue = await createTestQueue(new SQSClient({}));
    const table = await createTestTable(new DynamoDBClient({}), tableDefinition);
    // Assess
    await expect(
      pinned(S3Client, 's3').send(new HeadBucketCommand({ Bucket: bucket })),
    ).resolves.toBeDefined();
    const { Buckets = [] } = await pinned(S3Client, 's3').send(new ListBucketsCommand({}));
    expect(Buckets.map((entry) => entry.Name)).toContain(bucket);
    const { QueueUrl } = await pinned(SQSClient, 'sqs').send(
      new GetQueueUrlCommand({ QueueName: queue.queueUrl.split('/').at(-1) }),
    );
    expect(QueueUrl).toBe(queue.queueUrl);
    const { TableNames = [] } = await pinned(DynamoDBClient, 'dynamodb').send(new ListTablesCommand({}));
    expect(TableNames).toContain(table);
  });

  it('reach the local Secrets Manager, SNS and EventBridge emulators', async () => {
    // Prepare
    const topicName = uniqueName('topic');
    // Act
    const secret = await createTestSecret(new SecretsManagerClient({}), 'from the environment');
    const { TopicArn } = await new SNSClient({}).send(new CreateTopicCommand({ Name: topicName }));
    const put = await new EventBridgeClient({}).send(
      new PutEventsCommand({ Entries: [{ Source: 'qm-ingest.test', DetailType: 'Probe', Detail: '{}' }] }),
    );
    // Assess
    const read = await pinned(SecretsManagerClient, 'secretsManager').send(
      new GetSecretValueCommand({ SecretId: secret.name }),
    );
    expect(read.SecretString).toBe('from the environment');
    const again = await pinned(SNSClient, 'sns').send(new CreateTopicCommand({ Name: topicName }));
    expect(again.TopicArn).toBe(TopicArn);
    expect(put.Entries?.[0]?.EventId).toEqual(expect.any(String));
  });
});
