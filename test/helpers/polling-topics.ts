import type { SNSClient } from '@aws-sdk/client-sns';
import type { SnsPublishRecord } from '../../local/aws/index.ts';
import { createTestTopic, localPublished } from './local-stack.ts';

/**
 * The environment's notification and alert topics on the local SNS, for the pipelines of the
 * integration tests, with what was published to each: a test reads whether (and what) a function
 * published for a recording, as a subscriber would have received it.
 */
export interface TestTopics {
  readonly notificationTopicArn: string;
  readonly alertTopicArn: string;
  /** What SNS recorded as published to the notification topic, for a recording or all. */
  notifications(recordingId?: string): Promise<SnsPublishRecord[]>;
  alerts(recordingId?: string): Promise<SnsPublishRecord[]>;
}

export async function createTestTopics(sns: SNSClient): Promise<TestTopics> {
  const [notificationTopicArn, alertTopicArn] = await Promise.all([
    createTestTopic(sns, 'notifications'),
    createTestTopic(sns, 'alerts'),
  ]);
  const published = async (topicArn: string, recordingId: string | undefined) =>
    (await localPublished<SnsPublishRecord>('sns')).filter(
      (record) =>
        record.topicArn === topicArn && (recordingId === undefined || record.message.includes(recordingId)),
    );
  return {
    notificationTopicArn,
    alertTopicArn,
    notifications: (recordingId) => published(notificationTopicArn, recordingId),
    alerts: (recordingId) => published(alertTopicArn, recordingId),
  };
}
