import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { RetryableError } from '../../../shared/errors.ts';
import { DynamoPollObservations } from '../../../shared/polling/observations.ts';
import { CorruptItemError } from '../../../shared/recordings/recording.ts';

const documentClient = mockClient(DynamoDBDocumentClient);
const observations = new DynamoPollObservations(new DynamoDBClient({ region: 'us-east-1' }), {
  tableName: 'state',
});

describe('the poll observations', () => {
  it('are read consistently from the recording partition, one item per submission', async () => {
    // Prepare
    documentClient.reset();
    documentClient.on(GetCommand).resolves({ Item: { pk: 'REC#r-1', sk: 'POLL#2', analysisSeenAt: 5_000 } });

    // Act
    const seenAt = await observations.analysisSeenAt('r-1', 2);

    // Assess
    expect(seenAt).toBe(5_000);
    expect(documentClient.commandCalls(GetCommand)[0]?.args[0].input).toEqual({
      TableName: 'state',
      Key: { pk: 'REC#r-1', sk: 'POLL#2' },
      ConsistentRead: true,
    });
  });

  it('answer undefined before the analysis was seen', async () => {
    // Prepare
    documentClient.reset();
    documentClient.on(GetCommand).resolves({});

    // Act / Assess
    expect(await observations.analysisSeenAt('r-1', 1)).toBeUndefined();
  });

  it('record the first sighting once, with a TTL, and keep it', async () => {
    // Prepare
    documentClient.reset();
    documentClient.on(PutCommand).resolves({});

    // Act
    const seenAt = await observations.recordAnalysisSeen('r-1', 1, 7_000, 86_400_000);

    // Assess
    expect(seenAt).toBe(7_000);
    expect(documentClient.commandCalls(PutCommand)[0]?.args[0].input).toMatchObject({
      Item: { pk: 'REC#r-1', sk: 'POLL#1', analysisSeenAt: 7_000, expiresAt: 86_400 },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  });

  it('answer the earlier sighting when another poll recorded one first', async () => {
    // Prepare
    documentClient.reset();
    documentClient.on(PutCommand).rejects(
      new ConditionalCheckFailedException({
        message: 'The conditional request failed',
        $metadata: {},
        Item: marshall({ pk: 'REC#r-1', sk: 'POLL#1', analysisSeenAt: 6_000 }),
      }),
    );

    // Act / Assess
    expect(await observations.recordAnalysisSeen('r-1', 1, 7_000, 86_400_000)).toBe(6_000);
  });

  it('refuse an item that is not an observation, and translate throttling', async () => {
    // Prepare
    documentClient.reset();
    documentClient
      .on(GetCommand)
      .resolvesOnce({ Item: { pk: 'REC#r-1', sk: 'POLL#1', analysisSeenAt: 'yesterday' } })
      .rejectsOnce(Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' }));

    // Act / Assess
    await expect(observations.analysisSeenAt('r-1', 1)).rejects.toThrow(CorruptItemError);
    await expect(observations.analysisSeenAt('r-1', 1)).rejects.toThrow(RetryableError);
  });

  describe('the evaluation snapshot', () => {
    const snapshot = {
      location: { kind: 'item' as const, sk: 'RESULTS#s1-p3' },
      automated: [
        { id: 'auto-1', status: 'COMPLETED' },
        { id: 'auto-2', status: 'COMPLETED', reported: { score: 42, totalScore: 50 } },
        { id: 'auto-3', status: 'PROCESSING' },
      ],
    };

    it('is kept in one item per submission, replaced by the next, with a TTL', async () => {
      // Prepare
      documentClient.reset();
      documentClient.on(PutCommand).resolves({});

      // Act
      await observations.recordEvaluationSnapshot('r-1', 2, snapshot, 86_400_000);

      // Assess
      const input = documentClient.commandCalls(PutCommand)[0]?.args[0].input;
      expect(input).toMatchObject({
        TableName: 'state',
        Item: { pk: 'REC#r-1', sk: 'EVALUATIONS#2', ...snapshot, expiresAt: 86_400 },
      });
      expect(input?.ConditionExpression).toBeUndefined();
    });

    it('is read back consistently, undefined when none was kept or it was forgotten', async () => {
      // Prepare
      documentClient.reset();
      documentClient
        .on(GetCommand)
        .resolvesOnce({ Item: { pk: 'REC#r-1', sk: 'EVALUATIONS#2', ...snapshot } })
        .resolvesOnce({})
        .resolvesOnce({ Item: { pk: 'REC#r-1', sk: 'EVALUATIONS#2', expiresAt: 86_400 } });

      // Act
      const kept = await observations.evaluationSnapshot('r-1', 2);
      const none = await observations.evaluationSnapshot('r-1', 3);
      const forgotten = await observations.evaluationSnapshot('r-1', 2);

      // Assess
      expect(kept).toEqual(snapshot);
      expect(none).toBeUndefined();
      expect(forgotten).toBeUndefined();
      expect(documentClient.commandCalls(GetCommand)[0]?.args[0].input).toMatchObject({
        Key: { pk: 'REC#r-1', sk: 'EVALUATIONS#2' },
        ConsistentRead: true,
      });
    });

    it('is forgotten by emptying its item (no DeleteItem grant), nothing written when there is none', async () => {
      // Prepare
      documentClient.reset();
      documentClient
        .on(UpdateCommand)
        .resolvesOnce({})
        .rejectsOnce(
          new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
        );

      // Act
      await observations.forgetEvaluationSnapshot('r-1', 2);
      await observations.forgetEvaluationSnapshot('r-1', 3);

      // Assess
      expect(documentClient.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
        TableName: 'state',
        Key: { pk: 'REC#r-1', sk: 'EVALUATIONS#2' },
        UpdateExpression: 'REMOVE #location, automated',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#location': 'location' },
      });
      expect(documentClient.commandCalls(UpdateCommand)).toHaveLength(2);
    });

    it('refuses an item that is no snapshot', async () => {
      // Prepare
      documentClient.reset();
      documentClient.on(GetCommand).resolves({
        Item: { pk: 'REC#r-1', sk: 'EVALUATIONS#2', location: { kind: 'item' }, automated: 'x' },
      });

      // Act / Assess
      await expect(observations.evaluationSnapshot('r-1', 2)).rejects.toThrow(CorruptItemError);
    });
  });
});
