/**
 * The identity every local server uses. The account id is obviously fake so an ARN copied from
 * local output can never be mistaken for a real one.
 */
export const LOCAL_ACCOUNT_ID = '000000000000';

/** The region used when the caller does not choose one. */
export const DEFAULT_LOCAL_REGION = 'us-east-1';

/**
 * The dummy credentials the local stack accepts and hands out. They are not secrets: every local
 * server is bound to the loopback interface (DynamoDB Local excepted, see its module) and accepts
 * only these keys, so a client left pointing at real AWS with them fails loudly. Letters and
 * digits only: DynamoDB Local rejects access keys with any other character.
 */
export const LOCAL_CREDENTIALS = {
  accessKeyId: 'QMINGESTLOCALACCESSKEY',
  secretAccessKey: 'QmIngestLocalSecretKey',
} as const;

/** The only address the in-process servers listen on. */
export const LOOPBACK_HOST = '127.0.0.1';
