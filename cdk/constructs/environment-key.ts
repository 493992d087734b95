import { Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface EnvironmentKeyProps {
  /** `alias/qm-ingest-<environment>`. */
  readonly alias: string;
  readonly environmentName: string;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The environment's one customer-managed KMS key: it encrypts the recordings and results buckets,
 * the queues, the table, the topics and the secrets, so access to the environment's data is
 * governed (and can be revoked) in one place. Rotation is on.
 */
export class EnvironmentKey extends Construct {
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: EnvironmentKeyProps) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      alias: props.alias,
      description: `qm-ingest ${props.environmentName}: recordings, results, queues, state table, topics and secrets`,
      enableKeyRotation: true,
      pendingWindow: Duration.days(30),
      removalPolicy: props.removalPolicy,
    });
  }

  /**
   * Lets an AWS service encrypt the messages it delivers into the environment's encrypted queues
   * and topics (S3 event notifications into the ingest queue, EventBridge and SNS into a
   * dead-letter queue, CloudWatch alarms into the alert topic). For EventBridge and SNS the
   * statement is limited to deliveries on behalf of this account; AWS documents the S3 and
   * CloudWatch statements without a condition (their deliveries are authorised by the queue's and
   * the topic's own policies, which name the bucket and the account).
   */
  allowServiceDelivery(service: 's3' | 'events' | 'sns' | 'cloudwatch'): void {
    const conditions =
      service === 's3' || service === 'cloudwatch'
        ? undefined
        : { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } };
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: `Allow${service[0]?.toUpperCase()}${service.slice(1)}Delivery`,
        principals: [new iam.ServicePrincipal(`${service}.amazonaws.com`)],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        ...(conditions === undefined ? {} : { conditions }),
      }),
    );
  }
}
