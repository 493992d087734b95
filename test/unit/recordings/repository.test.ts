import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { PermanentError, RetryableError } from '../../../shared/errors.ts';
import {
  RecordingNotFoundError,
  RecordingRequestError,
  StaleWriteError,
  TransitionConflictError,
} from '../../../shared/recordings/errors.ts';
import { toRecordingItem } from '../../../shared/recordings/recording-item.ts';
import { RecordingRepository, refusalFor } from '../../../shared/recordings/repository.ts';
import { aRecording } from './recording-fixtures.ts';

const documentClient = mockClient(DynamoDBDocumentClient);
const clock = { now: () => 10_000 };
const repository = new RecordingRepository(new DynamoDBClient({ region: 'us-east-1' }), {
  tableName: 'state',
  clock,
});
const submitted = aRecording({
  status: 'SUBMITTED',
  interactionId: 'IX-1',
  poll: { pollSeq: 4, attempts: 1, nextPollDueAt: 12_000, deadlineAt: 90_000 },
});

function throttled(): Error {
  return Object.assign(new Error('Rate exceeded'), {
    name: 'ProvisionedThroughputExceededException',
    $metadata: { httpStatusCode: 400 },
  });
}

function cancelled(
  reasons: { Code: string; Item?: Record<string, unknown> }[],
): TransactionCanceledException {
  return new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: reasons.map((reason) => ({
      Code: reason.Code,
      ...(reason.Item === undefined ? {} : { Item: marshall(reason.Item, { removeUndefinedValues: true }) }),
    })),
  });
}

/** An expression with its placeholders replaced by names and JSON values, for assertions. */
function readable(
  expression: string | undefined,
  names: Record<string, string> = {},
  values: Record<string, unknown> = {},
): string {
  return (expression ?? '').replace(/[#:][a-z]\d+/g, (placeholder) =>
    placeholder.startsWith('#') ? (names[placeholder] ?? placeholder) : JSON.stringify(values[placeholder]),
  );
}

afterEach(() => {
  documentClient.reset();
});

describe('refusalFor', () => {
  const expected = { status: 'SUBMITTED', submission: 2, pollSeq: 5 } as const;

  it('reports a missing recording', () => {
    // Prepare
    const found = undefined;

    // Act
    const refusal = refusalFor('rec-1', expected, found);

    // Assess
    expect(refusal).toBeInstanceOf(RecordingNotFoundError);
  });

  it('reports a write from an older submission as stale', () => {
    // Prepare
    const found = aRecording({ status: 'SUBMITTED', submission: 3, poll: { pollSeq: 1, attempts: 0 } });

    // Act
    const refusal = refusalFor('rec-1', expected, found);

    // Assess
    expect(refusal).toBeInstanceOf(StaleWriteError);
    expect(refusal).toMatchObject({ staleBy: 'submission', current: found });
    expect(refusal.message).toContain('written for submission 2, the recording is at submission 3');
  });

  it('reports a write from an older poll as stale', () => {
    // Prepare
    const found = aRecording({ status: 'SUBMITTED', submission: 2, poll: { pollSeq: 6, attempts: 2 } });

    // Act
    const refusal = refusalFor('rec-1', expected, found);

    // Assess
    expect(refusal).toMatchObject({ staleBy: 'poll' });
    expect(refusal.message).toContain('written for poll 5, the recording is at poll 6');
  });

  it('reports another writer moving the recording first as a lost race', () => {
    // Prepare
    const found = aRecording({ status: 'EVALUATED', submission: 2, poll: { pollSeq: 6, attempts: 2 } });

    // Act
    const refusal = refusalFor('rec-1', expected, found);

    // Assess
    expect(refusal).toBeInstanceOf(TransitionConflictError);
    expect(refusal.message).toContain('expected SUBMITTED, found EVALUATED');
  });
});

describe('RecordingRepository against a failing DynamoDB', () => {
  it('makes a throttled claim retryable', async () => {
    // Prepare
    documentClient.on(PutCommand).rejects(throttled());

    // Act
    const claim = repository.claim({
      zoomAccountId: 'acct-1',
      profile: 'default',
      bucket: 'recordings',
      key: 'a.mp3',
      contentIdentity: { kind: 'etag', value: 'e' },
      size: 1,
      contentType: 'audio/mpeg',
      receivedAt: 1,
      reason: 'event',
    });

    // Assess
    await expect(claim).rejects.toBeInstanceOf(RetryableError);
  });

  it('refuses a new recording that is malformed, before writing anything', async () => {
    // Prepare
    const malformed = {
      zoomAccountId: 'acct-1',
      profile: 'default',
      bucket: 'recordings',
      key: 'a.mp3',
      contentIdentity: { kind: 'etag', value: 'e' },
      size: -1,
      contentType: 'audio/mpeg',
      receivedAt: 1,
      reason: 'event',
    } as const;

    // Act
    const [negativeSize, blankReason] = await Promise.allSettled([
      repository.claim(malformed),
      repository.claim({ ...malformed, size: 1, reason: ' ' }),
    ]);

    // Assess
    expect(negativeSize).toMatchObject({
      status: 'rejected',
      reason: { message: 'A new recording is invalid at: size' },
    });
    expect(blankReason).toMatchObject({ status: 'rejected', reason: expect.any(RecordingRequestError) });
    expect(documentClient.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('makes a throttled read retryable', async () => {
    // Prepare
    documentClient.on(GetCommand).rejects(throttled());

    // Act
    const read = repository.get('rec-1');

    // Assess
    await expect(read).rejects.toThrow(
      'DynamoDB reading recording rec-1 failed: ProvisionedThroughputExceededException',
    );
  });

  it('writes a terminal transition and its outbox entry in one transaction', async () => {
    // Prepare
    documentClient.on(TransactWriteCommand).resolves({});

    // Act
    const written = await repository.transition(submitted, {
      to: 'EVALUATED',
      reason: 'done',
      notification: { details: { score: 90 } },
    });

    // Assess
    const [call] = documentClient.commandCalls(TransactWriteCommand);
    const items = call?.args[0].input.TransactItems ?? [];
    expect(items).toHaveLength(2);
    const update = items[0]?.Update;
    expect(
      readable(
        update?.ConditionExpression,
        update?.ExpressionAttributeNames,
        update?.ExpressionAttributeValues,
      ),
    ).toBe('status = "SUBMITTED" AND submission = 1 AND poll.pollSeq = 4');
    expect(items[1]?.Put).toMatchObject({
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: {
        sk: 'NOTIFICATION#rec-0001-1',
        status: 'EVALUATED',
        gsi5pk: expect.stringMatching(/^OUTBOX#\d$/),
      },
    });
    expect(written.status).toBe('EVALUATED');
  });

  it('makes a transaction cancelled by a conflict retryable', async () => {
    // Prepare
    documentClient
      .on(TransactWriteCommand)
      .rejects(cancelled([{ Code: 'TransactionConflict' }, { Code: 'None' }]));

    // Act
    const write = repository.transition(submitted, {
      to: 'FAILED',
      reason: 'x',
      notification: { details: {} },
    });

    // Assess
    await expect(write).rejects.toBeInstanceOf(RetryableError);
  });

  it('explains the refusal of a transaction whose recording moved', async () => {
    // Prepare
    const moved = { ...submitted, status: 'TIMED_OUT' as const, poll: { ...submitted.poll, pollSeq: 5 } };
    documentClient
      .on(TransactWriteCommand)
      .rejects(
        cancelled([{ Code: 'ConditionalCheckFailed', Item: toRecordingItem(moved) }, { Code: 'None' }]),
      );

    // Act
    const write = repository.transition(submitted, {
      to: 'EVALUATED',
      reason: 'x',
      notification: { details: {} },
    });

    // Assess
    await expect(write).rejects.toBeInstanceOf(TransitionConflictError);
  });

  it('refuses a terminal transition whose notification already exists', async () => {
    // Prepare
    documentClient
      .on(TransactWriteCommand)
      .rejects(cancelled([{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }]));

    // Act
    const write = repository.transition(submitted, {
      to: 'EVALUATED',
      reason: 'x',
      notification: { details: {} },
    });

    // Assess
    await expect(write).rejects.toBeInstanceOf(PermanentError);
    await expect(write).rejects.toThrow('its notification rec-0001-1 already exists');
  });

  it('makes a throttled non-terminal transition retryable', async () => {
    // Prepare
    documentClient.on(UpdateCommand).rejects(throttled());

    // Act
    const write = repository.transition(aRecording(), { to: 'SUBMITTING', reason: 'go' });

    // Assess
    await expect(write).rejects.toBeInstanceOf(RetryableError);
  });
});
