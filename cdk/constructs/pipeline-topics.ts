import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface PipelineTopicsProps {
  readonly notificationTopicName: string;
  readonly alertTopicName: string;
  readonly encryptionKey: kms.IKey;
  /** Addresses subscribed to alerts; each confirms by email before receiving any. */
  readonly alertEmails: readonly string[];
  /** An HTTPS endpoint subscribed to alerts (it confirms the subscription SNS sends it). */
  readonly alertWebhookUrl?: string | undefined;
  /** Where SNS puts an alert it could not deliver to a subscriber after its retries. */
  readonly deliveryDeadLetterQueue: sqs.IQueue;
}

/**
 * The two SNS topics: notifications (one message per finished recording, for the systems that
 * consume results: they subscribe with a filter policy on the message attributes) and alerts (every
 * failure a person must look at, and the CloudWatch alarms). SNS rather than EventBridge: email
 * and HTTPS subscribers with per-subscriber filtering and redrive are built in, and an EventBridge
 * rule can still subscribe through SQS when a team prefers a bus. Both encrypted, TLS only.
 */
export class PipelineTopics extends Construct {
  readonly notifications: sns.Topic;
  readonly alerts: sns.Topic;

  constructor(scope: Construct, id: string, props: PipelineTopicsProps) {
    super(scope, id);
    this.notifications = new sns.Topic(this, 'Notifications', {
      topicName: props.notificationTopicName,
      displayName: 'qm-ingest notifications',
      masterKey: props.encryptionKey,
      enforceSSL: true,
    });
    this.alerts = new sns.Topic(this, 'Alerts', {
      topicName: props.alertTopicName,
      displayName: 'qm-ingest alerts',
      masterKey: props.encryptionKey,
      enforceSSL: true,
    });
    const deadLetterQueue = props.deliveryDeadLetterQueue;
    for (const email of props.alertEmails) {
      this.alerts.addSubscription(new subscriptions.EmailSubscription(email, { deadLetterQueue }));
    }
    if (props.alertWebhookUrl !== undefined) {
      this.alerts.addSubscription(
        new subscriptions.UrlSubscription(props.alertWebhookUrl, {
          protocol: sns.SubscriptionProtocol.HTTPS,
          deadLetterQueue,
        }),
      );
    }
  }
}
