import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_CREDENTIALS, type LocalAwsService } from '../aws/index.ts';

/**
 * The clients the local runtime itself uses (to create resources, watch the table and drain its
 * subscription), each pinned to a local endpoint with the local dummy credentials. Pinned rather
 * than read from the environment: whatever AWS profile, keys or endpoints the user's shell holds,
 * the runtime can never reach real AWS. (The functions get the same pinning through the variables
 * of their execution environment.)
 */

export interface LocalClients {
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  readonly dynamodb: DynamoDBClient;
  readonly secretsManager: SecretsManagerClient;
  readonly sns: SNSClient;
  readonly eventBridge: EventBridgeClient;
  /** Closes every client's connections. */
  destroy(): void;
}

export function localClients(
  endpoints: Readonly<
    Record<
      Extract<LocalAwsService, 's3' | 'sqs' | 'dynamodb' | 'secretsManager' | 'sns' | 'eventBridge'>,
      string
    >
  >,
  region: string,
): LocalClients {
  const common = { region, credentials: LOCAL_CREDENTIALS, maxAttempts: 3 } as const;
  const clients = {
    s3: new S3Client({
      ...common,
      endpoint: endpoints.s3,
      forcePathStyle: true,
      // The local S3 stores the SDK's default aws-chunked uploads verbatim: send plain bodies.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    }),
    sqs: new SQSClient({ ...common, endpoint: endpoints.sqs }),
    dynamodb: new DynamoDBClient({ ...common, endpoint: endpoints.dynamodb }),
    secretsManager: new SecretsManagerClient({ ...common, endpoint: endpoints.secretsManager }),
    sns: new SNSClient({ ...common, endpoint: endpoints.sns }),
    eventBridge: new EventBridgeClient({ ...common, endpoint: endpoints.eventBridge }),
  };
  return {
    ...clients,
    destroy: () => {
      for (const client of Object.values(clients)) client.destroy();
    },
  };
}

/** A DynamoDB client alone, for the operator commands that only read the local table. */
export function localDynamoDbClient(endpoint: string, region: string): DynamoDBClient {
  return new DynamoDBClient({ region, credentials: LOCAL_CREDENTIALS, endpoint, maxAttempts: 3 });
}
