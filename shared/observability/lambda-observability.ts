import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import type { StructuredLogger } from './logger.ts';
import type { MetricsPort } from './metrics.ts';

/** A middy middleware that brackets an invocation, whatever the handler's event and result. */
export type InvocationMiddleware = MiddlewareObj<unknown, unknown, Error, Context>;

/**
 * What a Lambda handler needs for logs and metrics, whatever backs them: a logger and a metrics
 * port for the core, and the middy middlewares that bracket each invocation (attach the Lambda
 * context to log lines; flush buffered metrics), run in order before the handler and in reverse
 * after it. Powertools backs it in Lambda (powertools.ts: its own middy middlewares); tests pass
 * an in-memory one.
 */
export interface LambdaObservability {
  readonly logger: StructuredLogger;
  readonly metrics: MetricsPort;
  readonly middlewares: readonly InvocationMiddleware[];
}
