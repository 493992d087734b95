import { afterEach, describe, expect, it, vi } from 'vitest';
import { functionArn, invokeHandler } from '../../../local/triggers/index.ts';
import { ConfigError } from '../../../shared/errors.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('invokeHandler', () => {
  it('returns what the handler resolves, with the context counting down to the timeout', async () => {
    // Prepare
    vi.useFakeTimers();
    const remaining: number[] = [];
    // Act
    const invocation = invokeHandler(
      async (event: { n: number }, context) => {
        remaining.push(context.getRemainingTimeInMillis());
        await new Promise((resolve) => setTimeout(resolve, 400));
        remaining.push(context.getRemainingTimeInMillis());
        return event.n * 2;
      },
      { n: 21 },
      { functionName: 'double', timeoutMs: 1_000 },
    );
    await vi.advanceTimersByTimeAsync(400);
    const result = await invocation;
    // Assess
    expect(result).toMatchObject({ ok: true, value: 42, requestId: expect.any(String) });
    expect(remaining).toEqual([1_000, 600]);
  });

  it('fails an invocation that outlives the function timeout, as Lambda does', async () => {
    // Prepare
    vi.useFakeTimers();
    // Act
    const invocation = invokeHandler(
      () => new Promise<never>(() => {}),
      {},
      { functionName: 'stuck', timeoutMs: 3_000 },
    );
    await vi.advanceTimersByTimeAsync(3_000);
    const result = await invocation;
    // Assess
    expect(result).toMatchObject({ ok: false, timedOut: true });
    expect(String(result.ok ? '' : result.error)).toContain('Task timed out after 3000 ms');
  });

  it('reports a thrown or rejected error without rejecting', async () => {
    // Prepare
    const failure = new Error('bad input');
    // Act
    const thrown = await invokeHandler(
      () => {
        throw failure;
      },
      {},
      { functionName: 'thrower' },
    );
    const rejected = await invokeHandler(() => Promise.reject(failure), {}, { functionName: 'rejecter' });
    // Assess
    expect(thrown).toMatchObject({ ok: false, timedOut: false, error: failure });
    expect(rejected).toMatchObject({ ok: false, timedOut: false, error: failure });
  });

  it('ends the invocation through the legacy context.succeed and context.fail', async () => {
    // Prepare
    const never = new Promise<never>(() => {});
    // Act
    const succeeded = await invokeHandler(
      (_event, context) => {
        context.succeed({ done: true });
        return never;
      },
      {},
      { functionName: 'legacy' },
    );
    const failed = await invokeHandler(
      (_event, context) => {
        context.fail('legacy failure');
        return never;
      },
      {},
      { functionName: 'legacy' },
    );
    // Assess
    expect(succeeded).toMatchObject({ ok: true, value: { done: true } });
    expect(failed).toMatchObject({ ok: false, error: new Error('legacy failure') });
  });

  it('describes the function as Lambda does and refuses timeouts Lambda would', async () => {
    // Prepare
    const settings = { functionName: 'ingest', region: 'eu-west-1', accountId: '111122223333' };
    // Act
    const arn = functionArn(settings);
    const tooLong = invokeHandler(async () => 1, {}, { functionName: 'x', timeoutMs: 900_001 });
    // Assess
    expect(arn).toBe('arn:aws:lambda:eu-west-1:111122223333:function:ingest');
    await expect(tooLong).rejects.toBeInstanceOf(ConfigError);
  });
});
