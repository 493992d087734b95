import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface SecureBucketProps {
  readonly bucketName: string;
  /**
   * The environment key (SSE-KMS, with an S3 bucket key so each object does not cost a KMS
   * call). Omitted only for the access-log bucket: S3 cannot deliver server access logs to a
   * bucket encrypted with a customer-managed key, so that one uses S3-managed keys.
   */
  readonly encryptionKey?: kms.IKey | undefined;
  readonly versioned: boolean;
  /** Where S3 writes this bucket's server access logs; omitted only for the access-log bucket itself. */
  readonly accessLogs?: { readonly bucket: s3.IBucket; readonly prefix: string } | undefined;
  readonly lifecycleRules: readonly s3.LifecycleRule[];
  /** Unfinished multipart uploads (which cost storage but are invisible) are removed after this many days. */
  readonly abortIncompleteUploadsAfterDays: number;
  readonly removalPolicy: RemovalPolicy;
  /** Empty the bucket when the stack is deleted (only with a destroy removal policy). */
  readonly autoDeleteObjects: boolean;
}

/**
 * An S3 bucket with the defaults every qm-ingest bucket needs: no public access, TLS only (1.2 or
 * later), objects owned by the bucket owner (no ACLs), encryption at rest, server access logs.
 */
export class SecureBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    const encryption =
      props.encryptionKey === undefined
        ? { encryption: s3.BucketEncryption.S3_MANAGED }
        : { encryption: s3.BucketEncryption.KMS, encryptionKey: props.encryptionKey, bucketKeyEnabled: true };
    this.bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: props.bucketName,
      ...encryption,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: props.versioned,
      ...(props.accessLogs === undefined
        ? {}
        : {
            serverAccessLogsBucket: props.accessLogs.bucket,
            serverAccessLogsPrefix: props.accessLogs.prefix,
          }),
      lifecycleRules: [
        {
          id: 'abort-incomplete-uploads',
          abortIncompleteMultipartUploadAfter: Duration.days(props.abortIncompleteUploadsAfterDays),
        },
        ...props.lifecycleRules,
      ],
      removalPolicy: props.removalPolicy,
      autoDeleteObjects: props.autoDeleteObjects,
    });
  }
}
