import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';

/**
 * The only place that builds AWS SDK clients. Region, credentials and endpoints come from the
 * SDK's standard sources (AWS_REGION, the Lambda role, `AWS_ENDPOINT_URL_<SERVICE>`), so the same
 * code reaches AWS in the cloud and the local servers on one machine: there is no local mode.
 * Each factory is called once per container by a handler's wiring, outside the handler.
 */

/** Fails fast and retries a little: the queues behind every function retry far better than a long in-call wait. */
const common = { maxAttempts: 3 } as const;

export const createDynamoDbClient = (): DynamoDBClient => new DynamoDBClient(common);
export const createSqsClient = (): SQSClient => new SQSClient(common);
export const createSnsClient = (): SNSClient => new SNSClient(common);
export const createSecretsManagerClient = (): SecretsManagerClient => new SecretsManagerClient(common);
export const createIamClient = (): IAMClient => new IAMClient(common);

/**
 * The S3 client for reading object metadata and for presigning. Checksums are computed only when an
 * operation requires one: with the default, a presigned GET or PUT signs a checksum of an empty
 * body, which S3 then rejects for real content.
 */
export const createS3Client = (): S3Client =>
  new S3Client({
    ...common,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
