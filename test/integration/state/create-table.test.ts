import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { createStateTable } from '../../../shared/table/create-table.ts';
import { stateTableDefinition } from '../../../shared/table/definition.ts';
import { useStateTable } from './state-table-fixture.ts';

/** The table the local runtime creates is the one the definition describes. */
const fixture = useStateTable();

describe('createStateTable', () => {
  it('creates the keys, indexes and TTL of the definition, and may run again', async () => {
    // Prepare
    const again = () => createStateTable(fixture.client, stateTableDefinition, fixture.tableName);

    // Act
    await again();
    const { Table: table } = await fixture.client.send(
      new DescribeTableCommand({ TableName: fixture.tableName }),
    );
    const { TimeToLiveDescription: ttl } = await fixture.client.send(
      new DescribeTimeToLiveCommand({ TableName: fixture.tableName }),
    );

    // Assess
    expect(table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort()).toEqual(
      stateTableDefinition.globalSecondaryIndexes.map((index) => index.indexName).sort(),
    );
    expect(ttl).toMatchObject({ AttributeName: 'expiresAt', TimeToLiveStatus: 'ENABLED' });
  });
});
