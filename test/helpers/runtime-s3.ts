import { S3Client } from '@aws-sdk/client-s3';
import type { LocalRuntime } from '../../local/runtime/index.ts';

/** A plain S3 client, configured from what the runtime prints: endpoint, region and local keys. */
export function s3ClientOf(runtime: Pick<LocalRuntime, 'awsEnv'>): S3Client {
  return new S3Client({
    endpoint: runtime.awsEnv['AWS_ENDPOINT_URL_S3'],
    region: runtime.awsEnv['AWS_REGION'],
    credentials: {
      accessKeyId: runtime.awsEnv['AWS_ACCESS_KEY_ID'] ?? '',
      secretAccessKey: runtime.awsEnv['AWS_SECRET_ACCESS_KEY'] ?? '',
    },
    forcePathStyle: true,
  });
}
