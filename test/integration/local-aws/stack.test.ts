import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  LOCAL_CREDENTIALS,
  type LocalAws,
  LocalAwsError,
  type LocalAwsService,
  startLocalAws,
} from '../../../local/aws/index.ts';
import { receiveMessages } from '../../helpers/local-stack.ts';

/** Stacks these tests start on their own (beside the run's shared one), stopped after each test. */
const stacks: { stop(): Promise<void> }[] = [];
const folders: string[] = [];

afterEach(async () => {
  await Promise.all(stacks.splice(0).map((stack) => stack.stop()));
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

async function start<Service extends LocalAwsService>(
  options: Parameters<typeof startLocalAws<Service>>[0],
): Promise<LocalAws<Service>> {
  const stack = await startLocalAws(options);
  stacks.push(stack);
  return stack;
}

function clientConfig<Service extends LocalAwsService>(stack: LocalAws<Service>, service: Service) {
  return { endpoint: stack.endpoints[service], region: stack.region, credentials: LOCAL_CREDENTIALS };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

describe('startLocalAws', () => {
  it('listens on the fixed ports it is given and reports how long each service took to be ready', async () => {
    // Prepare
    const [sqsPort, s3Port] = [await freePort(), await freePort()];
    // Act
    const stack = await start({ services: ['sqs', 's3'], ports: { sqs: sqsPort, s3: s3Port } });
    // Assess
    expect(stack.endpoints).toEqual({ sqs: `http://127.0.0.1:${sqsPort}`, s3: `http://127.0.0.1:${s3Port}` });
    expect(Object.keys(stack.startup.services).sort()).toEqual(['s3', 'sqs']);
    expect(stack.startup.totalMs).toBeGreaterThanOrEqual(
      Math.max(...Object.values<number>(stack.startup.services)),
    );
    expect(stack.env).not.toHaveProperty('AWS_ENDPOINT_URL_DYNAMODB');
  });

  it('fails with a message naming the port when a fixed port is taken', async () => {
    // Prepare
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const address = blocker.address();
    const takenPort = typeof address === 'object' && address !== null ? address.port : 0;
    // Act
    const failure = await startLocalAws({ services: ['sqs'], ports: { sqs: takenPort } }).catch(
      (error: unknown) => error,
    );
    blocker.close();
    // Assess
    expect(failure).toBeInstanceOf(LocalAwsError);
    expect(String(failure)).toContain(`port ${takenPort} is already in use`);
  });

  it('explains that DynamoDB Local needs Java when java cannot be found', async () => {
    // Prepare
    const options = { services: ['dynamodb' as const], dynamoDb: { javaCommand: '/nonexistent/bin/java' } };
    // Act
    const failure = await startLocalAws(options).catch((error: unknown) => error);
    // Assess
    expect(failure).toBeInstanceOf(LocalAwsError);
    expect(String(failure)).toMatch(/needs Java.*default-jre-headless/s);
  });

  it('keeps tables, objects, notification configurations and secrets in its data folder between runs', async () => {
    // Prepare
    const dataDir = mkdtempSync(join(tmpdir(), 'qm-ingest-local-aws-test-'));
    folders.push(dataDir);
    const services = ['dynamodb', 's3', 'sqs', 'secretsManager'] as const;
    const first = await start({ services, dataDir });
    await new DynamoDBClient(clientConfig(first, 'dynamodb')).send(
      new CreateTableCommand({
        TableName: 'kept',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      }),
    );
    const s3 = new S3Client(clientConfig(first, 's3'));
    await s3.send(new CreateBucketCommand({ Bucket: 'kept-bucket' }));
    await s3.send(new PutObjectCommand({ Bucket: 'kept-bucket', Key: 'kept.txt', Body: 'still here' }));
    const { QueueUrl } = await new SQSClient(clientConfig(first, 'sqs')).send(
      new CreateQueueCommand({ QueueName: 'events' }),
    );
    const { Attributes } = await new SQSClient(clientConfig(first, 'sqs')).send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    await first.s3Notifications.put('kept-bucket', {
      queues: [{ queueArn: Attributes?.QueueArn ?? '', events: ['s3:ObjectCreated:*'] }],
    });
    await new SecretsManagerClient(clientConfig(first, 'secretsManager')).send(
      new CreateSecretCommand({ Name: 'kept-secret', SecretString: 'kept value' }),
    );
    await first.stop();
    // Act
    const second = await start({ services, dataDir });
    // Assess
    const { TableNames } = await new DynamoDBClient(clientConfig(second, 'dynamodb')).send(
      new ListTablesCommand({}),
    );
    expect(TableNames).toEqual(['kept']);
    const object = await new S3Client(clientConfig(second, 's3')).send(
      new GetObjectCommand({ Bucket: 'kept-bucket', Key: 'kept.txt' }),
    );
    expect(await object.Body?.transformToString()).toBe('still here');
    expect(second.s3Notifications.get('kept-bucket').queues).toEqual([
      { id: expect.any(String), queueArn: Attributes?.QueueArn, events: ['s3:ObjectCreated:*'] },
    ]);
    const secret = await new SecretsManagerClient(clientConfig(second, 'secretsManager')).send(
      new GetSecretValueCommand({ SecretId: 'kept-secret' }),
    );
    expect(secret.SecretString).toBe('kept value');
  });

  it('reads the notification configurations a data folder of an earlier version kept (queue lists alone)', async () => {
    // Prepare
    const dataDir = mkdtempSync(join(tmpdir(), 'qm-ingest-local-aws-test-'));
    folders.push(dataDir);
    const queue = {
      id: 'ingest',
      queueArn: 'arn:aws:sqs:us-east-1:000000000000:events',
      events: ['s3:ObjectCreated:*'],
    };
    writeFileSync(join(dataDir, 's3-notifications.json'), JSON.stringify({ 'old-bucket': [queue] }));
    // Act
    const stack = await start({ services: ['s3', 'sqs'], dataDir });
    // Assess
    expect(stack.s3Notifications.get('old-bucket')).toEqual({ queues: [queue], eventBridge: false });
  });

  it('refuses to turn on EventBridge notifications when it runs without EventBridge, saying so', async () => {
    // Prepare
    const stack = await start({ services: ['s3', 'sqs'] });
    const s3 = new S3Client(clientConfig(stack, 's3'));
    await s3.send(new CreateBucketCommand({ Bucket: 'no-bus' }));
    // Act
    const refused = stack.s3Notifications.put('no-bus', { queues: [], eventBridge: true });
    // Assess
    await expect(refused).rejects.toThrow(/runs without EventBridge/);
    expect(stack.s3Notifications.get('no-bus')).toEqual({ queues: [], eventBridge: false });
  });

  it('exposes what SNS published, with the outcome of each delivery, once the deliveries are flushed', async () => {
    // Prepare
    const logged: string[] = [];
    const stack = await start({ services: ['sqs', 'sns'], log: (message) => logged.push(message) });
    const sns = new SNSClient(clientConfig(stack, 'sns'));
    const sqs = new SQSClient(clientConfig(stack, 'sqs'));
    const { QueueUrl = '' } = await sqs.send(new CreateQueueCommand({ QueueName: 'alerts' }));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'alerts' }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: Attributes?.QueueArn }));
    await sns.send(
      new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: `${Attributes?.QueueArn}-deleted` }),
    );
    // Act
    await sns.send(new PublishCommand({ TopicArn, Message: 'watch this' }));
    await stack.flushDeliveries();
    // Assess
    const [record] = stack.published.sns();
    expect(record).toMatchObject({ topicArn: TopicArn, message: 'watch this' });
    expect(record?.deliveries.map((delivery) => delivery.status).sort()).toEqual(['delivered', 'failed']);
    expect(logged).toEqual([expect.stringContaining(`${Attributes?.QueueArn}-deleted does not exist`)]);
    expect(await receiveMessages(sqs, QueueUrl, 1)).toHaveLength(1);
  });
});
