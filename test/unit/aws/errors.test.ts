import { describe, expect, it } from 'vitest';
import { translateAwsError } from '../../../shared/aws/errors.ts';
import { PermanentError, RetryableError } from '../../../shared/errors.ts';

function sdkError(name: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${name} happened`), { name }, extra);
}

describe('translateAwsError', () => {
  it.each([
    ['a throttling name', sdkError('ThrottlingException')],
    ['an error the SDK marks retryable', sdkError('SomethingNew', { $retryable: { throttling: false } })],
    ['a server fault', sdkError('SomethingNew', { $fault: 'server' })],
    ['an HTTP 503', sdkError('SomethingNew', { $metadata: { httpStatusCode: 503 } })],
    ['a reset connection', sdkError('Error', { code: 'ECONNRESET' })],
  ])('makes %s retryable, keeping the cause', (_label, error) => {
    // Act
    const translated = translateAwsError(error, 'SQS', 'SendMessage');

    // Assess
    expect(translated).toBeInstanceOf(RetryableError);
    expect(translated.cause).toBe(error);
    expect(translated.message).toBe(`SQS SendMessage failed: ${error.name}`);
  });

  it.each([
    ['a missing resource', sdkError('NoSuchKey', { $fault: 'client', $metadata: { httpStatusCode: 404 } })],
    ['denied access', sdkError('AccessDenied', { $fault: 'client', $metadata: { httpStatusCode: 403 } })],
    ['something that is not an Error', 'boom'],
  ])('makes %s permanent', (_label, error) => {
    // Act
    const translated = translateAwsError(error, 'S3', 'HeadObject');

    // Assess
    expect(translated).toBeInstanceOf(PermanentError);
    expect(translated.cause).toBe(error);
  });

  it('lets a service add its own passing conditions', () => {
    // Prepare
    const conflict = sdkError('TransactionConflictException', { $fault: 'client' });

    // Act
    const generic = translateAwsError(conflict, 'DynamoDB', 'TransactWriteItems');
    const specific = translateAwsError(conflict, 'DynamoDB', 'TransactWriteItems', (error) =>
      error.name.startsWith('Transaction'),
    );

    // Assess
    expect(generic).toBeInstanceOf(PermanentError);
    expect(specific).toBeInstanceOf(RetryableError);
  });

  it('passes an already translated error through unchanged', () => {
    // Prepare
    const original = new RetryableError('already ours');

    // Act / Assess
    expect(translateAwsError(original, 'SNS', 'Publish')).toBe(original);
  });

  it('never puts the error message, which may quote request values, into its own', () => {
    // Prepare
    const error = sdkError('ValidationException', { $fault: 'client' });
    error.message = 'Value jane.doe@example.com at key is invalid';

    // Act
    const translated = translateAwsError(error, 'DynamoDB', 'PutItem');

    // Assess
    expect(translated.message).not.toContain('jane.doe');
  });
});
