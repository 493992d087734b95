import {
  type AttributeDefinition,
  CreateTableCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
  type Projection,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import type { IndexProjection, KeyAttribute, TableDefinition } from './definition.ts';
import { translateDynamoError } from './dynamo-errors.ts';

/**
 * Maps the table definition to a CreateTable request. The CDK stack builds its table from the
 * same definition; the local runtime and the integration tests create theirs with this input.
 */
export function toCreateTableInput(definition: TableDefinition, tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: definition.billingMode,
    AttributeDefinitions: attributeDefinitions(definition),
    KeySchema: [
      { AttributeName: definition.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: definition.sortKey.name, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: definition.globalSecondaryIndexes.map((index) => ({
      IndexName: index.indexName,
      KeySchema: [
        { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
      ],
      Projection: toProjection(index.projection),
    })),
  };
}

/**
 * Creates the table on a DynamoDB endpoint unless it exists, waits until it is active and turns
 * on its TTL. For the local runtime and tests: in AWS the CDK stack owns the table.
 */
export async function createStateTable(
  client: DynamoDBClient,
  definition: TableDefinition,
  tableName: string,
  maxWaitSeconds = 60,
): Promise<void> {
  try {
    await client.send(new CreateTableCommand(toCreateTableInput(definition, tableName)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) {
      throw translateDynamoError(error, `creating table ${tableName}`);
    }
  }
  await waitUntilTableExists({ client, maxWaitTime: maxWaitSeconds }, { TableName: tableName });
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: definition.timeToLiveAttribute, Enabled: true },
      }),
    );
  } catch (error) {
    if (!isTimeToLiveAlreadyEnabled(error)) {
      throw translateDynamoError(error, `enabling TTL on table ${tableName}`);
    }
  }
}

function attributeDefinitions(definition: TableDefinition): AttributeDefinition[] {
  const keys: KeyAttribute[] = [
    definition.partitionKey,
    definition.sortKey,
    ...definition.globalSecondaryIndexes.flatMap((index) => [index.partitionKey, index.sortKey]),
  ];
  const byName = new Map(keys.map((key) => [key.name, key.type]));
  return [...byName].map(([name, type]) => ({ AttributeName: name, AttributeType: type }));
}

function toProjection(projection: IndexProjection): Projection {
  if (projection.type === 'INCLUDE') {
    return { ProjectionType: 'INCLUDE', NonKeyAttributes: [...projection.nonKeyAttributes] };
  }
  return { ProjectionType: projection.type };
}

/** DynamoDB answers a repeated UpdateTimeToLive with a ValidationException saying TTL is already enabled. */
function isTimeToLiveAlreadyEnabled(error: unknown): boolean {
  return (
    error instanceof Error && error.name === 'ValidationException' && /already enabled/i.test(error.message)
  );
}
