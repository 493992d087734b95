import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { LogAttributes } from '../logging.ts';
import type { InvocationMiddleware, LambdaObservability } from './lambda-observability.ts';
import { type ChildCapableLogger, redactingStructuredLogger } from './logger.ts';
import type { MetricDimensions, MetricsPort } from './metrics.ts';

/**
 * Logs and metrics backed by Powertools for AWS Lambda: structured JSON log lines (with the Lambda
 * context, and a correlation id per recording through child loggers) and CloudWatch Embedded
 * Metric Format lines, which CloudWatch turns into metrics without an API call. Every function
 * builds one of these once per container.
 */

export interface PowertoolsObservabilityOptions {
  /** The function's role in the pipeline (`ingest`, `poll`...): the `service` of every line and metric. */
  readonly serviceName: string;
  /** The environment's name, a default dimension of every metric. */
  readonly environment: string;
  /** The CloudWatch metrics namespace. */
  readonly namespace?: string | undefined;
  readonly logLevel?: LogLevel | undefined;
}

/** The namespace every qm-ingest function writes its metrics to. */
export const METRICS_NAMESPACE = 'QmIngest';

export function createPowertoolsObservability(options: PowertoolsObservabilityOptions): LambdaObservability {
  const powertoolsLogger = new PowertoolsLogger({
    serviceName: options.serviceName,
    persistentKeys: { environment: options.environment },
    ...(options.logLevel === undefined ? {} : { logLevel: options.logLevel }),
  });
  const metrics = new Metrics({
    namespace: options.namespace ?? METRICS_NAMESPACE,
    serviceName: options.serviceName,
    defaultDimensions: { environment: options.environment },
  });
  return {
    logger: redactingStructuredLogger(childCapable(powertoolsLogger)),
    metrics: new PowertoolsMetrics(metrics),
    middlewares: [
      injectLambdaContext(powertoolsLogger),
      // The cold start is counted on the first invocation of an on-demand execution environment only.
      flushOnlyBuffered(metrics, logMetrics(metrics, { captureColdStartMetric: true })),
    ],
  };
}

/**
 * Powertools' `logMetrics` publishes at the end of every invocation, and warns when nothing is
 * buffered (dimensioned points are already written): its flush runs here only when a point waits.
 */
function flushOnlyBuffered(metrics: Metrics, middleware: InvocationMiddleware): InvocationMiddleware {
  const flush =
    (step: InvocationMiddleware['after']): InvocationMiddleware['after'] =>
    (request) =>
      metrics.hasStoredMetrics() ? step?.(request) : undefined;
  return { before: middleware.before, after: flush(middleware.after), onError: flush(middleware.onError) };
}

/** Powertools' logger seen through the small interface the redacting wrapper needs. */
function childCapable(logger: PowertoolsLogger): ChildCapableLogger {
  return {
    debug: (message, ...extras) => logger.debug(message, ...extras),
    info: (message, ...extras) => logger.info(message, ...extras),
    warn: (message, ...extras) => logger.warn(message, ...extras),
    error: (message, ...extras) => logger.error(message, ...extras),
    createChild: (keys: LogAttributes) => childCapable(logger.createChild({ persistentKeys: keys })),
  };
}

/**
 * Counts (unit Count) and durations (unit Milliseconds) as EMF. A data point without dimensions
 * is buffered and flushed at the end of the invocation (one line for all of them); one with
 * dimensions is written at once as its own line, so points split by different dimensions never
 * share a dimension set.
 */
export class PowertoolsMetrics implements MetricsPort {
  readonly #metrics: Metrics;

  constructor(metrics: Metrics) {
    this.#metrics = metrics;
  }

  count(name: string, value = 1, dimensions: MetricDimensions = {}): void {
    this.#add(name, MetricUnit.Count, value, dimensions);
  }

  duration(name: string, milliseconds: number, dimensions: MetricDimensions = {}): void {
    this.#add(name, MetricUnit.Milliseconds, milliseconds, dimensions);
  }

  #add(
    name: string,
    unit: typeof MetricUnit.Count | typeof MetricUnit.Milliseconds,
    value: number,
    dimensions: MetricDimensions,
  ): void {
    if (Object.keys(dimensions).length === 0) {
      this.#metrics.addMetric(name, unit, value);
      return;
    }
    const single = this.#metrics.singleMetric();
    single.addDimensions({ ...dimensions });
    single.addMetric(name, unit, value);
  }
}
