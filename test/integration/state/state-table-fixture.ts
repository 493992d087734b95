import { DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll } from 'vitest';
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

/**
 * Registers, in the calling test file, a fresh state table created before its first test (and
 * before the file's own `beforeAll` hooks, registered after this call) and deleted after its last.
 */
export function useStateTable(): Omit<StateTableFixture, 'dispose'> {
  let fixture: StateTableFixture | undefined;

  beforeAll(async () => {
    fixture = await createStateTableFixture();
  });

  afterAll(async () => {
    await fixture?.dispose();
  });

  const created = (): StateTableFixture => {
    if (fixture === undefined)
      throw new Error('the state table is created in a beforeAll hook: use it from a hook or a test');
    return fixture;
  };
  return {
    get client() {
      return created().client;
    },
    get tableName() {
      return created().tableName;
    },
  };
}
