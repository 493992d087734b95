/**
 * The SNS emulator's resources and records: topics and subscriptions as it keeps them (and saves
 * them in the data folder), and publications as it records them for tests and the local runtime.
 */

/** A message attribute as published (binary values base64). */
export interface SnsMessageAttribute {
  readonly DataType: string;
  readonly StringValue?: string;
  readonly BinaryValue?: string;
}

export interface SnsDeliveryRecord {
  readonly subscriptionArn: string;
  readonly protocol: string;
  readonly endpoint: string;
  readonly status: 'delivered' | 'failed';
  readonly error?: string;
}

/** One publication, as recorded for tests and the local runtime. Deliveries are added as they finish. */
export interface SnsPublishRecord {
  readonly messageId: string;
  readonly topicArn: string;
  readonly message: string;
  readonly subject?: string;
  readonly messageStructure?: string;
  readonly messageAttributes: Readonly<Record<string, SnsMessageAttribute>>;
  readonly timestamp: string;
  readonly deliveries: SnsDeliveryRecord[];
}

export interface Topic {
  readonly arn: string;
  readonly name: string;
  readonly attributes: Record<string, string>;
}

export interface Subscription {
  readonly arn: string;
  readonly topicArn: string;
  readonly protocol: 'sqs' | 'http' | 'https';
  readonly endpoint: string;
  readonly attributes: Record<string, string>;
  confirmed: boolean;
  readonly token: string;
}

export interface SnsState {
  readonly topics: Topic[];
  readonly subscriptions: Subscription[];
}
