import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The document-client view of a DynamoDB client the caller built (shared code never builds
 * clients: it wraps the one it is given, sharing its connection and configuration). Optional
 * fields left undefined are dropped rather than rejected, since the items are built from typed
 * records whose optional fields may be present-but-undefined.
 */
export function documentClientOf(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}
