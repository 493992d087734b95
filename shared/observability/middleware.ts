import type { MiddlewareObj, Request } from '@middy/core';
import type { Context } from 'aws-lambda';
import type { LambdaObservability } from './lambda-observability.ts';

/**
 * The middy middleware every handler uses: the observability's own middlewares (Powertools'
 * `injectLambdaContext` and `logMetrics` in Lambda), before the handler in order and after it
 * (returned or threw) in reverse, as middy runs a chain. It takes a getter, so a handler whose
 * container is built lazily (at the first invocation, not at import) can still be wrapped when
 * the module loads.
 */
export function observabilityMiddleware<TEvent, TResult>(
  observability: () => LambdaObservability,
): MiddlewareObj<TEvent, TResult, Error, Context> {
  const run = async (
    step: 'before' | 'after' | 'onError',
    request: Request<TEvent, TResult, Error, Context>,
  ): Promise<void> => {
    const middlewares = observability().middlewares;
    const ordered = step === 'before' ? middlewares : [...middlewares].reverse();
    for (const middleware of ordered) {
      await middleware[step]?.(request);
    }
  };
  return {
    before: (request) => run('before', request),
    after: (request) => run('after', request),
    onError: (request) => run('onError', request),
  };
}
