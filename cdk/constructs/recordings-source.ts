import { Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, type IDependable } from 'constructs';
import type { RecordingsSource as RecordingsSourceSettings } from '../../shared/config/deployment.ts';
import {
  outermostPrefixes,
  type RecordingsEventPattern,
  recordingNotificationFilters,
  recordingsEventPattern,
} from '../../shared/config/resources.ts';
import { acknowledge, acknowledgeWildcardResource } from '../nag.ts';
import { grantActions, grantKeyUse } from './grants.ts';
import { SingleRuleTarget } from './rule-target.ts';
import { SecureBucket } from './secure-bucket.ts';

export interface RecordingsSourceProps {
  readonly source: RecordingsSourceSettings;
  /** The name of the bucket created in `create` mode. */
  readonly bucketName: string;
  /** The EventBridge rule's name in `existing` mode. */
  readonly eventRuleName: string;
  /** Key prefixes ('' for every key) and file endings (lower case) that are recordings. */
  readonly prefixes: readonly string[];
  readonly suffixes: readonly string[];
  readonly encryptionKey: kms.IKey;
  readonly accessLogsBucket: s3.IBucket;
  readonly ingestQueue: sqs.IQueue;
  /** Where EventBridge puts the events it could not deliver to the ingest queue. */
  readonly deliveryDeadLetterQueue: sqs.IQueue;
  readonly removalPolicy: RemovalPolicy;
  readonly autoDeleteObjects: boolean;
}

/**
 * Where recordings come from, and how their arrival reaches the ingest queue:
 * - `create`: a versioned, encrypted bucket with one S3 event notification to the ingest queue per
 *   prefix x suffix pair (S3 filters match one prefix and one suffix each). Suffix filters are
 *   case-sensitive, so the upper-case spelling (`.MP3`) gets its own notification; other mixed
 *   spellings are not announced.
 * - `existing`: the user's bucket, whose notification configuration is left untouched (S3 allows
 *   only one per bucket): an EventBridge rule sends its "Object Created" events under the prefixes
 *   to the ingest queue. The user turns on EventBridge notifications on that bucket.
 */
export class RecordingsSource extends Construct {
  readonly bucket: s3.IBucket;
  /** The key a signer needs kms:Decrypt on, when the bucket encrypts with a customer-managed key. */
  readonly decryptionKey: kms.IKey | undefined;
  readonly #prefixes: readonly string[];

  constructor(scope: Construct, id: string, props: RecordingsSourceProps) {
    super(scope, id);
    this.#prefixes = outermostPrefixes(props.prefixes);
    if (props.source.mode === 'create') {
      const { lifecycle } = props.source;
      const bucket = new SecureBucket(this, 'Bucket', {
        bucketName: props.bucketName,
        encryptionKey: props.encryptionKey,
        versioned: true,
        accessLogs: { bucket: props.accessLogsBucket, prefix: 'recordings/' },
        abortIncompleteUploadsAfterDays: lifecycle.abortIncompleteUploadsAfterDays,
        lifecycleRules: recordingsLifecycleRules(lifecycle),
        removalPolicy: props.removalPolicy,
        autoDeleteObjects: props.autoDeleteObjects,
      }).bucket;
      const destination = new IngestQueueDestination(props.ingestQueue);
      for (const filter of recordingNotificationFilters(this.#prefixes, props.suffixes)) {
        bucket.addEventNotification(s3.EventType.OBJECT_CREATED, destination, filter);
      }
      acknowledgeNotificationsHandler(this);
      this.bucket = bucket;
      this.decryptionKey = props.encryptionKey;
    } else {
      this.bucket = s3.Bucket.fromBucketName(this, 'Bucket', props.source.bucketName);
      this.decryptionKey =
        props.source.kmsKeyArn === undefined
          ? undefined
          : kms.Key.fromKeyArn(this, 'BucketKey', props.source.kmsKeyArn);
      new events.Rule(this, 'ObjectCreated', {
        ruleName: props.eventRuleName,
        description: `Recordings created in ${props.source.bucketName} -> the qm-ingest ingest queue`,
        eventPattern: toCdkPattern(recordingsEventPattern(props.source.bucketName, this.#prefixes)),
        // An event the queue refuses is retried for 24 hours, then lands in the delivery dead-letter queue.
        targets: [
          new SingleRuleTarget({
            destination: props.ingestQueue,
            arn: props.ingestQueue.queueArn,
            action: 'sqs:SendMessage',
            sid: 'AllowRecordingsEventRule',
            deadLetterQueue: props.deliveryDeadLetterQueue,
            retry: { retryAttempts: 185, maxEventAge: Duration.hours(24) },
          }),
        ],
      });
    }
  }

  /**
   * What presigning a download URL needs: the URL is only as good as its signer's own access, so
   * the signer may GetObject / GetObjectVersion (the presigned URL names a version) under the
   * recording prefixes, and decrypt with the bucket's key through S3, for those objects only
   * (the encryption context is the bucket's ARN with S3 Bucket Keys, the object's without).
   */
  grantPresignedRead(grantee: iam.IGrantable): void {
    const objectArns = this.#prefixes.map((prefix) => this.bucket.arnForObjects(`${prefix}*`));
    grantActions(grantee, ['s3:GetObject', 's3:GetObjectVersion'], objectArns);
    for (const objectArn of objectArns) {
      acknowledgeWildcardResource(
        grantee,
        objectArn,
        'Every object under a recording prefix may be a recording to presign (its key is only known when it arrives); nothing outside the prefixes.',
      );
    }
    grantKeyUse(grantee, {
      key: this.decryptionKey,
      service: 's3',
      actions: ['kms:Decrypt'],
      contextValues: [this.bucket.bucketArn, ...objectArns],
    });
  }

  /**
   * What reading a recording's metadata and sidecar needs: HeadObject and GetObject (covered by
   * {@link grantPresignedRead}), plus ListBucket, without which S3 answers 403 instead of 404 for a
   * key that does not exist, and a missing sidecar or a deleted recording could not be told from
   * an access problem. The bucket may be a shared corporate one whose key names carry agents'
   * emails: a listing is allowed only under the recording prefixes (`s3:prefix`; a listing
   * without a prefix has it empty, and is refused). The condition holds when the key is absent,
   * as in the check S3 makes for a HeadObject or GetObject of a missing key, which names no prefix.
   */
  grantMetadataRead(grantee: iam.IGrantable): void {
    this.grantPresignedRead(grantee);
    grantActions(
      grantee,
      ['s3:ListBucket'],
      [this.bucket.bucketArn],
      this.#prefixes.includes('')
        ? undefined
        : { StringLikeIfExists: { 's3:prefix': this.#prefixes.map((prefix) => `${prefix}*`) } },
    );
  }
}

/**
 * The ingest queue as the bucket's notification destination: S3 may send to it from this bucket
 * only. Unlike CDK's SqsDestination, it does not put the bucket's ARN in the environment key's
 * policy (the bucket is encrypted with that key: the reference would be circular); the stack lets
 * S3 use the key for deliveries once (EnvironmentKey.allowServiceDelivery('s3')).
 */
class IngestQueueDestination implements s3.IBucketNotificationDestination {
  readonly #queue: sqs.IQueue;

  constructor(queue: sqs.IQueue) {
    this.#queue = queue;
  }

  bind(_scope: Construct, bucket: s3.IBucket): s3.BucketNotificationDestinationConfig {
    const { policyDependable } = this.#queue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowRecordingsBucketNotifications',
        principals: [new iam.ServicePrincipal('s3.amazonaws.com')],
        actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
        resources: [this.#queue.queueArn],
        conditions: { ArnLike: { 'aws:SourceArn': bucket.bucketArn } },
      }),
    );
    const dependencies: IDependable[] =
      policyDependable === undefined ? [this.#queue] : [this.#queue, policyDependable];
    return { arn: this.#queue.queueArn, type: s3.BucketNotificationDestinationType.QUEUE, dependencies };
  }
}

/**
 * S3 notifications are set by CDK's own custom resource, a function that runs at deployment only
 * and whose role CDK gives the basic execution policy.
 */
function acknowledgeNotificationsHandler(scope: Construct): void {
  const stack = Stack.of(scope);
  for (const child of stack.node.children) {
    if (child.node.id.startsWith('BucketNotificationsHandler')) {
      acknowledge(
        child,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        "CDK's bucket notifications handler runs at deployment only, to set the recordings bucket's notifications; CDK gives its role the basic execution policy (logs only).",
      );
    }
  }
}

/** The shared definition's pattern, in CDK's spelling of its keys. */
function toCdkPattern(pattern: RecordingsEventPattern): events.EventPattern {
  return {
    source: [...pattern.source],
    detailType: [...pattern['detail-type']],
    detail: { ...pattern.detail },
  };
}

function recordingsLifecycleRules(lifecycle: {
  readonly expireAfterDays?: number | undefined;
  readonly transitionToInfrequentAccessAfterDays?: number | undefined;
  readonly noncurrentVersionExpireAfterDays: number;
}): s3.LifecycleRule[] {
  return [
    {
      id: 'recordings',
      noncurrentVersionExpiration: Duration.days(lifecycle.noncurrentVersionExpireAfterDays),
      ...(lifecycle.expireAfterDays === undefined
        ? {}
        : { expiration: Duration.days(lifecycle.expireAfterDays) }),
      ...(lifecycle.transitionToInfrequentAccessAfterDays === undefined
        ? {}
        : {
            transitions: [
              {
                storageClass: s3.StorageClass.INFREQUENT_ACCESS,
                transitionAfter: Duration.days(lifecycle.transitionToInfrequentAccessAfterDays),
              },
            ],
          }),
    },
  ];
}
