import { Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface EnvironmentKeyProps {
  /** `alias/qm-ingest-<environment>` (or `-alerts` for the alerting key). */
  readonly alias: string;
  /** What the key encrypts. */
  readonly description: string;
  readonly removalPolicy: RemovalPolicy;
}

/** The AWS services that deliver messages into qm-ingest's encrypted queues and topics. */
export type DeliveringService = 's3' | 'events' | 'sns' | 'cloudwatch';

/**
 * A customer-managed KMS key of the environment, rotation on. The environment key encrypts the
 * recordings and results buckets, the queues, the table, the notifications topic and the secrets,
 * so access to the environment's data is governed (and can be revoked) in one place. The alerting
 * key encrypts only the alert topics and the alert deliveries' dead-letter queue, so that alarms
 * still reach someone when the environment key is disabled or scheduled for deletion.
 */
export class EnvironmentKey extends Construct {
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: EnvironmentKeyProps) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      alias: props.alias,
      description: props.description,
      enableKeyRotation: true,
      pendingWindow: Duration.days(30),
      removalPolicy: props.removalPolicy,
    });
  }

  /**
   * Lets an AWS service encrypt the messages it delivers into an encrypted queue or topic (S3
   * event notifications into the ingest queue, EventBridge into a queue or the alert topic, SNS
   * into a dead-letter queue, CloudWatch alarms into the alert topic), on behalf of this account
   * only (`aws:SourceAccount`, which each of them sets); the queue's or topic's own policy names
   * the one bucket, rule, topic or account allowed to send.
   */
  allowServiceDelivery(service: DeliveringService): void {
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: `Allow${service[0]?.toUpperCase()}${service.slice(1)}Delivery`,
        principals: [new iam.ServicePrincipal(`${service}.amazonaws.com`)],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
  }
}
