import type { EnvironmentSettingsInput } from '../../shared/config/environment.ts';
import type { ZoomProfileInput } from '../../shared/config/zoom-profile.ts';
import { IngestService } from '../../shared/ingest/ingest-service.ts';
import type { RecordingHead } from '../../shared/ingest/object-store.ts';
import type { IngestOutcome } from '../../shared/ingest/outcomes.ts';
import { InMemoryMetrics } from '../../shared/observability/metrics.ts';
import type { ResultsExportPort } from '../../shared/results/bi-export.ts';
import {
  aZoomAccount,
  CapturingPollScheduler,
  CapturingRequeue,
  FakeObjects,
  FakePresigner,
  FakeZoomClient,
  InMemoryRecordingStore,
  s3EventBody,
  TestClock,
  testSettings,
  zoomAccounts,
} from './ingest-fakes.ts';
import { RecordingPublisher } from './polling-publisher.ts';
import { CapturingStructuredLogger } from './shared-logging.ts';

/**
 * The ingest core wired to in-memory fakes, for unit tests of its decisions: deliver a message,
 * then look at what was posted to Zoom, stored, re-sent, scheduled, counted and logged.
 */

export const RECORDINGS_BUCKET = 'recordings';
export const DEFAULT_KEY = 'calls/2026-11-24/jane.doe@example.com/inbound-123.mp3';
export const DEFAULT_ETAG = '0cc175b9c0f1b6a831c399e269772661';

export interface HarnessOptions {
  readonly settings?: Partial<EnvironmentSettingsInput>;
  readonly profile?: Partial<ZoomProfileInput>;
  readonly exporter?: ResultsExportPort;
}

export function ingestHarness(options: HarnessOptions = {}) {
  const clock = new TestClock('2026-11-24T10:00:00Z');
  const recordings = new InMemoryRecordingStore(clock);
  const zoom = new FakeZoomClient();
  const account = aZoomAccount(zoom, options.profile);
  const objects = new FakeObjects();
  const requeue = new CapturingRequeue();
  const polls = new CapturingPollScheduler();
  const metrics = new InMemoryMetrics();
  const logger = new CapturingStructuredLogger();
  const presigner = new FakePresigner(clock);
  const publisher = new RecordingPublisher();
  const settings = testSettings(options.settings);
  const service = new IngestService({
    settings,
    objects,
    recordings,
    zoom: zoomAccounts(account),
    presigner,
    requeue,
    pollScheduler: polls,
    clock,
    metrics,
    logger,
    publisher,
    exporter: options.exporter,
    random: () => 0.5,
  });
  let messages = 0;
  const nextMessageId = () => {
    messages += 1;
    return `message-${messages}`;
  };

  /** Puts an object in the fake S3 (an MP3 with a start time in its metadata unless overridden). */
  const putObject = (key = DEFAULT_KEY, head: Partial<RecordingHead> = {}): RecordingHead => {
    const full: RecordingHead = {
      ContentType: 'audio/mpeg',
      ContentLength: 2048,
      ETag: `"${DEFAULT_ETAG}"`,
      Metadata: { 'start-time': '2026-11-24T09:45:00' },
      ...head,
    };
    objects.heads.set(`${RECORDINGS_BUCKET}/${key}`, full);
    return full;
  };

  /** Delivers a message body; a fresh message id unless given (a redelivery keeps its id). */
  const deliver = async (body: string, messageId = nextMessageId()): Promise<readonly IngestOutcome[]> =>
    service.handleMessage({ messageId, body });

  /** Delivers the S3 event of an object put with {@link putObject}. */
  const drop = async (key = DEFAULT_KEY, messageId?: string) => {
    const head = objects.heads.get(`${RECORDINGS_BUCKET}/${key}`);
    const eTag = head?.ETag?.replaceAll('"', '');
    return deliver(
      s3EventBody({ bucket: RECORDINGS_BUCKET, key, ...(eTag === undefined ? {} : { eTag }) }),
      messageId,
    );
  };

  /** Delivers the last re-send, as the queue would once its delay is over (a new message id). */
  const deliverLastRequeue = async (): Promise<readonly IngestOutcome[]> => deliver(requeue.lastBody());

  return {
    clock,
    recordings,
    zoom,
    account,
    objects,
    requeue,
    polls,
    metrics,
    logger,
    presigner,
    publisher,
    settings,
    service,
    putObject,
    deliver,
    drop,
    deliverLastRequeue,
  };
}

export type IngestHarness = ReturnType<typeof ingestHarness>;
