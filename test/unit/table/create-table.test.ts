import { describe, expect, it } from 'vitest';
import { toCreateTableInput } from '../../../shared/table/create-table.ts';
import { StateTableIndex, stateTableDefinition } from '../../../shared/table/definition.ts';

describe('toCreateTableInput', () => {
  it('creates the table on demand with string keys pk and sk', () => {
    // Prepare
    const tableName = 'qm-state';

    // Act
    const input = toCreateTableInput(stateTableDefinition, tableName);

    // Assess
    expect(input.TableName).toBe('qm-state');
    expect(input.BillingMode).toBe('PAY_PER_REQUEST');
    expect(input.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
  });

  it('defines every key attribute exactly once', () => {
    // Prepare
    const definition = stateTableDefinition;

    // Act
    const input = toCreateTableInput(definition, 'qm-state');

    // Assess
    const names = (input.AttributeDefinitions ?? []).map((definition) => definition.AttributeName);
    expect(names).toEqual([
      'pk',
      'sk',
      'gsi1pk',
      'gsi1sk',
      'gsi2pk',
      'gsi2sk',
      'gsi3pk',
      'gsi3sk',
      'gsi4pk',
      'gsi4sk',
      'gsi5pk',
      'gsi5sk',
    ]);
    expect(new Set((input.AttributeDefinitions ?? []).map((definition) => definition.AttributeType))).toEqual(
      new Set(['S']),
    );
  });

  it('creates every index of the definition with its keys and projection', () => {
    // Prepare
    const definition = stateTableDefinition;

    // Act
    const input = toCreateTableInput(definition, 'qm-state');

    // Assess
    expect(input.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual(
      Object.values(StateTableIndex),
    );
    expect(input.GlobalSecondaryIndexes?.[4]).toEqual({
      IndexName: 'gsi5',
      KeySchema: [
        { AttributeName: 'gsi5pk', KeyType: 'HASH' },
        { AttributeName: 'gsi5sk', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    });
  });

  it('maps an INCLUDE projection with its attributes', () => {
    // Prepare
    const [first] = stateTableDefinition.globalSecondaryIndexes;
    if (first === undefined) {
      throw new Error('the definition has no index');
    }
    const definition = {
      ...stateTableDefinition,
      globalSecondaryIndexes: [
        { ...first, projection: { type: 'INCLUDE', nonKeyAttributes: ['status'] } as const },
      ],
    };

    // Act
    const input = toCreateTableInput(definition, 'qm-state');

    // Assess
    expect(input.GlobalSecondaryIndexes?.[0]?.Projection).toEqual({
      ProjectionType: 'INCLUDE',
      NonKeyAttributes: ['status'],
    });
  });
});
