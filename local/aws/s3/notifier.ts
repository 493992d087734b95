import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { QueueSender } from '../queue-sender.ts';
import { encodeS3EventKey } from './event-key.ts';
import {
  type BucketNotificationConfiguration,
  hasDestinations,
  type NormalizedNotificationConfiguration,
  type NormalizedQueueNotification,
  normalizeNotificationConfiguration,
  notificationMatches,
} from './notification-config.ts';
import { S3RequestError } from './s3-errors.ts';
import {
  nextSequencer,
  type ObjectEvent,
  type S3EventBridgeEntry,
  s3EventBridgeEntry,
  s3EventNotification,
  s3TestEvent,
} from './s3-event.ts';

/**
 * The local S3's event notifications: each bucket's configuration (kept in the data folder when
 * there is one), and the delivery of events to the queues it selects and, for a bucket with
 * EventBridge notifications on, of every event to EventBridge. Deliveries run one after another
 * in the order the operations succeeded, after the response, as S3 sends them; a delivery that
 * fails is logged (the operation that caused it already succeeded).
 */

/** EventBridge's default bus of the local account and region, as S3 puts events on it. */
export interface EventBridgeSink {
  /** Accepts the event or throws why not. */
  putEvent(entry: S3EventBridgeEntry): void;
}

/** Where an event came from, as the event reports it. */
export interface EventSource {
  readonly sourceIp: string;
  readonly requestId: string;
  readonly hostId: string;
}

/** What the front knows when an operation succeeds; size and eTag may come later from the store. */
export type ObservedEvent = Pick<ObjectEvent, 'eventName' | 'bucket' | 'key'> &
  Partial<Pick<ObjectEvent, 'size' | 'eTag'>>;

export class S3Notifier {
  readonly #region: string;
  readonly #queues: QueueSender | undefined;
  readonly #eventBridge: EventBridgeSink | undefined;
  readonly #log: (message: string) => void;
  readonly #file: string | undefined;
  readonly #configurations: Map<string, NormalizedNotificationConfiguration>;
  #deliveries: Promise<void> = Promise.resolve();

  constructor(options: {
    readonly region: string;
    readonly queues: QueueSender | undefined;
    readonly eventBridge: EventBridgeSink | undefined;
    readonly log: (message: string) => void;
    readonly file: string | undefined;
  }) {
    this.#region = options.region;
    this.#queues = options.queues;
    this.#eventBridge = options.eventBridge;
    this.#log = options.log;
    this.#file = options.file;
    this.#configurations = loadConfigurations(options.file);
  }

  configuration(bucket: string): NormalizedNotificationConfiguration {
    return this.#configurations.get(bucket) ?? NO_NOTIFICATIONS;
  }

  /**
   * Validates and stores a bucket's configuration. Like S3, it first sends every destination the
   * `s3:TestEvent`: a destination that cannot receive it makes the whole configuration invalid.
   */
  async put(
    bucket: string,
    configuration: BucketNotificationConfiguration,
    source: EventSource,
  ): Promise<void> {
    const normalized = normalizeNotificationConfiguration(configuration);
    const { queues } = normalized;
    const sender = this.#queues;
    if (queues.length > 0 && sender === undefined) {
      throw new S3RequestError(
        'InvalidArgument',
        'The local stack runs without SQS: notifications have nowhere to go',
      );
    }
    if (normalized.eventBridge && this.#eventBridge === undefined) {
      throw new S3RequestError(
        'InvalidArgument',
        'The local stack runs without EventBridge: EventBridge notifications have nowhere to go',
      );
    }
    const testEvent = JSON.stringify(s3TestEvent(bucket, source.requestId, source.hostId, new Date()));
    const unreachable: string[] = [];
    for (const queueArn of new Set(queues.map((queue) => queue.queueArn))) {
      try {
        await sender?.send(queueArn, testEvent);
      } catch {
        unreachable.push(queueArn);
      }
    }
    if (unreachable.length > 0) {
      throw new S3RequestError(
        'InvalidArgument',
        `Unable to validate the following destination configurations: ${unreachable.join(', ')}`,
      );
    }
    if (hasDestinations(normalized)) this.#configurations.set(bucket, normalized);
    else this.#configurations.delete(bucket);
    this.#save();
  }

  /** S3 removes a bucket's notification configuration with the bucket. */
  forget(bucket: string): void {
    if (this.#configurations.delete(bucket)) this.#save();
  }

  /**
   * Queues the event for every matching destination, and for EventBridge when the bucket sends
   * its events there (all of them: EventBridge rules do the selecting). Called as soon as the
   * operation succeeded, so events keep the order of the operations; `stored` (size and eTag read
   * back from the store) is awaited inside the delivery queue, not before taking a place in it.
   */
  emit(
    event: ObservedEvent,
    source: EventSource,
    stored?: () => Promise<Partial<Pick<ObjectEvent, 'size' | 'eTag'>>>,
  ): void {
    const configuration = this.configuration(event.bucket);
    const encodedKey = encodeS3EventKey(event.key);
    const destinations = configuration.queues.filter((queue) =>
      notificationMatches(queue, event.eventName, encodedKey),
    );
    const eventBridge = configuration.eventBridge ? this.#eventBridge : undefined;
    if (destinations.length === 0 && eventBridge === undefined) return;
    const observed: ObjectEvent = { ...event, ...source, time: new Date(), sequencer: nextSequencer() };
    const details = stored?.();
    const deliver = (destination: string, send: (full: ObjectEvent) => Promise<void> | void): void => {
      this.#deliveries = this.#deliveries
        .then(async () => send({ ...observed, ...(await details) }))
        .catch((error: unknown) => {
          this.#log(
            `[local-aws] S3 event ${observed.eventName} for s3://${observed.bucket}/${observed.key} was not delivered to ${destination}: ${String(error)}`,
          );
        });
    };
    for (const destination of destinations) {
      deliver(destination.queueArn, (full) =>
        this.#queues?.send(
          destination.queueArn,
          JSON.stringify(s3EventNotification(full, destination.id, this.#region)),
        ),
      );
    }
    if (eventBridge !== undefined) {
      deliver('EventBridge', (full) => eventBridge.putEvent(s3EventBridgeEntry(full)));
    }
  }

  /** Resolves once every event emitted so far has been delivered or reported. */
  flush(): Promise<void> {
    return this.#deliveries;
  }

  #save(): void {
    if (this.#file === undefined) return;
    writeFileSync(this.#file, JSON.stringify(Object.fromEntries(this.#configurations), null, 2));
  }
}

const NO_NOTIFICATIONS: NormalizedNotificationConfiguration = { queues: [], eventBridge: false };

function loadConfigurations(file: string | undefined): Map<string, NormalizedNotificationConfiguration> {
  if (file === undefined || !existsSync(file)) return new Map();
  const saved = JSON.parse(readFileSync(file, 'utf8')) as Record<
    string,
    NormalizedNotificationConfiguration | NormalizedQueueNotification[]
  >;
  // A data folder kept by an earlier version holds each bucket's queue list alone.
  return new Map(
    Object.entries(saved).map(([bucket, configuration]) => [
      bucket,
      Array.isArray(configuration) ? { queues: configuration, eventBridge: false } : configuration,
    ]),
  );
}
