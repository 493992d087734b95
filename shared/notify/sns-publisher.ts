import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { translateAwsError } from '../aws/errors.ts';
import type { OutgoingMessage } from './messages.ts';

/** The two channels: notifications for programs, alerts for people. */
export type Channel = 'notification' | 'alert';

/** Delivers a message to a channel's subscribers. */
export interface MessagePublisher {
  publish(channel: Channel, message: OutgoingMessage): Promise<void>;
}

export interface SnsTopics {
  readonly notificationTopicArn: string;
  readonly alertTopicArn: string;
}

/**
 * Publishes to SNS topics. SNS rather than EventBridge: subscribers filter on the message
 * attributes (status, queue, Zoom account) with subscription filter policies, and e-mail and HTTPS
 * subscriptions (what the alert topic needs) are native; see the README for the comparison.
 */
export class SnsMessagePublisher implements MessagePublisher {
  readonly #sns: SNSClient;
  readonly #topics: SnsTopics;

  constructor(sns: SNSClient, topics: SnsTopics) {
    this.#sns = sns;
    this.#topics = topics;
  }

  async publish(channel: Channel, message: OutgoingMessage): Promise<void> {
    try {
      await this.#sns.send(
        new PublishCommand({
          TopicArn: channel === 'alert' ? this.#topics.alertTopicArn : this.#topics.notificationTopicArn,
          Message: message.body,
          Subject: message.subject,
          MessageAttributes: Object.fromEntries(
            Object.entries(message.attributes).map(([name, value]) => [
              name,
              { DataType: 'String', StringValue: value },
            ]),
          ),
        }),
      );
    } catch (error) {
      throw translateAwsError(error, 'SNS', 'Publish');
    }
  }
}
