import type { OutboxPublisher } from '../../shared/notify/outbox-publisher.ts';
import type { Notification } from '../../shared/recordings/notification.ts';

/**
 * The outbox publisher as a writer of a terminal status uses it (publish right after the write,
 * never throwing), for unit tests of ingest, the poller and the reconciler: it keeps what it
 * published, or refuses while `succeeds` is false (the notification stays pending).
 */
export class RecordingPublisher implements Pick<OutboxPublisher, 'publishOrLeavePending'> {
  readonly published: Notification[] = [];
  succeeds = true;

  async publishOrLeavePending(notification: Notification): Promise<boolean> {
    if (this.succeeds) {
      this.published.push(notification);
    }
    return this.succeeds;
  }
}
