import { isRetryable } from '../errors.ts';
import { type Instrumented, InstrumentedService } from '../observability/instrumented.ts';
import { PollMetric } from '../polling/metrics.ts';
import type { Notification } from '../recordings/notification.ts';
import type { OutboxRepository } from '../recordings/outbox.ts';
import { alertMessage, notificationMessage } from './messages.ts';
import type { MessagePublisher } from './sns-publisher.ts';

/**
 * Publishes what the outbox holds. A terminal transition writes its notification in the same
 * transaction as the status; the writer then publishes it right away through here, and the
 * reconciler publishes whatever is still pending (the writer crashed, SNS failed). Publishing
 * first and marking sent second means a crash in between publishes twice, never zero times; the
 * stable notification id lets subscribers drop the repeat.
 */

export type Outbox = Pick<OutboxRepository, 'iteratePending' | 'markNotificationPublished' | 'markSent'>;

export interface OutboxPublisherOptions extends Instrumented {
  readonly outbox: Outbox;
  readonly publisher: MessagePublisher;
  /** The environment's name, carried in every message. */
  readonly environment: string;
}

export interface PendingRun {
  /** At most this many notifications in this run. */
  readonly limit: number;
  /** Only those created before this time (younger ones are still being published by their writer). */
  readonly createdBefore: number;
  /** Asked before each notification: true stops the run (the function is running out of time). */
  readonly shouldStop?: (() => boolean) | undefined;
}

export interface PendingRunResult {
  readonly published: number;
  readonly failed: number;
}

export class OutboxPublisher extends InstrumentedService<OutboxPublisherOptions> {
  /**
   * Publishes one notification (and its alert, for the statuses that raise one), then marks it
   * sent. The two messages are tracked apart: once the notification is out, that is recorded
   * before the alert is sent, so a failed alert is retried alone. Throws when publishing fails:
   * the notification stays pending for the next attempt.
   */
  async publish(notification: Notification): Promise<void> {
    if (notification.state === 'SENT') {
      return;
    }
    const alert = alertMessage(notification, this.deps.environment);
    if (notification.notificationPublishedAt === undefined) {
      await this.deps.publisher.publish(
        'notification',
        notificationMessage(notification, this.deps.environment),
      );
      this.metrics.count(PollMetric.notificationsPublished, 1, { status: notification.status });
      if (alert !== undefined) {
        await this.deps.outbox.markNotificationPublished(notification);
      }
    }
    if (alert !== undefined) {
      await this.deps.publisher.publish('alert', alert);
      this.metrics.count(PollMetric.alertsPublished, 1, { status: notification.status });
    }
    await this.deps.outbox.markSent(notification);
    this.logger.info('Notification published', {
      recordingId: notification.recordingId,
      notificationId: notification.notificationId,
      status: notification.status,
      alert: alert !== undefined,
    });
  }

  /**
   * {@link publish}, never throwing: for a writer that has already done its real work (the state
   * is written) and leaves a failed publish to the reconciler. Returns whether it was published.
   */
  async publishOrLeavePending(notification: Notification): Promise<boolean> {
    try {
      await this.publish(notification);
      return true;
    } catch (error) {
      this.metrics.count(PollMetric.publishFailures);
      this.logger.warn('Notification not published; the reconciler will retry it', {
        recordingId: notification.recordingId,
        notificationId: notification.notificationId,
        retryable: isRetryable(error),
        error,
      });
      return false;
    }
  }

  /** Publishes pending notifications, oldest first, within the run's bounds. */
  async publishPending(run: PendingRun): Promise<PendingRunResult> {
    let published = 0;
    let failed = 0;
    for await (const notification of this.deps.outbox.iteratePending(run.createdBefore)) {
      if (published + failed >= run.limit || run.shouldStop?.() === true) {
        break;
      }
      if (await this.publishOrLeavePending(notification)) {
        published += 1;
      } else {
        failed += 1;
      }
    }
    this.metrics.count(PollMetric.notificationBacklog, published + failed);
    return { published, failed };
  }
}
