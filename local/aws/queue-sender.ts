import {
  GetQueueUrlCommand,
  type MessageAttributeValue,
  QueueDoesNotExist,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { PermanentError } from '../../shared/errors.ts';
import { LOCAL_CREDENTIALS } from './constants.ts';

/**
 * Sends messages to local SQS queues named by ARN (or URL): how S3 notifications, SNS
 * subscriptions and EventBridge targets reach their queues. It talks to the local SQS over HTTP
 * with the SDK, exactly as any producer would.
 */
export interface QueueSender {
  send(queue: string, body: string, attributes?: Record<string, MessageAttributeValue>): Promise<void>;
  /** Whether the queue exists now (S3 and SNS check a destination when it is configured). */
  exists(queue: string): Promise<boolean>;
  close(): void;
}

/** The destination queue does not exist. */
export class QueueNotFoundError extends PermanentError {}

export function createQueueSender(sqsEndpoint: string, region: string): QueueSender {
  const client = new SQSClient({ endpoint: sqsEndpoint, region, credentials: LOCAL_CREDENTIALS });
  const resolve = async (queue: string): Promise<string> => {
    const name = queueName(queue);
    try {
      const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: name }));
      if (QueueUrl === undefined) throw new QueueNotFoundError(`Queue ${queue} has no URL`);
      return QueueUrl;
    } catch (error) {
      if (error instanceof QueueDoesNotExist)
        throw new QueueNotFoundError(`Queue ${queue} does not exist`, { cause: error });
      throw error;
    }
  };
  return {
    send: async (queue, body, attributes) => {
      const QueueUrl = await resolve(queue);
      await client.send(
        new SendMessageCommand({ QueueUrl, MessageBody: body, MessageAttributes: attributes }),
      );
    },
    exists: async (queue) => {
      try {
        await resolve(queue);
        return true;
      } catch (error) {
        if (error instanceof QueueNotFoundError) return false;
        throw error;
      }
    },
    close: () => client.destroy(),
  };
}

/** The queue name from `arn:aws:sqs:<region>:<account>:<name>` or `http://host/<account>/<name>`. */
export function queueName(queue: string): string {
  if (queue.startsWith('arn:')) return queue.split(':').at(-1) ?? '';
  return new URL(queue).pathname.split('/').at(-1) ?? '';
}
