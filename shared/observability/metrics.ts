/**
 * The metrics port the core writes to: counts with optional dimensions, nothing more. The
 * Powertools implementation (powertools.ts) turns them into CloudWatch EMF lines in Lambda;
 * tests and the local runtime use {@link InMemoryMetrics}. The core never depends on Powertools.
 */

/** Dimension name -> value, e.g. `{ reason: 'too-large' }`. Values must not hold personal data. */
export type MetricDimensions = Readonly<Record<string, string>>;

export interface MetricsPort {
  /** Adds `value` (default 1) to the count `name`, split by `dimensions` when given. */
  count(name: string, value?: number, dimensions?: MetricDimensions): void;
}

/** Drops everything: for code paths whose metrics nobody reads. */
export const noMetrics: MetricsPort = { count: () => {} };

/** One recorded data point. */
export interface MetricPoint {
  readonly name: string;
  readonly value: number;
  readonly dimensions: MetricDimensions;
}

/** Keeps every data point in memory, for tests and for the local runtime's summaries. */
export class InMemoryMetrics implements MetricsPort {
  readonly points: MetricPoint[] = [];

  count(name: string, value = 1, dimensions: MetricDimensions = {}): void {
    this.points.push({ name, value, dimensions });
  }

  /** The sum of `name`, over the points whose dimensions include all of `dimensions`. */
  total(name: string, dimensions: MetricDimensions = {}): number {
    return this.points
      .filter(
        (point) =>
          point.name === name &&
          Object.entries(dimensions).every(([dimension, value]) => point.dimensions[dimension] === value),
      )
      .reduce((sum, point) => sum + point.value, 0);
  }
}
