import type { LambdaObservability } from '../../shared/observability/lambda-observability.ts';
import { InMemoryMetrics } from '../../shared/observability/metrics.ts';
import { CapturingStructuredLogger } from './shared-logging.ts';

/** Logs and metrics kept in memory, as a handler's container takes them. */
export function inMemoryObservability(): LambdaObservability & {
  readonly logger: CapturingStructuredLogger;
  readonly metrics: InMemoryMetrics;
} {
  return {
    logger: new CapturingStructuredLogger(),
    metrics: new InMemoryMetrics(),
    middlewares: [],
  };
}
