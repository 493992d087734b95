import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';

export interface PipelineTopicsProps {
  readonly notificationTopicName: string;
  readonly alertTopicName: string;
  readonly alertFallbackTopicName: string;
  /** The environment key: notifications carry recording data. */
  readonly encryptionKey: kms.IKey;
  /** The alerting key, separate from the environment key (EnvironmentKey). */
  readonly alertsKey: kms.IKey;
  /** Addresses subscribed to alerts; each confirms by email before receiving any. */
  readonly alertEmails: readonly string[];
  /** An HTTPS endpoint subscribed to alerts (it confirms the subscription SNS sends it). */
  readonly alertWebhookUrl?: string | undefined;
  /** Where SNS puts an alert it could not deliver to a subscriber after its retries. */
  readonly alertDeliveryDeadLetterQueue: sqs.IQueue;
}

/**
 * The SNS topics: notifications (one message per finished recording, for the systems that
 * consume results: they subscribe with a filter policy on the message attributes), alerts (every
 * failure a person must look at, and the CloudWatch alarms) and the alert fallback (only the alarm
 * on undeliverable alerts, to the alert emails: it does not depend on the alert topic it reports
 * on). SNS rather than EventBridge: email and HTTPS subscribers with per-subscriber filtering and
 * redrive are built in, and an EventBridge rule can still subscribe through SQS when a team
 * prefers a bus. All encrypted, TLS only; the alert topics with the alerting key, so that an
 * environment key disabled or scheduled for deletion does not silence the alarms that report it.
 */
export class PipelineTopics extends Construct {
  readonly notifications: sns.Topic;
  readonly alerts: sns.Topic;
  readonly alertFallback: sns.Topic;

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
      masterKey: props.alertsKey,
      enforceSSL: true,
    });
    this.alertFallback = new sns.Topic(this, 'AlertFallback', {
      topicName: props.alertFallbackTopicName,
      displayName: 'qm-ingest alerts undeliverable',
      masterKey: props.alertsKey,
      enforceSSL: true,
    });
    const deadLetterQueue = props.alertDeliveryDeadLetterQueue;
    for (const email of props.alertEmails) {
      this.alerts.addSubscription(new subscriptions.EmailSubscription(email, { deadLetterQueue }));
      acknowledge(
        this.alertFallback.addSubscription(new subscriptions.EmailSubscription(email)),
        'Serverless-SNSRedrivePolicy',
        'The fallback subscription is itself the path of undeliverable alerts: a dead-letter queue behind it would need an alarm of its own, published through the same topic.',
      );
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
