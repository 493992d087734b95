import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { PermanentError, RetryableError } from '../../../shared/errors.ts';
import type { OutgoingMessage } from '../../../shared/notify/messages.ts';
import { type Outbox, OutboxPublisher } from '../../../shared/notify/outbox-publisher.ts';
import {
  type Channel,
  type MessagePublisher,
  SnsMessagePublisher,
} from '../../../shared/notify/sns-publisher.ts';
import { InMemoryMetrics } from '../../../shared/observability/metrics.ts';
import { PollMetric } from '../../../shared/polling/metrics.ts';
import { type Notification, pendingNotificationFor } from '../../../shared/recordings/notification.ts';
import type { TerminalStatus } from '../../../shared/recordings/state-machine.ts';
import { aSubmittedRecording } from '../polling/support/fixtures.ts';

const topics = {
  notificationTopicArn: 'arn:aws:sns:eu-west-1:111122223333:qm-prod-notifications',
  alertTopicArn: 'arn:aws:sns:eu-west-1:111122223333:qm-prod-alerts',
};

function aNotification(status: TerminalStatus, recordingId = 'rec-1'): Notification {
  return pendingNotificationFor(aSubmittedRecording({ recordingId, status, reason: `ended ${status}` }), {
    details: { polls: 3 },
  });
}

describe('the SNS publisher', () => {
  const sns = mockClient(SNSClient);
  const publisher = new SnsMessagePublisher(new SNSClient({ region: 'eu-west-1' }), topics);
  const message: OutgoingMessage = {
    body: '{"x":1}',
    subject: 'qm-ingest prod: recording FAILED',
    attributes: { status: 'FAILED', queue: 'none' },
  };

  beforeEach(() => sns.reset());

  it('publishes to the channel topic with string message attributes', async () => {
    // Prepare
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });

    // Act
    await publisher.publish('alert', message);
    await publisher.publish('notification', { ...message, subject: undefined });

    // Assess
    const inputs = sns.commandCalls(PublishCommand).map((call) => call.args[0].input);
    expect(inputs[0]).toEqual({
      TopicArn: topics.alertTopicArn,
      Message: '{"x":1}',
      Subject: 'qm-ingest prod: recording FAILED',
      MessageAttributes: {
        status: { DataType: 'String', StringValue: 'FAILED' },
        queue: { DataType: 'String', StringValue: 'none' },
      },
    });
    expect(inputs[1]?.TopicArn).toBe(topics.notificationTopicArn);
  });

  it('translates throttling into a retryable error and a missing topic into a permanent one', async () => {
    // Prepare
    sns
      .on(PublishCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }))
      .rejectsOnce(Object.assign(new Error('Topic does not exist'), { name: 'NotFoundException' }));

    // Act / Assess
    await expect(publisher.publish('notification', message)).rejects.toThrow(RetryableError);
    await expect(publisher.publish('notification', message)).rejects.toThrow(PermanentError);
  });
});

class FakeChannels implements MessagePublisher {
  readonly sent: { readonly channel: Channel; readonly message: OutgoingMessage }[] = [];
  failing: Channel | undefined;

  async publish(channel: Channel, message: OutgoingMessage): Promise<void> {
    if (channel === this.failing) {
      throw new RetryableError('SNS Publish failed: InternalError');
    }
    this.sent.push({ channel, message });
  }
}

class FakeOutbox implements Outbox {
  readonly pending: Notification[];
  readonly marked: string[] = [];
  readonly createdBefore: (number | undefined)[] = [];

  constructor(...pending: Notification[]) {
    this.pending = pending;
  }

  async *iteratePending(createdBefore?: number): AsyncGenerator<Notification> {
    this.createdBefore.push(createdBefore);
    yield* this.pending;
  }

  async markNotificationPublished(
    notification: Pick<Notification, 'recordingId' | 'notificationId'>,
  ): Promise<Notification> {
    const index = this.pending.findIndex(
      (candidate) => candidate.notificationId === notification.notificationId,
    );
    const found = this.pending[index];
    if (found === undefined) throw new Error('unknown notification');
    const updated = { ...found, notificationPublishedAt: 1_000 };
    this.pending[index] = updated;
    return updated;
  }

  async markSent(notification: Pick<Notification, 'recordingId' | 'notificationId'>): Promise<Notification> {
    this.marked.push(notification.notificationId);
    const found = this.pending.find((candidate) => candidate.notificationId === notification.notificationId);
    if (found === undefined) throw new Error('unknown notification');
    return { ...found, state: 'SENT' };
  }
}

describe('publishing from the outbox', () => {
  it('publishes the notification, then marks it sent', async () => {
    // Prepare
    const channels = new FakeChannels();
    const outbox = new FakeOutbox(aNotification('EVALUATED'));
    const metrics = new InMemoryMetrics();
    const publisher = new OutboxPublisher({ outbox, publisher: channels, environment: 'prod', metrics });

    // Act
    await publisher.publish(aNotification('EVALUATED'));

    // Assess
    expect(channels.sent.map((sent) => sent.channel)).toEqual(['notification']);
    expect(outbox.marked).toEqual(['rec-1-1']);
    expect(metrics.total(PollMetric.notificationsPublished, { status: 'EVALUATED' })).toBe(1);
  });

  it('adds the alert for a failure', async () => {
    // Prepare
    const channels = new FakeChannels();
    const outbox = new FakeOutbox(aNotification('EVALUATION_FAILED'));
    const publisher = new OutboxPublisher({ outbox, publisher: channels, environment: 'prod' });

    // Act
    await publisher.publish(aNotification('EVALUATION_FAILED'));

    // Assess
    expect(channels.sent.map((sent) => sent.channel)).toEqual(['notification', 'alert']);
    expect(outbox.marked).toEqual(['rec-1-1']);
  });

  it('leaves the notification pending when a publish fails, without throwing', async () => {
    // Prepare
    const channels = new FakeChannels();
    channels.failing = 'alert';
    const outbox = new FakeOutbox(aNotification('FAILED'));
    const metrics = new InMemoryMetrics();
    const publisher = new OutboxPublisher({ outbox, publisher: channels, environment: 'prod', metrics });

    // Act
    const published = await publisher.publishOrLeavePending(aNotification('FAILED'));

    // Assess
    expect(published).toBe(false);
    expect(outbox.marked).toEqual([]);
    expect(metrics.total(PollMetric.publishFailures)).toBe(1);
  });

  it('retries a failed alert alone: the notification already out is not sent again', async () => {
    // Prepare
    const channels = new FakeChannels();
    channels.failing = 'alert';
    const outbox = new FakeOutbox(aNotification('FAILED'));
    const publisher = new OutboxPublisher({ outbox, publisher: channels, environment: 'prod' });

    // Act: the alert fails, then the reconciler's run publishes what is pending.
    const first = await publisher.publishOrLeavePending(aNotification('FAILED'));
    channels.failing = undefined;
    const retry = await publisher.publishPending({ limit: 10, createdBefore: 5_000 });

    // Assess
    expect(first).toBe(false);
    expect(retry).toEqual({ published: 1, failed: 0 });
    expect(channels.sent.map((sent) => sent.channel)).toEqual(['notification', 'alert']);
    expect(outbox.marked).toEqual(['rec-1-1']);
  });

  it('does not publish a notification already sent', async () => {
    // Prepare
    const channels = new FakeChannels();
    const publisher = new OutboxPublisher({
      outbox: new FakeOutbox(),
      publisher: channels,
      environment: 'prod',
    });

    // Act
    await publisher.publish({ ...aNotification('EVALUATED'), state: 'SENT' });

    // Assess
    expect(channels.sent).toEqual([]);
  });

  it('publishes what is pending, oldest first, within the limit, counting failures', async () => {
    // Prepare
    const channels = new FakeChannels();
    const outbox = new FakeOutbox(
      aNotification('EVALUATED', 'a'),
      aNotification('TIMED_OUT', 'b'),
      aNotification('NO_EVALUATION', 'c'),
      aNotification('EVALUATED', 'd'),
    );
    const metrics = new InMemoryMetrics();
    const publisher = new OutboxPublisher({ outbox, publisher: channels, environment: 'prod', metrics });
    channels.failing = 'alert';

    // Act
    const result = await publisher.publishPending({ limit: 3, createdBefore: 5_000 });

    // Assess
    expect(result).toEqual({ published: 2, failed: 1 });
    expect(outbox.marked).toEqual(['a-1', 'c-1']);
    expect(outbox.createdBefore).toEqual([5_000]);
    expect(metrics.total(PollMetric.notificationBacklog)).toBe(3);
  });
});
