import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { translateAwsError } from '../aws/errors.ts';

/**
 * One object written to the results bucket. With `kms`, SSE-KMS is requested on the request
 * (with that key when one is given, else S3 uses the account's AWS-managed key for S3); without,
 * the bucket's default encryption applies (the stack's is SSE-KMS with the environment's key).
 */
export interface ResultsObject {
  readonly bucket: string;
  readonly key: string;
  readonly body: string | Uint8Array;
  readonly contentType: string;
  readonly kms: { readonly keyId: string | undefined } | undefined;
}

export async function putResultsObject(s3: S3Client, object: ResultsObject): Promise<void> {
  const encryption =
    object.kms === undefined
      ? {}
      : {
          ServerSideEncryption: 'aws:kms' as const,
          ...(object.kms.keyId === undefined ? {} : { SSEKMSKeyId: object.kms.keyId }),
        };
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: object.bucket,
        Key: object.key,
        Body: object.body,
        ContentType: object.contentType,
        ...encryption,
      }),
    );
  } catch (error) {
    throw translateAwsError(error, 'S3', 'PutObject');
  }
}
