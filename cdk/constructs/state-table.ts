import type { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { IndexProjection, KeyAttribute, TableDefinition } from '../../shared/table/definition.ts';

export interface StateTableProps {
  readonly tableName: string;
  /** The one table definition the local runtime also creates its table from. */
  readonly definition: TableDefinition;
  readonly encryptionKey: kms.IKey;
  /**
   * Retained data uses RetainExceptOnCreate, so deletion protection is not set here: it would stop
   * the rollback of a failed first creation at the table. The README's deploy section turns it on
   * once the first deploy succeeded (the template never sets it, so no update turns it off).
   */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The state table: on-demand, point-in-time recovery, encrypted with the environment key, items
 * expiring through the definition's TTL attribute, and the definition's whole index set.
 */
export class StateTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: StateTableProps) {
    super(scope, id);
    const { definition } = props;
    this.table = new dynamodb.Table(this, 'Table', {
      tableName: props.tableName,
      partitionKey: toAttribute(definition.partitionKey),
      sortKey: toAttribute(definition.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.encryptionKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: definition.timeToLiveAttribute,
      removalPolicy: props.removalPolicy,
    });
    for (const index of definition.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: toAttribute(index.partitionKey),
        sortKey: toAttribute(index.sortKey),
        ...toProjection(index.projection),
      });
    }
  }
}

const ATTRIBUTE_TYPES: Readonly<Record<KeyAttribute['type'], dynamodb.AttributeType>> = {
  S: dynamodb.AttributeType.STRING,
  N: dynamodb.AttributeType.NUMBER,
  B: dynamodb.AttributeType.BINARY,
};

function toAttribute(key: KeyAttribute): dynamodb.Attribute {
  return { name: key.name, type: ATTRIBUTE_TYPES[key.type] };
}

function toProjection(
  projection: IndexProjection,
): Pick<dynamodb.GlobalSecondaryIndexProps, 'projectionType' | 'nonKeyAttributes'> {
  switch (projection.type) {
    case 'ALL':
      return { projectionType: dynamodb.ProjectionType.ALL };
    case 'KEYS_ONLY':
      return { projectionType: dynamodb.ProjectionType.KEYS_ONLY };
    case 'INCLUDE':
      return {
        projectionType: dynamodb.ProjectionType.INCLUDE,
        nonKeyAttributes: [...projection.nonKeyAttributes],
      };
  }
}
