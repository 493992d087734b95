import { randomUUID } from 'node:crypto';
import type { QueueSender } from '../queue-sender.ts';
import { postToEndpoint } from './http-delivery.ts';
import { type EnvelopeSigner, SIGNING_KEY_PATH } from './sns-envelope.ts';
import { envelopeAttributes, messageFor, sqsAttributes } from './sns-messages.ts';
import type { SnsPublishRecord, Subscription } from './sns-model.ts';

/**
 * Delivers SNS messages to subscriptions as SNS does: to an SQS queue (the signed envelope, or
 * the raw message and its attributes) or POSTed to an HTTP(S) endpoint with the SNS headers;
 * and sends HTTP subscribers their SubscriptionConfirmation. Each outcome is recorded on the
 * publication; a failure is also logged, never thrown (the publisher got its answer long ago).
 */
export class SnsDelivery {
  readonly #signer: EnvelopeSigner;
  readonly #queues: QueueSender | undefined;
  readonly #log: (message: string) => void;

  constructor(signer: EnvelopeSigner, queues: QueueSender | undefined, log: (message: string) => void) {
    this.#signer = signer;
    this.#queues = queues;
    this.#log = log;
  }

  /** Sends one publication to one confirmed subscription and records the outcome on it. */
  async deliver(record: SnsPublishRecord, subscription: Subscription, endpoint: string): Promise<void> {
    const message = messageFor(record, subscription.protocol);
    const raw = subscription.attributes['RawMessageDelivery'] === 'true';
    const outcome = {
      subscriptionArn: subscription.arn,
      protocol: subscription.protocol,
      endpoint: subscription.endpoint,
    };
    try {
      const envelope = raw
        ? undefined
        : JSON.stringify(
            await this.#signer.notification({
              messageId: record.messageId,
              topicArn: record.topicArn,
              subject: record.subject,
              message,
              timestamp: record.timestamp,
              signingCertUrl: `${endpoint}${SIGNING_KEY_PATH}`,
              unsubscribeUrl: `${endpoint}/?Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(subscription.arn)}`,
              attributes: envelopeAttributes(record.messageAttributes),
            }),
          );
      if (subscription.protocol === 'sqs') {
        if (this.#queues === undefined) throw new Error('the local stack runs without SQS');
        await this.#queues.send(
          subscription.endpoint,
          envelope ?? message,
          raw ? sqsAttributes(record.messageAttributes) : undefined,
        );
      } else {
        await postToEndpoint(subscription.endpoint, envelope ?? message, {
          'content-type': 'text/plain; charset=UTF-8',
          'x-amz-sns-message-type': 'Notification',
          'x-amz-sns-message-id': record.messageId,
          'x-amz-sns-topic-arn': record.topicArn,
          'x-amz-sns-subscription-arn': subscription.arn,
          ...(raw ? { 'x-amz-sns-rawdelivery': 'true' } : {}),
        });
      }
      record.deliveries.push({ ...outcome, status: 'delivered' });
    } catch (error) {
      record.deliveries.push({ ...outcome, status: 'failed', error: String(error) });
      this.#log(
        `[local-aws] SNS message ${record.messageId} was not delivered to ${subscription.endpoint}: ${String(error)}`,
      );
    }
  }

  /** POSTs the SubscriptionConfirmation whose SubscribeURL confirms an HTTP(S) subscription. */
  async sendConfirmation(subscription: Subscription, endpoint: string): Promise<void> {
    const query = `Action=ConfirmSubscription&TopicArn=${encodeURIComponent(subscription.topicArn)}&Token=${subscription.token}`;
    const envelope = await this.#signer.subscriptionConfirmation({
      messageId: randomUUID(),
      token: subscription.token,
      topicArn: subscription.topicArn,
      subscribeUrl: `${endpoint}/?${query}`,
      timestamp: new Date().toISOString(),
      signingCertUrl: `${endpoint}${SIGNING_KEY_PATH}`,
    });
    try {
      await postToEndpoint(subscription.endpoint, JSON.stringify(envelope), {
        'content-type': 'text/plain; charset=UTF-8',
        'x-amz-sns-message-type': 'SubscriptionConfirmation',
        'x-amz-sns-message-id': envelope.MessageId,
        'x-amz-sns-topic-arn': subscription.topicArn,
      });
    } catch (error) {
      this.#log(
        `[local-aws] SNS subscription confirmation to ${subscription.endpoint} failed: ${String(error)}`,
      );
    }
  }
}
