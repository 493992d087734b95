import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { SQSMessageAttribute, SQSRecord, SQSRecordAttributes } from 'aws-lambda';
import { PermanentError } from '../../shared/errors.ts';

/**
 * Turns a message received from SQS (SDK shape) into the record Lambda's SQS event source puts
 * in an `SQSEvent`: camel-cased fields, system attributes as strings, message attributes in
 * Lambda's own format (binary values base64), and the queue's ARN and region.
 */
export function toSqsRecord(message: Message, queueArn: string): SQSRecord {
  const { MessageId, ReceiptHandle, Body, MD5OfBody } = message;
  if (
    MessageId === undefined ||
    ReceiptHandle === undefined ||
    Body === undefined ||
    MD5OfBody === undefined
  ) {
    throw new PermanentError(`SQS returned an incomplete message: ${JSON.stringify(message)}`);
  }
  const attributes = message.Attributes ?? {};
  const messageAttributes = Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [name, lambdaAttribute(value)]),
  );
  return {
    messageId: MessageId,
    receiptHandle: ReceiptHandle,
    body: Body,
    attributes: {
      ...attributes,
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '',
      SentTimestamp: attributes.SentTimestamp ?? '',
      SenderId: attributes.SenderId ?? '',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? '',
    } satisfies SQSRecordAttributes,
    messageAttributes,
    md5OfBody: MD5OfBody,
    ...(message.MD5OfMessageAttributes === undefined
      ? {}
      : { md5OfMessageAttributes: message.MD5OfMessageAttributes }),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: queueArn.split(':')[3] ?? '',
  };
}

function lambdaAttribute(value: MessageAttributeValue): SQSMessageAttribute {
  return {
    ...(value.StringValue === undefined ? {} : { stringValue: value.StringValue }),
    ...(value.BinaryValue === undefined
      ? {}
      : { binaryValue: Buffer.from(value.BinaryValue).toString('base64') }),
    stringListValues: value.StringListValues ?? [],
    binaryListValues: (value.BinaryListValues ?? []).map((item) => Buffer.from(item).toString('base64')),
    dataType: value.DataType ?? 'String',
  };
}
