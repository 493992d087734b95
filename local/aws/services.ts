/** The AWS services the local stack serves, by the names the stack's options and endpoints use. */
export const LOCAL_AWS_SERVICES = ['s3', 'sqs', 'dynamodb', 'secretsManager', 'sns', 'eventBridge'] as const;

/** One service of the local stack. */
export type LocalAwsService = (typeof LOCAL_AWS_SERVICES)[number];

/**
 * The standard variable through which every AWS SDK v3 client finds a service's endpoint. Setting
 * these (and nothing in code) is what points production code at the local servers.
 */
export const ENDPOINT_VARIABLES: Readonly<Record<LocalAwsService, string>> = {
  s3: 'AWS_ENDPOINT_URL_S3',
  sqs: 'AWS_ENDPOINT_URL_SQS',
  dynamodb: 'AWS_ENDPOINT_URL_DYNAMODB',
  secretsManager: 'AWS_ENDPOINT_URL_SECRETS_MANAGER',
  sns: 'AWS_ENDPOINT_URL_SNS',
  eventBridge: 'AWS_ENDPOINT_URL_EVENTBRIDGE',
};
