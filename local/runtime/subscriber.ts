import { setTimeout as sleep } from 'node:timers/promises';
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import * as z from 'zod';
import {
  ALERT_MESSAGE_TYPE,
  EVALUATION_UPDATED_MESSAGE_TYPE,
  NOTIFICATION_MESSAGE_TYPE,
  type RecordingFinishedMessage,
} from '../../shared/notify/messages.ts';
import { TERMINAL_STATUSES } from '../../shared/recordings/state-machine.ts';
import type { RuntimeEvent } from './events.ts';

/**
 * The runtime's own subscriber to the notification and alert topics: an SQS queue subscribed to
 * both, drained here as any subscriber would (SNS envelopes, at-least-once delivery, repeats
 * dropped by notification id). It is what shows each outcome and alert as it happens, and it
 * proves the whole notification path (outbox -> publisher -> SNS -> subscription) on every run.
 */

export interface TopicSubscriberOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly emit: (event: RuntimeEvent) => void;
  /**
   * Awaited before an outcome or an alert is emitted: the runtime reads the state table then, so
   * a recording's progress is always reported before its end.
   */
  readonly beforeOutcome?: (() => Promise<void>) | undefined;
}

export interface TopicSubscriber {
  stop(): Promise<void>;
}

const envelopeSchema = z.object({
  Type: z.literal('Notification'),
  TopicArn: z.string(),
  Subject: z.string().optional(),
  Message: z.string(),
  MessageAttributes: z.record(z.string(), z.object({ Type: z.string(), Value: z.string() })).optional(),
});

const finishedMessageSchema = z.object({
  schemaVersion: z.literal(1),
  type: z.enum([NOTIFICATION_MESSAGE_TYPE, EVALUATION_UPDATED_MESSAGE_TYPE]),
  notificationId: z.string(),
  environment: z.string(),
  recordingId: z.string(),
  bucket: z.string(),
  key: z.string(),
  zoomAccountId: z.string(),
  profile: z.string(),
  submission: z.number(),
  interactionId: z.string().nullable(),
  queueId: z.string().nullable(),
  status: z.enum(TERMINAL_STATUSES),
  reason: z.string(),
  occurredAt: z.string(),
  details: z.unknown(),
}) satisfies z.ZodType<RecordingFinishedMessage>;

/** The alert's first line and its notification id line, as shared/notify/messages.ts writes them. */
const ALERT_HEADLINE = /^Recording (\S+) ended ([A-Z_]+)/;
const ALERT_NOTIFICATION_ID = /^Notification id: (\S+)$/m;

const RECEIVE_WAIT_SECONDS = 1;
const ERROR_BACKOFF_MS = 1_000;

export function startTopicSubscriber(options: TopicSubscriberOptions): TopicSubscriber {
  const stopping = new AbortController();
  const seen = new Set<string>();
  const loop = (async () => {
    while (!stopping.signal.aborted) {
      try {
        const { Messages = [] } = await options.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: options.queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: RECEIVE_WAIT_SECONDS,
          }),
          { abortSignal: stopping.signal },
        );
        for (const message of Messages) {
          await handle(message, seen, options);
        }
        if (Messages.length > 0) {
          await options.sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: options.queueUrl,
              Entries: Messages.map((message, index) => ({
                Id: String(index),
                ReceiptHandle: message.ReceiptHandle,
              })),
            }),
          );
        }
      } catch (error) {
        if (stopping.signal.aborted) {
          break;
        }
        options.emit({
          kind: 'problem',
          source: 'subscriber',
          message: `reading the notification subscription failed: ${String(error)}`,
          at: Date.now(),
        });
        await sleep(ERROR_BACKOFF_MS, undefined, { signal: stopping.signal }).catch(() => undefined);
      }
    }
  })();
  return {
    stop: async () => {
      stopping.abort();
      await loop;
    },
  };
}

/**
 * What one delivered message means: an outcome or an alert (with the id that makes a repeat
 * recognisable: the notification id, stable across the outbox's retries), or a problem for a
 * message that is neither. Pure.
 */
export function decodeDelivery(
  body: string | undefined,
  receivedAt: number,
): { readonly event: RuntimeEvent; readonly deliveryId?: string | undefined } {
  const problem = (message: string) => ({
    event: { kind: 'problem', source: 'subscriber', message, at: receivedAt } as const,
  });
  const envelope = parseEnvelope(body);
  if (envelope === undefined) {
    return problem('a message that is no SNS notification arrived on the subscription');
  }
  const type = envelope.MessageAttributes?.['type']?.Value;
  if (type === NOTIFICATION_MESSAGE_TYPE || type === EVALUATION_UPDATED_MESSAGE_TYPE) {
    const parsed = finishedMessageSchema.safeParse(parseJson(envelope.Message));
    if (!parsed.success) {
      return problem('a notification did not match its schema');
    }
    return {
      event: { kind: 'outcome', message: parsed.data, receivedAt },
      deliveryId: `notification:${parsed.data.notificationId}`,
    };
  }
  if (type === ALERT_MESSAGE_TYPE) {
    const headline = ALERT_HEADLINE.exec(envelope.Message);
    const notificationId = ALERT_NOTIFICATION_ID.exec(envelope.Message)?.[1];
    if (headline === null || notificationId === undefined) {
      return problem('an alert did not have its usual form');
    }
    return {
      event: {
        kind: 'alert',
        recordingId: headline[1] ?? '',
        status: headline[2] ?? '',
        subject: envelope.Subject ?? '',
        body: envelope.Message,
        receivedAt,
      },
      deliveryId: `alert:${notificationId}`,
    };
  }
  return problem(`a message of an unknown type (${type ?? 'none'}) arrived on the subscription`);
}

/** Emits what a message means, unless it repeats one already seen. */
async function handle(message: Message, seen: Set<string>, options: TopicSubscriberOptions): Promise<void> {
  const { event, deliveryId } = decodeDelivery(message.Body, Date.now());
  if (deliveryId !== undefined) {
    if (seen.has(deliveryId)) {
      return;
    }
    seen.add(deliveryId);
  }
  if (event.kind !== 'problem') {
    await options.beforeOutcome?.();
  }
  options.emit(event);
}

function parseEnvelope(body: string | undefined): z.infer<typeof envelopeSchema> | undefined {
  const parsed = envelopeSchema.safeParse(parseJson(body ?? ''));
  return parsed.success ? parsed.data : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
