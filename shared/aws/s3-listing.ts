import {
  type _Object,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { translateAwsError } from './errors.ts';

/** Every object under `prefix` in `bucket`, page by page as the caller consumes them (ListObjectsV2). */
export async function* listObjects(s3: S3Client, bucket: string, prefix: string): AsyncGenerator<_Object> {
  let continuationToken: string | undefined;
  do {
    let page: ListObjectsV2CommandOutput;
    try {
      page = await s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: continuationToken }),
      );
    } catch (error) {
      throw translateAwsError(error, 'S3', `ListObjectsV2 (${bucket})`);
    }
    yield* page.Contents ?? [];
    continuationToken = page.IsTruncated === true ? page.NextContinuationToken : undefined;
  } while (continuationToken !== undefined);
}
