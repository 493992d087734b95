import type { IngestSettings } from '../../shared/config/ingest.ts';
import { recordingNotificationFilters } from '../../shared/config/resources.ts';
import type { QueueNotification } from '../aws/index.ts';

/**
 * The recordings bucket's event notifications to the ingest queue, built from the same filters
 * the CDK stack configures (`recordingNotificationFilters` in shared/config/resources.ts), so the
 * local bucket announces exactly what a deployed one does.
 */

/** Every object-created event: Put, Post, Copy and CompleteMultipartUpload. */
const OBJECT_CREATED = 's3:ObjectCreated:*';

export function recordingNotifications(
  ingest: Pick<IngestSettings, 'recordingPrefixes' | 'recordingSuffixes'>,
  ingestQueueArn: string,
): QueueNotification[] {
  return recordingNotificationFilters(ingest.recordingPrefixes, ingest.recordingSuffixes).map((filter) => ({
    queueArn: ingestQueueArn,
    events: [OBJECT_CREATED],
    ...filter,
  }));
}
