import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaBuildOptions } from '../../../cdk/constructs/lambda-bundling.ts';
import {
  createTestBucket,
  createTestQueue,
  createTestSecret,
  createTestTable,
  createTestTopic,
  localAws,
  localAwsClients,
} from '../../helpers/local-stack.ts';

/**
 * The project's SDK clients (shared/aws/clients.ts) as a Lambda bundle carries them (cdk/constructs/lambda-bundling.ts: credentials
 * from the environment, each client's schemas cut to the operations the code calls), talking to
 * the local servers in a child process: requests, responses and modelled errors of every protocol
 * the functions use (S3's REST-XML, DynamoDB's and SQS's JSON, SNS's query, Secrets Manager's
 * JSON) still (de)serialize once unused schemas are dropped.
 */

const PROJECT_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const runFile = promisify(execFile);

/** The operations the functions call, each run once through the bundled clients. */
const PROBE = `
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { PublishCommand } from '@aws-sdk/client-sns';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createDynamoDbClient, createS3Client, createSecretsManagerClient, createSnsClient, createSqsClient } from ${JSON.stringify(join(PROJECT_ROOT, 'shared/aws/clients.ts'))};

const [bucket, queueUrl, tableName, topicArn, secretName] = process.argv.slice(2);
const failureName = async (attempt) => attempt.then(() => 'none', (error) => error.name);
const s3 = createS3Client();
await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'calls/a b+c.wav', Body: 'RIFF audio', ContentType: 'audio/wav', Metadata: { agent: 'jane' } }));
const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'calls/a b+c.wav' }));
const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'calls/a b+c.wav' }));
const presigned = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: 'calls/a b+c.wav' }), { expiresIn: 300 });
const download = await fetch(presigned);
const sqs = createSqsClient();
await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{"recording":"r1"}' }));
const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }));
const table = DynamoDBDocumentClient.from(createDynamoDbClient());
await table.send(new PutCommand({ TableName: tableName, Item: { pk: 'r1', sk: 'v1', status: 'RECEIVED' } }));
await table.send(new UpdateCommand({ TableName: tableName, Key: { pk: 'r1', sk: 'v1' }, UpdateExpression: 'SET #s = :to', ConditionExpression: '#s = :from', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':from': 'RECEIVED', ':to': 'SUBMITTED' } }));
const item = await table.send(new GetCommand({ TableName: tableName, Key: { pk: 'r1', sk: 'v1' }, ConsistentRead: true }));
const queried = await table.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'r1' } }));
const published = await createSnsClient().send(new PublishCommand({ TopicArn: topicArn, Message: 'EVALUATED', MessageAttributes: { status: { DataType: 'String', StringValue: 'EVALUATED' } } }));
const secret = await createSecretsManagerClient().send(new GetSecretValueCommand({ SecretId: secretName }));
process.stdout.write(JSON.stringify({
  head: { length: head.ContentLength, type: head.ContentType, agent: head.Metadata?.agent },
  body: await object.Body.transformToString(),
  download: { status: download.status, body: await download.text() },
  missingObject: await failureName(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'calls/none.wav' }))),
  missingKey: await failureName(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'calls/none.wav' }))),
  received: received.Messages?.map((message) => message.Body),
  item: item.Item,
  queried: queried.Count,
  lostRace: await failureName(table.send(new UpdateCommand({ TableName: tableName, Key: { pk: 'r1', sk: 'v1' }, UpdateExpression: 'SET #s = :to', ConditionExpression: '#s = :from', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':from': 'RECEIVED', ':to': 'SUBMITTED' } }))),
  published: typeof published.MessageId,
  secret: secret.SecretString,
  missingSecret: await failureName(createSecretsManagerClient().send(new GetSecretValueCommand({ SecretId: 'qm-no-such-secret' }))),
}));
`;

describe('SDK clients as a Lambda bundle carries them, against the local servers', () => {
  let workDir = '';
  let names: string[] = [];

  beforeAll(async () => {
    const clients = localAwsClients();
    const queue = await createTestQueue(clients.sqs);
    names = [
      await createTestBucket(clients.s3),
      queue.queueUrl,
      await createTestTable(clients.dynamodb, {
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
      await createTestTopic(clients.sns),
      (await createTestSecret(clients.secretsManager, '{"clientId":"id"}')).name,
    ];
    workDir = await mkdtemp(join(tmpdir(), 'qm-bundle-clients-'));
    await writeFile(join(workDir, 'probe.mjs'), PROBE);
    await build({
      ...lambdaBuildOptions(PROJECT_ROOT, 'functions/ingest.ts', join(workDir, 'bundle.mjs')),
      entryPoints: [join(workDir, 'probe.mjs')],
      nodePaths: [join(PROJECT_ROOT, 'node_modules')],
      logLevel: 'silent',
    });
  });

  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  it('sends, reads and reports modelled errors as the unbundled SDK does', async () => {
    // Act
    const { stdout } = await runFile(process.execPath, [join(workDir, 'bundle.mjs'), ...names], {
      env: { ...localAws().env, HOME: workDir },
      timeout: 60_000,
    });

    // Assess
    expect(JSON.parse(stdout)).toEqual({
      head: { length: 10, type: 'audio/wav', agent: 'jane' },
      body: 'RIFF audio',
      download: { status: 200, body: 'RIFF audio' },
      missingObject: 'NotFound',
      missingKey: 'NoSuchKey',
      received: ['{"recording":"r1"}'],
      item: { pk: 'r1', sk: 'v1', status: 'SUBMITTED' },
      queried: 1,
      lostRace: 'ConditionalCheckFailedException',
      published: 'string',
      secret: '{"clientId":"id"}',
      missingSecret: 'ResourceNotFoundException',
    });
  });
});
