import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestTable, type LocalAwsClients, localAwsClients } from '../../helpers/local-stack.ts';

let clients: LocalAwsClients;
let documents: DynamoDBDocumentClient;

beforeAll(() => {
  clients = localAwsClients();
  documents = DynamoDBDocumentClient.from(clients.dynamodb);
});

const RECORDINGS_TABLE = {
  TableName: 'recordings',
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' as const }],
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' as const }],
};

describe('DynamoDB Local', () => {
  it('rejects a conditional write whose condition fails, returning the item it found', async () => {
    // Prepare
    const tableName = await createTestTable(clients.dynamodb, RECORDINGS_TABLE);
    await documents.send(
      new PutCommand({ TableName: tableName, Item: { pk: 'rec-1', state: 'SUBMITTED', version: 1 } }),
    );
    // Act
    const conflict = await documents
      .send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: 'rec-1' },
          UpdateExpression: 'SET #state = :next, version = :newVersion',
          ConditionExpression: 'version = :expectedVersion',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':next': 'POLLING', ':newVersion': 2, ':expectedVersion': 0 },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      )
      .catch((error: unknown) => error);
    const stored = await documents.send(new GetCommand({ TableName: tableName, Key: { pk: 'rec-1' } }));
    // Assess
    expect(conflict).toBeInstanceOf(ConditionalCheckFailedException);
    expect((conflict as ConditionalCheckFailedException).Item).toMatchObject({
      version: { N: '1' },
      state: { S: 'SUBMITTED' },
    });
    expect(stored.Item).toEqual({ pk: 'rec-1', state: 'SUBMITTED', version: 1 });
  });

  it('cancels a whole TransactWriteItems when one condition fails, with a reason per item', async () => {
    // Prepare
    const tableName = await createTestTable(clients.dynamodb, RECORDINGS_TABLE);
    await documents.send(new PutCommand({ TableName: tableName, Item: { pk: 'taken' } }));
    // Act
    const cancellation = await documents
      .send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: tableName,
                Item: { pk: 'fresh' },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: tableName,
                Item: { pk: 'taken' },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      )
      .catch((error: unknown) => error);
    const fresh = await documents.send(new GetCommand({ TableName: tableName, Key: { pk: 'fresh' } }));
    // Assess
    expect(cancellation).toBeInstanceOf(TransactionCanceledException);
    expect(
      (cancellation as TransactionCanceledException).CancellationReasons?.map((reason) => reason.Code),
    ).toEqual(['None', 'ConditionalCheckFailed']);
    expect(fresh.Item).toBeUndefined();
  });
});
