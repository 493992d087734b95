import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ScanCommand, type ScanCommandOutput } from '@aws-sdk/lib-dynamodb';
import { documentClientOf } from '../table/document-client.ts';
import { translateDynamoError } from '../table/dynamo-errors.ts';
import { ItemType } from '../table/keys.ts';
import { parseRecording, type Recording } from './recording.ts';

/**
 * The recordings that match a filter on their stored attributes, read with a scan of the table.
 * The table has no index by object key (its index set is settled, see shared/table/definition.ts),
 * and a scan reads every item, so on a large deployed table this costs time and read capacity:
 * it serves an operator's occasional lookup (`status` by key, `backfill`'s check for objects
 * already recorded), never a pipeline path.
 */

export interface RecordingFilter {
  /** A DynamoDB filter expression over the attributes, ANDed with "is a recording". */
  readonly expression: string;
  readonly names: Readonly<Record<string, string>>;
  readonly values: Readonly<Record<string, unknown>>;
  /** What the scan is for, in the error that a failed read raises. */
  readonly purpose: string;
}

export async function* scanRecordings(
  dynamodb: DynamoDBClient,
  tableName: string,
  filter: RecordingFilter,
): AsyncGenerator<Recording> {
  const client = documentClientOf(dynamodb);
  let exclusiveStartKey: Record<string, unknown> | undefined;
  do {
    let page: ScanCommandOutput;
    try {
      page = await client.send(
        new ScanCommand({
          TableName: tableName,
          FilterExpression: `#type = :type AND (${filter.expression})`,
          ExpressionAttributeNames: { ...filter.names, '#type': 'type' },
          ExpressionAttributeValues: { ...filter.values, ':type': ItemType.recording },
          ExclusiveStartKey: exclusiveStartKey,
        }),
      );
    } catch (error) {
      throw translateDynamoError(error, filter.purpose);
    }
    for (const item of page.Items ?? []) {
      yield parseRecording(item);
    }
    exclusiveStartKey = page.LastEvaluatedKey;
  } while (exclusiveStartKey !== undefined);
}
