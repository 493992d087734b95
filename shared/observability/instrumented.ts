import { type Logger, silentLogger } from '../logging.ts';
import { type MetricsPort, noMetrics } from './metrics.ts';

/** What a core service may be given to report through; one given neither stays silent and uncounted. */
export interface Instrumented {
  readonly logger?: Logger | undefined;
  readonly metrics?: MetricsPort | undefined;
}

/**
 * A core service built from its dependencies, logging and counting through the ones they name:
 * the handlers give Powertools' logger and metrics, unit tests usually give neither.
 */
export abstract class InstrumentedService<Dependencies extends Instrumented> {
  protected readonly deps: Dependencies;
  protected readonly logger: Logger;
  protected readonly metrics: MetricsPort;

  constructor(dependencies: Dependencies) {
    this.deps = dependencies;
    this.logger = dependencies.logger ?? silentLogger;
    this.metrics = dependencies.metrics ?? noMetrics;
  }
}
