import { DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createStateTable } from '../../../shared/table/create-table.ts';
import { stateTableDefinition } from '../../../shared/table/definition.ts';
import { localAwsClients, uniqueName } from '../../helpers/local-stack.ts';

/**
 * A fresh state table for one test file, on the DynamoDB Local of the run's local AWS stack,
 * created from the same definition the CDK stack deploys (TTL included).
 */
export interface StateTableFixture {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  dispose(): Promise<void>;
}

export async function createStateTableFixture(): Promise<StateTableFixture> {
  const client = localAwsClients().dynamodb;
  const tableName = uniqueName('state');
  await createStateTable(client, stateTableDefinition, tableName);
  return {
    client,
    tableName,
    async dispose() {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
      client.destroy();
    },
  };
}
