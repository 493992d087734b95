import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import type { LambdaObservability } from './lambda-observability.ts';

/**
 * The middy middleware every handler uses: attaches the Lambda context to log lines before the
 * handler runs, and flushes buffered metrics after it, whether it returned or threw. It takes a
 * getter, so a handler whose container is built lazily (at the first invocation, not at import)
 * can still be wrapped when the module loads.
 */
export function observabilityMiddleware<TEvent, TResult>(
  observability: () => LambdaObservability,
): MiddlewareObj<TEvent, TResult, Error, Context> {
  return {
    before: (request) => {
      observability().startInvocation(request.context);
    },
    after: () => {
      observability().endInvocation();
    },
    onError: () => {
      observability().endInvocation();
    },
  };
}
