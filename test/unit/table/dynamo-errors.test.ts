import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { PermanentError, RetryableError } from '../../../shared/errors.ts';
import {
  cancellationReasons,
  conditionFailedItem,
  isConditionalCheckFailed,
  translateDynamoError,
} from '../../../shared/table/dynamo-errors.ts';

function awsError(name: string, httpStatusCode = 400): Error {
  return Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode } });
}

describe('translateDynamoError', () => {
  it.each([
    'ProvisionedThroughputExceededException',
    'ThrottlingException',
    'RequestLimitExceeded',
    'InternalServerError',
    'TransactionConflictException',
    'TimeoutError',
  ])('makes %s retryable', (name) => {
    // Prepare
    const error = awsError(name);

    // Act
    const translated = translateDynamoError(error, 'reading recording r1');

    // Assess
    expect(translated).toBeInstanceOf(RetryableError);
    expect(translated.message).toBe(`DynamoDB reading recording r1 failed: ${name}`);
    expect(translated.cause).toBe(error);
  });

  it('makes any 5xx retryable', () => {
    // Prepare
    const error = awsError('SomethingNew', 503);

    // Act
    const translated = translateDynamoError(error, 'writing');

    // Assess
    expect(translated).toBeInstanceOf(RetryableError);
  });

  it('makes a dropped connection retryable', () => {
    // Prepare
    const error = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

    // Act
    const translated = translateDynamoError(error, 'writing');

    // Assess
    expect(translated).toBeInstanceOf(RetryableError);
  });

  it.each(['ResourceNotFoundException', 'ValidationException', 'AccessDeniedException'])(
    'makes %s permanent',
    (name) => {
      // Prepare
      const error = awsError(name);

      // Act
      const translated = translateDynamoError(error, 'writing');

      // Assess
      expect(translated).toBeInstanceOf(PermanentError);
    },
  );

  it('retries a transaction cancelled by a conflict, not one cancelled by a validation error', () => {
    // Prepare
    const conflict = new TransactionCanceledException({
      message: 'cancelled',
      $metadata: {},
      CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }],
    });
    const invalid = new TransactionCanceledException({
      message: 'cancelled',
      $metadata: {},
      CancellationReasons: [{ Code: 'ValidationError' }, { Code: 'None' }],
    });

    // Act
    const translated = [translateDynamoError(conflict, 'tx'), translateDynamoError(invalid, 'tx')];

    // Assess
    expect(translated.map((error) => error.retryable)).toEqual([true, false]);
  });

  it('passes an already translated error through', () => {
    // Prepare
    const error = new RetryableError('already ours');

    // Act
    const translated = translateDynamoError(error, 'writing');

    // Assess
    expect(translated).toBe(error);
  });
});

describe('items returned with a failed condition', () => {
  it('unmarshalls the item of a failed single-item write', () => {
    // Prepare
    const error = new ConditionalCheckFailedException({
      message: 'The conditional request failed',
      $metadata: {},
      Item: { status: { S: 'SUBMITTED' }, submission: { N: '2' } },
    });

    // Act
    const item = conditionFailedItem(error);

    // Assess
    expect(isConditionalCheckFailed(error)).toBe(true);
    expect(item).toEqual({ status: 'SUBMITTED', submission: 2 });
  });

  it('gives undefined when there was no item', () => {
    // Prepare
    const error = new ConditionalCheckFailedException({ message: 'failed', $metadata: {} });

    // Act
    const item = conditionFailedItem(error);

    // Assess
    expect(item).toBeUndefined();
  });

  it('lists the per-item outcomes of a cancelled transaction with their items', () => {
    // Prepare
    const error = new TransactionCanceledException({
      message: 'cancelled',
      $metadata: {},
      CancellationReasons: [
        { Code: 'ConditionalCheckFailed', Item: { status: { S: 'FAILED' } } },
        { Code: 'None' },
      ],
    });

    // Act
    const reasons = cancellationReasons(error);

    // Assess
    expect(reasons).toEqual([
      { code: 'ConditionalCheckFailed', item: { status: 'FAILED' } },
      { code: 'None', item: undefined },
    ]);
  });
});
