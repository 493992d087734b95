import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { ConfigError } from '../../shared/errors.ts';
import {
  type FunctionSettings,
  functionTimeoutMs,
  invokeHandler,
  type LambdaHandler,
} from './lambda-invocation.ts';
import { toSqsRecord } from './sqs-records.ts';

/**
 * An SQS -> Lambda event source mapping, run locally against a real (local) queue:
 * - batches of up to `batchSize` messages, gathered for up to `maximumBatchingWindowMs`;
 * - at most `maximumConcurrency` invocations at a time; the poller waits for a free slot before
 *   receiving more, so a backlog stays visible in the queue rather than in flight here;
 * - success deletes the batch; a thrown error or a timeout deletes nothing; with
 *   `reportBatchItemFailures`, `batchItemFailures` keeps exactly the listed messages (an invalid
 *   response fails the whole batch, as in Lambda);
 * - failed messages are not touched: they reappear after the queue's visibility timeout and the
 *   queue's own RedrivePolicy moves them to the DLQ after maxReceiveCount receives.
 * Messages are received with every system and message attribute, so handlers get the exact
 * `SQSEvent` Lambda delivers.
 */

export interface SqsEventSourceOptions {
  /** The client to poll with (a default client configured by the environment). */
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  /**
   * The function. With `reportBatchItemFailures` it returns an `SQSBatchResponse`; any other
   * result is checked as Lambda checks it (see {@link failedMessageIds}).
   */
  readonly handler: LambdaHandler<SQSEvent, unknown>;
  readonly function: FunctionSettings;
  /** 1 to 10000; Lambda's default is 10. */
  readonly batchSize?: number;
  /** 0 to 300000 ms; Lambda's default is 0. */
  readonly maximumBatchingWindowMs?: number;
  /** 2 to 1000, as Lambda allows; 5 by default. */
  readonly maximumConcurrency?: number;
  /** Lambda's `FunctionResponseTypes: ['ReportBatchItemFailures']`; off by default, as in Lambda. */
  readonly reportBatchItemFailures?: boolean;
  /** How long each receive long-polls (1-20 s): also the longest `stop()` waits for the poller. */
  readonly pollWaitSeconds?: number;
  /** Failed invocations and polling errors; stderr by default. */
  readonly onError?: (error: unknown, detail: string) => void;
}

export interface RunningSqsEventSource {
  readonly queueArn: string;
  /** Stops polling and waits for the invocations in flight to finish (or time out). */
  stop(): Promise<void>;
}

const MAX_RECEIVE = 10;
const POLL_ERROR_BACKOFF_MS = [200, 1_000, 5_000];

/** Starts polling; rejects, like CreateEventSourceMapping, on settings Lambda would refuse. */
export async function startSqsEventSource(options: SqsEventSourceOptions): Promise<RunningSqsEventSource> {
  const settings = validate(options);
  const { Attributes: attributes = {} } = await options.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: options.queueUrl,
      AttributeNames: ['QueueArn', 'VisibilityTimeout', 'FifoQueue'],
    }),
  );
  const queueArn = attributes.QueueArn;
  if (queueArn === undefined) throw new ConfigError(`SQS did not return the ARN of ${options.queueUrl}`);
  if (attributes.FifoQueue === 'true') {
    throw new ConfigError(
      'FIFO queues are not supported by the local event source (per-group ordering is not emulated)',
    );
  }
  const visibilityTimeoutMs = Number(attributes.VisibilityTimeout ?? '30') * 1000;
  if (settings.timeoutMs > visibilityTimeoutMs) {
    throw new ConfigError(
      `Queue visibility timeout: ${visibilityTimeoutMs / 1000} seconds is less than Function timeout: ${settings.timeoutMs / 1000} seconds`,
    );
  }
  const poller = new Poller(options, settings, queueArn);
  const loop = poller.run();
  return {
    queueArn,
    stop: async () => {
      poller.requestStop();
      await loop;
      await poller.drain();
    },
  };
}

interface Settings {
  readonly batchSize: number;
  readonly windowMs: number;
  readonly maximumConcurrency: number;
  readonly pollWaitSeconds: number;
  readonly timeoutMs: number;
}

function validate(options: SqsEventSourceOptions): Settings {
  const settings: Settings = {
    batchSize: options.batchSize ?? 10,
    windowMs: options.maximumBatchingWindowMs ?? 0,
    maximumConcurrency: options.maximumConcurrency ?? 5,
    pollWaitSeconds: options.pollWaitSeconds ?? 1,
    timeoutMs: functionTimeoutMs(options.function),
  };
  const checks: [boolean, string][] = [
    [
      isIntegerIn(settings.batchSize, 1, 10_000),
      `batchSize must be an integer from 1 to 10000, not ${settings.batchSize}`,
    ],
    [
      isIntegerIn(settings.windowMs, 0, 300_000),
      `maximumBatchingWindowMs must be from 0 to 300000, not ${settings.windowMs}`,
    ],
    [
      isIntegerIn(settings.maximumConcurrency, 2, 1_000),
      `maximumConcurrency must be an integer from 2 to 1000, not ${settings.maximumConcurrency}`,
    ],
    [
      isIntegerIn(settings.pollWaitSeconds, 1, 20),
      `pollWaitSeconds must be from 1 to 20, not ${settings.pollWaitSeconds}`,
    ],
  ];
  const problem = checks.find(([valid]) => !valid);
  if (problem !== undefined) throw new ConfigError(problem[1]);
  return settings;
}

function isIntegerIn(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}

class Poller {
  readonly #options: SqsEventSourceOptions;
  readonly #settings: Settings;
  readonly #queueArn: string;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #slotFreed: (() => void)[] = [];
  #stopping = false;
  #wakeUp: (() => void) | undefined;

  constructor(options: SqsEventSourceOptions, settings: Settings, queueArn: string) {
    this.#options = options;
    this.#settings = settings;
    this.#queueArn = queueArn;
  }

  requestStop(): void {
    this.#stopping = true;
    this.#wakeUp?.();
  }

  async drain(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  async run(): Promise<void> {
    let consecutiveErrors = 0;
    while (!this.#stopping) {
      await this.#freeSlot();
      if (this.#stopping) break;
      let batch: Message[];
      try {
        batch = await this.#collectBatch();
        consecutiveErrors = 0;
      } catch (error) {
        this.#report(error, `receiving from ${this.#queueArn} failed`);
        const delay =
          POLL_ERROR_BACKOFF_MS[Math.min(consecutiveErrors, POLL_ERROR_BACKOFF_MS.length - 1)] ?? 0;
        consecutiveErrors++;
        await this.#sleep(delay);
        continue;
      }
      if (batch.length > 0) this.#start(batch);
    }
  }

  /** Waits until fewer than `maximumConcurrency` invocations run (or stop is requested). */
  async #freeSlot(): Promise<void> {
    while (!this.#stopping && this.#inFlight.size >= this.#settings.maximumConcurrency) {
      await new Promise<void>((resolve) => {
        this.#slotFreed.push(resolve);
        this.#wakeUp = resolve;
      });
    }
  }

  /**
   * Receives until the batch is full or the batching window has passed since the first message.
   * A message received twice while the batch gathers (its visibility timeout ran out in the
   * window) is kept once, with its latest receipt handle: the earlier one no longer deletes it.
   */
  async #collectBatch(): Promise<Message[]> {
    const batch = new Map<string, Message>();
    let windowEnd = Number.POSITIVE_INFINITY;
    do {
      const remainingMs = windowEnd - Date.now();
      const waitSeconds =
        batch.size === 0
          ? this.#settings.pollWaitSeconds
          : Math.min(20, Math.floor(Math.max(0, remainingMs) / 1000));
      const { Messages = [] } = await this.#options.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: this.#options.queueUrl,
          MaxNumberOfMessages: Math.min(MAX_RECEIVE, this.#settings.batchSize - batch.size),
          WaitTimeSeconds: waitSeconds,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      );
      if (batch.size === 0 && Messages.length > 0) windowEnd = Date.now() + this.#settings.windowMs;
      for (const message of Messages) {
        batch.delete(message.MessageId ?? '');
        batch.set(message.MessageId ?? '', message);
      }
    } while (
      !this.#stopping &&
      batch.size > 0 &&
      batch.size < this.#settings.batchSize &&
      Date.now() < windowEnd
    );
    return [...batch.values()];
  }

  #start(batch: readonly Message[]): void {
    const invocation = this.#invoke(batch).finally(() => {
      this.#inFlight.delete(invocation);
      this.#slotFreed.shift()?.();
    });
    this.#inFlight.add(invocation);
  }

  async #invoke(batch: readonly Message[]): Promise<void> {
    const event: SQSEvent = { Records: batch.map((message) => toSqsRecord(message, this.#queueArn)) };
    const result = await invokeHandler(this.#options.handler, event, this.#options.function);
    if (!result.ok) {
      this.#report(
        result.error,
        `${this.#options.function.functionName} failed on a batch of ${batch.length}; none deleted`,
      );
      return;
    }
    const failedIds = this.#options.reportBatchItemFailures
      ? failedMessageIds(result.value, batch)
      : new Set<string>();
    if (failedIds === undefined) {
      this.#report(
        new Error(`Invalid batchItemFailures response: ${JSON.stringify(result.value)}`),
        `${this.#options.function.functionName} returned an invalid partial batch response; the whole batch failed`,
      );
      return;
    }
    await this.#delete(batch.filter((message) => !failedIds.has(message.MessageId ?? '')));
  }

  async #delete(messages: readonly Message[]): Promise<void> {
    for (let start = 0; start < messages.length; start += MAX_RECEIVE) {
      const chunk = messages.slice(start, start + MAX_RECEIVE);
      try {
        const { Failed = [] } = await this.#options.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: this.#options.queueUrl,
            Entries: chunk.map((message, index) => ({
              Id: String(index),
              ReceiptHandle: message.ReceiptHandle,
            })),
          }),
        );
        for (const failure of Failed) {
          this.#report(
            new Error(failure.Message ?? failure.Code),
            `deleting a processed message from ${this.#queueArn} failed`,
          );
        }
      } catch (error) {
        this.#report(error, `deleting processed messages from ${this.#queueArn} failed`);
      }
    }
  }

  #report(error: unknown, detail: string): void {
    const onError =
      this.#options.onError ??
      ((cause: unknown, what: string) => console.error(`[local-triggers] ${what}:`, cause));
    onError(error, detail);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/**
 * The message ids a partial batch response marks as failed, or undefined when the response is
 * invalid (Lambda then fails the whole batch). No response, or an empty list, means all succeeded.
 */
export function failedMessageIds(response: unknown, batch: readonly Message[]): Set<string> | undefined {
  if (response === undefined || response === null) return new Set();
  if (typeof response !== 'object') return undefined;
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) return undefined;
  const ids = new Set(batch.map((message) => message.MessageId));
  const failed = new Set<string>();
  for (const failure of failures) {
    const id =
      typeof failure === 'object' && failure !== null
        ? (failure as { itemIdentifier?: unknown }).itemIdentifier
        : undefined;
    if (typeof id !== 'string' || !ids.has(id)) return undefined;
    failed.add(id);
  }
  return failed;
}
