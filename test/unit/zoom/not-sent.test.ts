import { describe, expect, it } from 'vitest';
import { PermanentError, RetryableError } from '../../../shared/errors.ts';
import { ZoomNotSentError, ZoomRateLimitedError } from '../../../shared/zoom/errors.ts';
import type { RateLimiter } from '../../../shared/zoom/ports.ts';
import { json } from '../../helpers/fake-fetch.ts';
import { Harness, rejectionOf } from './support/harness.ts';

const REQUEST = {
  download_url: 'https://recordings.example.test/call.mp3?X-Amz-Signature=abc',
  interaction_info: { channel_type: 'voice' as const, agent_email: 'agent@example.com' },
};

function failingLimiter(error: Error): RateLimiter {
  return {
    tryTake: async () => {
      throw error;
    },
  };
}

describe('a failure before the request is sent', () => {
  it('in the shared rate limiter (DynamoDB) is a retryable ZoomNotSentError, and nothing reaches Zoom', async () => {
    // Prepare
    const harness = new Harness({
      rateLimiter: failingLimiter(new RetryableError('DynamoDB throttled the limiter')),
    });
    harness.http.route('POST', '/v2/qm/interactions', json(201, { interaction_id: 'never' }));

    // Act
    const error = await rejectionOf(harness.client.createInteraction(REQUEST, { idempotencyKey: 'k-1' }));

    // Assess
    expect(error).toBeInstanceOf(ZoomNotSentError);
    expect(error).toMatchObject({
      step: 'rate-limiter',
      retryable: true,
      failure: { operation: 'createInteraction' },
    });
    expect((error as Error).cause).toBeInstanceOf(RetryableError);
    expect(harness.apiRequests()).toHaveLength(0);
  });

  it('in the token store keeps the cause permanent when it is, and sends nothing', async () => {
    // Prepare
    const harness = new Harness();
    harness.tokenStore.getToken = async () => {
      throw new PermanentError('AccessDeniedException on the token table');
    };

    // Act
    const error = await rejectionOf(harness.client.createInteraction(REQUEST, { idempotencyKey: 'k-2' }));

    // Assess
    expect(error).toMatchObject({ name: 'ZoomNotSentError', step: 'token-store', retryable: false });
    expect(harness.http.requests).toHaveLength(0);
  });

  it("passes the local limiter's own refusal through as a rate limit, not as a failure", async () => {
    // Prepare
    const refusal = new ZoomRateLimitedError(
      { operation: 'createInteraction' },
      { retryAfterMs: 500, kind: 'qps', label: 'HEAVY', source: 'local-limiter' },
    );
    const harness = new Harness({ rateLimiter: failingLimiter(refusal) });

    // Act
    const error = await rejectionOf(harness.client.createInteraction(REQUEST, { idempotencyKey: 'k-3' }));

    // Assess
    expect(error).toBe(refusal);
  });
});
