import { randomBytes } from 'node:crypto';
import { childElements, childText, escapeXml, parseXml, XmlSyntaxError } from '../xml.ts';
import { S3RequestError } from './s3-errors.ts';

/**
 * A bucket's event notification configuration, as far as the local S3 supports it: SQS queue
 * destinations with event types and prefix/suffix key filters (what S3 -> SQS ingestion needs),
 * and EventBridge notifications (every event of the bucket to the default bus, unfiltered: rules
 * select there). It is set over the wire (PutBucketNotificationConfiguration) or
 * programmatically, with the same validation either way.
 */

/** The event types the local S3 emits. */
export const S3_EVENT_NAMES = [
  'ObjectCreated:Put',
  'ObjectCreated:Post',
  'ObjectCreated:Copy',
  'ObjectCreated:CompleteMultipartUpload',
  'ObjectRemoved:Delete',
  'ObjectRemoved:DeleteMarkerCreated',
] as const;
export type S3EventName = (typeof S3_EVENT_NAMES)[number];

/** One queue destination. `events` use S3's configuration names: `s3:ObjectCreated:*`, `s3:ObjectRemoved:Delete`... */
export interface QueueNotification {
  /** The configuration id S3 copies into each event's `configurationId`; generated when absent. */
  readonly id?: string | undefined;
  readonly queueArn: string;
  readonly events: readonly string[];
  /** Matched against the key as encoded in the event (space as `+`), as S3 does. */
  readonly prefix?: string | undefined;
  readonly suffix?: string | undefined;
}

export interface BucketNotificationConfiguration {
  readonly queues: readonly QueueNotification[];
  /** `<EventBridgeConfiguration/>`: every event of the bucket also goes to EventBridge's default bus. */
  readonly eventBridge?: boolean | undefined;
}

/** A validated destination: it has its id. */
export interface NormalizedQueueNotification extends QueueNotification {
  readonly id: string;
}

/** A validated configuration, as stored and returned by GetBucketNotificationConfiguration. */
export interface NormalizedNotificationConfiguration {
  readonly queues: readonly NormalizedQueueNotification[];
  readonly eventBridge: boolean;
}

const CONFIGURABLE_EVENTS = new Set<string>([
  ...S3_EVENT_NAMES.map((name) => `s3:${name}`),
  's3:ObjectCreated:*',
  's3:ObjectRemoved:*',
]);
/** An empty element: its presence turns EventBridge notifications on. */
const EVENTBRIDGE_ELEMENT = 'EventBridgeConfiguration';
const QUEUE_ARN = /^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,80}(\.fifo)?$/;

/** Checks a configuration the way S3 does (before the destinations are tested) and fills in ids. */
export function normalizeNotificationConfiguration(
  configuration: BucketNotificationConfiguration,
): NormalizedNotificationConfiguration {
  const queues = configuration.queues.map((queue): NormalizedQueueNotification => {
    if (!QUEUE_ARN.test(queue.queueArn)) {
      throw new S3RequestError('InvalidArgument', `The ARN could not be parsed: ${queue.queueArn}`);
    }
    if (queue.events.length === 0) {
      throw new S3RequestError('InvalidArgument', 'A notification configuration needs at least one event');
    }
    for (const event of queue.events) {
      if (!CONFIGURABLE_EVENTS.has(event)) {
        throw new S3RequestError('InvalidArgument', `The event is not supported for notifications: ${event}`);
      }
    }
    for (const [name, value] of [
      ['prefix', queue.prefix],
      ['suffix', queue.suffix],
    ] as const) {
      if (value === '')
        throw new S3RequestError('InvalidArgument', `The ${name} filter value cannot be empty`);
    }
    return { ...queue, id: queue.id ?? generateConfigurationId() };
  });
  return { queues, eventBridge: configuration.eventBridge === true };
}

/** Whether the configuration sends anything anywhere (S3 keeps no empty configuration). */
export function hasDestinations(configuration: NormalizedNotificationConfiguration): boolean {
  return configuration.queues.length > 0 || configuration.eventBridge;
}

/** Whether an event about `encodedKey` goes to this destination. */
export function notificationMatches(
  queue: QueueNotification,
  eventName: S3EventName,
  encodedKey: string,
): boolean {
  const category = eventName.slice(0, eventName.indexOf(':'));
  const wanted = queue.events.includes(`s3:${eventName}`) || queue.events.includes(`s3:${category}:*`);
  return (
    wanted &&
    (queue.prefix === undefined || encodedKey.startsWith(queue.prefix)) &&
    (queue.suffix === undefined || encodedKey.endsWith(queue.suffix))
  );
}

/** Reads the XML body of PutBucketNotificationConfiguration. */
export function parseNotificationConfigurationXml(xml: string): BucketNotificationConfiguration {
  let root: ReturnType<typeof parseXml>;
  try {
    root = parseXml(xml);
  } catch (error) {
    if (error instanceof XmlSyntaxError) {
      throw new S3RequestError('MalformedXML', `The XML you provided was not well-formed: ${error.message}`);
    }
    throw error;
  }
  if (root.name !== 'NotificationConfiguration') {
    throw new S3RequestError('MalformedXML', `Expected NotificationConfiguration, got ${root.name}`);
  }
  for (const child of root.children) {
    if (child.name !== 'QueueConfiguration' && child.name !== EVENTBRIDGE_ELEMENT) {
      throw new S3RequestError(
        'InvalidArgument',
        `${child.name} is not supported by the local S3: it delivers notifications to SQS queues and EventBridge only`,
      );
    }
  }
  const queues = childElements(root, 'QueueConfiguration').map((element): QueueNotification => {
    const queueArn = childText(element, 'Queue');
    if (queueArn === undefined)
      throw new S3RequestError('MalformedXML', 'A QueueConfiguration needs a Queue');
    const rules = childElements(element, 'Filter')
      .flatMap((filter) => childElements(filter, 'S3Key'))
      .flatMap((s3Key) => childElements(s3Key, 'FilterRule'))
      .map((rule) => ({
        name: (childText(rule, 'Name') ?? '').toLowerCase(),
        value: childText(rule, 'Value') ?? '',
      }));
    for (const rule of rules) {
      if (rule.name !== 'prefix' && rule.name !== 'suffix') {
        throw new S3RequestError('InvalidArgument', 'filter rule name must be either prefix or suffix');
      }
    }
    return {
      id: childText(element, 'Id'),
      queueArn,
      events: childElements(element, 'Event').map((event) => event.text),
      prefix: rules.find((rule) => rule.name === 'prefix')?.value,
      suffix: rules.find((rule) => rule.name === 'suffix')?.value,
    };
  });
  return { queues, eventBridge: childElements(root, EVENTBRIDGE_ELEMENT).length > 0 };
}

/** Writes the body of a GetBucketNotificationConfiguration response. */
export function notificationConfigurationXml(configuration: NormalizedNotificationConfiguration): string {
  const queues = configuration.queues

    .map((queue) => {
      const rules = (
        [
          ['prefix', queue.prefix],
          ['suffix', queue.suffix],
        ] as const
      )
        .filter((rule): rule is readonly ['prefix' | 'suffix', string] => rule[1] !== undefined)
        .map(
          ([name, value]) =>
            `<FilterRule><Name>${name}</Name><Value>${escapeXml(value)}</Value></FilterRule>`,
        )
        .join('');
      const filter = rules === '' ? '' : `<Filter><S3Key>${rules}</S3Key></Filter>`;
      const events = queue.events.map((event) => `<Event>${escapeXml(event)}</Event>`).join('');
      return `<QueueConfiguration><Id>${escapeXml(queue.id)}</Id><Queue>${escapeXml(queue.queueArn)}</Queue>${events}${filter}</QueueConfiguration>`;
    })
    .join('');
  const eventBridge = configuration.eventBridge ? `<${EVENTBRIDGE_ELEMENT}></${EVENTBRIDGE_ELEMENT}>` : '';
  const body = `${queues}${eventBridge}`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${body}</NotificationConfiguration>`;
}

/** S3 generates ids that look like base64 of random bytes. */
function generateConfigurationId(): string {
  return randomBytes(36).toString('base64').replace(/[+/=]/g, '').slice(0, 48);
}
