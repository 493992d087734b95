import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { DynamoRateLimiter } from '../../../shared/zoom/dynamo-rate-limiter.ts';
import { ManualClock } from '../../helpers/shared-manual-clock.ts';

/**
 * The limiter's own view of a bucket when its concurrent takes answer out of order (the
 * DynamoDB Local test of the same rule is in test/integration/state/rate-limiter.test.ts; here
 * the order is forced, so the case cannot pass by luck).
 */

const documentClient = mockClient(DynamoDBDocumentClient);
const NOON = Date.UTC(2026, 11, 7, 12);
const DAY = Math.floor(NOON / 86_400_000);
// Two tokens a second: a full bucket grants two takes at once, then refuses for 500 ms.
const limits = { LIGHT: { perSecond: 2 }, MEDIUM: { perSecond: 2 }, HEAVY: { perSecond: 2 } } as const;

afterEach(() => {
  documentClient.reset();
});

describe('DynamoRateLimiter with answers out of order', () => {
  it('keeps the later view of the bucket, so the third take is refused without a request', async () => {
    // Prepare
    const limiter = new DynamoRateLimiter(new DynamoDBClient({ region: 'us-east-1' }), {
      tableName: 'qm-state',
      limits,
      clock: new ManualClock(NOON),
    });
    let answered = 0;
    documentClient.on(UpdateCommand).callsFake(async () => {
      answered += 1;
      // The first take's answer (the bucket after one take) arrives after the second's (after two).
      if (answered === 1) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        return { Attributes: { tat: NOON + 500, day: DAY, takenToday: 1 } };
      }
      return { Attributes: { tat: NOON + 1_000, day: DAY, takenToday: 2 } };
    });

    // Act
    const [first, second] = await Promise.all([
      limiter.tryTake('acct', 'LIGHT'),
      limiter.tryTake('acct', 'LIGHT'),
    ]);
    const third = await limiter.tryTake('acct', 'LIGHT');

    // Assess
    expect([first.granted, second.granted]).toEqual([true, true]);
    expect(third).toEqual({ granted: false, retryAfterMs: 500, kind: 'qps' });
    expect(documentClient.commandCalls(UpdateCommand)).toHaveLength(2);
  });
});
