import type { Context } from 'aws-lambda';
import type { StructuredLogger } from './logger.ts';
import type { MetricsPort } from './metrics.ts';

/**
 * What a Lambda handler needs for logs and metrics, whatever backs them: a logger and a metrics
 * port for the core, and the two invocation hooks the handler's middleware calls (attach the
 * Lambda context to log lines; flush buffered metrics). Powertools backs it in Lambda
 * (powertools.ts); tests pass an in-memory one.
 */
export interface LambdaObservability {
  readonly logger: StructuredLogger;
  readonly metrics: MetricsPort;
  /** At the start of each invocation. */
  startInvocation(context: Context): void;
  /** At the end of each invocation, whether it succeeded or threw: flushes buffered metrics. */
  endInvocation(): void;
}
