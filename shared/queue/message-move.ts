import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { translateAwsError } from '../aws/errors.ts';
import { PermanentError } from '../errors.ts';

/**
 * Moving a dead-letter queue's messages back to the queue they came from (`qm-ingest redrive`).
 * On AWS, SQS's own message move task does it (StartMessageMoveTask, followed with
 * ListMessageMoveTasks); a queue server without that API (the local runtime's) gets the same
 * behaviour from receive, send, delete: each message is sent to the source with its body and
 * attributes, and deleted from the DLQ only once sent. Either way a message that fails again
 * returns to its DLQ through the source queue's redrive policy.
 */

export interface QueueMove {
  /** `ingest`, `poll`, `delivery`. */
  readonly name: string;
  readonly deadLetterQueueUrl: string;
  readonly sourceQueueUrl: string;
  /**
   * Which messages go back (all when absent): a DLQ several senders share keeps the others, which
   * become visible again after the receive's visibility timeout.
   */
  readonly accepts?: ((body: string) => boolean) | undefined;
}

export interface MoveResult {
  readonly name: string;
  readonly moved: number;
  /** Messages this move does not take back (see QueueMove.accepts): they stay in the DLQ. */
  readonly left?: number | undefined;
  /** Messages that could not be moved (they stay in the DLQ). */
  readonly failed: number;
  readonly failure?: string | undefined;
}

export interface MoveProgress {
  readonly name: string;
  readonly moved: number;
  readonly total: number;
}

export interface MessageMover {
  /** Moves every message in the DLQ now; `onProgress` after each step. */
  move(move: QueueMove, onProgress: (progress: MoveProgress) => void): Promise<MoveResult>;
}

/** How many messages wait in a queue (SQS's approximate count). */
export async function countMessages(sqs: SQSClient, queueUrl: string): Promise<number> {
  const attributes = await queueAttributes(sqs, queueUrl, ['ApproximateNumberOfMessages']);
  return Number(attributes['ApproximateNumberOfMessages'] ?? 0);
}

async function queueAttributes(
  sqs: SQSClient,
  queueUrl: string,
  names: ('ApproximateNumberOfMessages' | 'QueueArn')[],
): Promise<Record<string, string>> {
  try {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: names }),
    );
    return Attributes;
  } catch (error) {
    throw translateAwsError(error, 'SQS', 'GetQueueAttributes');
  }
}

export interface MoveTaskOptions {
  /** Waits between two looks at the task's progress. */
  readonly sleep: (ms: number) => Promise<void>;
  readonly pollIntervalMs?: number | undefined;
}

/** SQS's message move task (AWS). */
export class SqsMessageMoveTask implements MessageMover {
  readonly #sqs: SQSClient;
  readonly #options: MoveTaskOptions;

  constructor(sqs: SQSClient, options: MoveTaskOptions) {
    this.#sqs = sqs;
    this.#options = options;
  }

  async move(move: QueueMove, onProgress: (progress: MoveProgress) => void): Promise<MoveResult> {
    const [sourceArn, destinationArn] = await Promise.all(
      [move.deadLetterQueueUrl, move.sourceQueueUrl].map(async (url) => {
        const arn = (await queueAttributes(this.#sqs, url, ['QueueArn']))['QueueArn'];
        if (arn === undefined) {
          throw new PermanentError(`SQS did not give the ARN of queue ${url}`);
        }
        return arn;
      }),
    );
    let taskHandle: string | undefined;
    try {
      ({ TaskHandle: taskHandle } = await this.#sqs.send(
        new StartMessageMoveTaskCommand({ SourceArn: sourceArn, DestinationArn: destinationArn }),
      ));
    } catch (error) {
      throw translateAwsError(error, 'SQS', `StartMessageMoveTask (${move.name} DLQ)`);
    }
    for (;;) {
      const task = await this.#task(sourceArn ?? '', taskHandle);
      const moved = task?.ApproximateNumberOfMessagesMoved ?? 0;
      const total = task?.ApproximateNumberOfMessagesToMove ?? moved;
      onProgress({ name: move.name, moved, total });
      const status = task?.Status;
      if (status === 'COMPLETED') {
        return { name: move.name, moved, failed: 0 };
      }
      if (status === 'FAILED' || status === 'CANCELLED') {
        return {
          name: move.name,
          moved,
          failed: Math.max(0, total - moved),
          failure: task?.FailureReason ?? `the task was ${status.toLowerCase()}`,
        };
      }
      await this.#options.sleep(this.#options.pollIntervalMs ?? 2_000);
    }
  }

  async #task(sourceArn: string, taskHandle: string | undefined) {
    try {
      const { Results = [] } = await this.#sqs.send(
        new ListMessageMoveTasksCommand({ SourceArn: sourceArn, MaxResults: 10 }),
      );
      return Results.find((result) => result.TaskHandle === taskHandle) ?? Results[0];
    } catch (error) {
      throw translateAwsError(error, 'SQS', 'ListMessageMoveTasks');
    }
  }
}

/**
 * The move by receive, send, delete, for a queue server without message move tasks. Stops when a
 * receive finds the DLQ empty, and never receives more than the DLQ held when it started (so a
 * message that fails again and comes back meanwhile is not moved twice in one run).
 */
export class ReceiveSendDeleteMover implements MessageMover {
  readonly #sqs: SQSClient;

  constructor(sqs: SQSClient) {
    this.#sqs = sqs;
  }

  async move(move: QueueMove, onProgress: (progress: MoveProgress) => void): Promise<MoveResult> {
    const total = await countMessages(this.#sqs, move.deadLetterQueueUrl);
    let moved = 0;
    let failed = 0;
    let left = 0;
    let received = 0;
    onProgress({ name: move.name, moved, total });
    while (received < total) {
      const messages = await this.#receive(move, Math.min(10, total - received));
      if (messages.length === 0) {
        break;
      }
      received += messages.length;
      const accepted = messages.filter((message) => move.accepts?.(message.Body ?? '') ?? true);
      left += messages.length - accepted.length;
      const sent = accepted.length === 0 ? [] : await this.#send(move, accepted);
      failed += accepted.length - sent.length;
      await this.#delete(move, sent);
      moved += sent.length;
      onProgress({ name: move.name, moved, total });
    }
    return { name: move.name, moved, failed, ...(move.accepts === undefined ? {} : { left }) };
  }

  async #receive(move: QueueMove, max: number): Promise<Message[]> {
    try {
      const { Messages = [] } = await this.#sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: move.deadLetterQueueUrl,
          MaxNumberOfMessages: max,
          WaitTimeSeconds: 1,
          MessageAttributeNames: ['All'],
          // Long enough to send each on; a message left in flight comes back for the next run.
          VisibilityTimeout: 60,
        }),
      );
      return Messages;
    } catch (error) {
      throw translateAwsError(error, 'SQS', `ReceiveMessage (${move.name} DLQ)`);
    }
  }

  /** Sends each message on; returns those sent. */
  async #send(move: QueueMove, messages: readonly Message[]): Promise<Message[]> {
    let failedIds: Set<string>;
    try {
      const { Failed = [] } = await this.#sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: move.sourceQueueUrl,
          Entries: messages.map((message, index) => ({
            Id: String(index),
            MessageBody: message.Body ?? '',
            ...(message.MessageAttributes === undefined
              ? {}
              : { MessageAttributes: message.MessageAttributes }),
          })),
        }),
      );
      failedIds = new Set(Failed.map((entry) => entry.Id ?? ''));
    } catch (error) {
      throw translateAwsError(error, 'SQS', `SendMessageBatch (${move.name} queue)`);
    }
    return messages.filter((_message, index) => !failedIds.has(String(index)));
  }

  async #delete(move: QueueMove, messages: readonly Message[]): Promise<void> {
    if (messages.length === 0) {
      return;
    }
    try {
      await this.#sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: move.deadLetterQueueUrl,
          Entries: messages.map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.ReceiptHandle ?? '',
          })),
        }),
      );
    } catch (error) {
      throw translateAwsError(error, 'SQS', `DeleteMessageBatch (${move.name} DLQ)`);
    }
  }
}
