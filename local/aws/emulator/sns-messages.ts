import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { QueryParameters } from './aws-query.ts';
import { AwsServiceError } from './service-error.ts';
import type { EnvelopeAttribute } from './sns-envelope.ts';
import type { SnsMessageAttribute, SnsPublishRecord } from './sns-model.ts';

/**
 * Reading, checking and shaping what is published: message attributes from the query form, the
 * limits SNS enforces, MessageStructure=json, and attributes in the envelope or (raw delivery)
 * as SQS message attributes.
 */

const MAX_MESSAGE_BYTES = 256 * 1024;

/** The MessageAttributes of a Publish (or batch entry), checked as SNS checks them. */
export function parseMessageAttributes(parameters: QueryParameters): Record<string, SnsMessageAttribute> {
  const attributes: Record<string, SnsMessageAttribute> = {};
  for (const entry of parameters.entries('MessageAttributes')) {
    const name = entry.require('Name');
    const dataType = entry.get('Value.DataType');
    const stringValue = entry.get('Value.StringValue');
    const binaryValue = entry.get('Value.BinaryValue');
    if (dataType === undefined || !/^(String|Number|Binary)(\..+)?$/.test(dataType)) {
      throw new AwsServiceError(
        'ParameterValueInvalid',
        `The message attribute '${name}' has an invalid message attribute type`,
      );
    }
    const isBinary = dataType.startsWith('Binary');
    if (
      (isBinary ? binaryValue : stringValue) === undefined ||
      (isBinary ? binaryValue : stringValue) === ''
    ) {
      throw new AwsServiceError(
        'ParameterValueInvalid',
        `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${dataType}'.`,
      );
    }
    if (dataType.startsWith('Number') && Number.isNaN(Number(stringValue))) {
      throw new AwsServiceError(
        'ParameterValueInvalid',
        `Could not cast message attribute '${name}' value to number.`,
      );
    }
    attributes[name] = isBinary
      ? { DataType: dataType, BinaryValue: binaryValue }
      : { DataType: dataType, StringValue: stringValue };
  }
  return attributes;
}

/** SNS's limits: 256 KB with attributes, a one-line subject of 100 characters, a valid json structure. */
export function validateMessage(
  message: string,
  subject: string | undefined,
  messageStructure: string | undefined,
  attributes: Readonly<Record<string, SnsMessageAttribute>>,
): void {
  const attributeBytes = Object.entries(attributes).reduce(
    (total, [name, value]) =>
      total +
      Buffer.byteLength(name) +
      Buffer.byteLength(value.DataType) +
      Buffer.byteLength(value.StringValue ?? value.BinaryValue ?? ''),
    0,
  );
  if (Buffer.byteLength(message) + attributeBytes > MAX_MESSAGE_BYTES) {
    throw new AwsServiceError('InvalidParameter', 'Invalid parameter: Message too long');
  }
  if (subject !== undefined && (subject.length > 100 || /[\r\n]/.test(subject))) {
    throw new AwsServiceError(
      'InvalidParameter',
      'Invalid parameter: Subject must be at most 100 characters without line breaks',
    );
  }
  if (messageStructure === undefined) return;
  if (messageStructure !== 'json') {
    throw new AwsServiceError('InvalidParameter', 'Invalid parameter: MessageStructure must be json');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    throw new AwsServiceError(
      'InvalidParameter',
      'Invalid parameter: Message Structure - JSON message body failed to parse',
    );
  }
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    typeof (parsed as Record<string, unknown>)['default'] !== 'string'
  ) {
    throw new AwsServiceError(
      'InvalidParameter',
      'Invalid parameter: Message Structure - No default entry in JSON message body',
    );
  }
}

/** With MessageStructure=json, each protocol gets its own entry or the default one. */
export function messageFor(record: SnsPublishRecord, protocol: string): string {
  if (record.messageStructure !== 'json') return record.message;
  const perProtocol = JSON.parse(record.message) as Record<string, unknown>;
  const specific = perProtocol[protocol];
  return typeof specific === 'string' ? specific : String(perProtocol['default']);
}

/** Attributes as the envelope carries them: `{ Type, Value }`, binary values in base64. */
export function envelopeAttributes(
  attributes: Readonly<Record<string, SnsMessageAttribute>>,
): Record<string, EnvelopeAttribute> {
  return Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [
      name,
      { Type: value.DataType, Value: value.StringValue ?? value.BinaryValue ?? '' },
    ]),
  );
}

/** Raw delivery turns SNS attributes into SQS message attributes (String.Array travels as String). */
export function sqsAttributes(
  attributes: Readonly<Record<string, SnsMessageAttribute>>,
): Record<string, MessageAttributeValue> {
  return Object.fromEntries(
    Object.entries(attributes).map(([name, value]): [string, MessageAttributeValue] => {
      if (value.BinaryValue !== undefined) {
        return [name, { DataType: value.DataType, BinaryValue: Buffer.from(value.BinaryValue, 'base64') }];
      }
      const dataType = value.DataType === 'String.Array' ? 'String' : value.DataType;
      return [name, { DataType: dataType, StringValue: value.StringValue }];
    }),
  );
}
