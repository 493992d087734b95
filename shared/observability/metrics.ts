/**
 * The metrics port the core writes to: counts and durations, with optional dimensions. The
 * Powertools implementation (powertools.ts) turns them into CloudWatch EMF lines in Lambda (a
 * count in unit Count, a duration in unit Milliseconds, so CloudWatch gives its percentiles);
 * tests and the local runtime use {@link InMemoryMetrics}. The core never depends on Powertools.
 */

/** Dimension name -> value, e.g. `{ reason: 'too-large' }`. Values must not hold personal data. */
export type MetricDimensions = Readonly<Record<string, string>>;

export interface MetricsPort {
  /** Adds `value` (default 1) to the count `name`, split by `dimensions` when given. */
  count(name: string, value?: number, dimensions?: MetricDimensions): void;
  /** Records one duration of `name`, in milliseconds (e.g. `DropToResultMs`), split by `dimensions` when given. */
  duration(name: string, milliseconds: number, dimensions?: MetricDimensions): void;
}

/** Drops everything: for code paths whose metrics nobody reads. */
export const noMetrics: MetricsPort = { count: () => {}, duration: () => {} };

/** The unit a data point is recorded in. */
export type MetricUnitName = 'Count' | 'Milliseconds';

/** One recorded data point. */
export interface MetricPoint {
  readonly name: string;
  readonly unit: MetricUnitName;
  readonly value: number;
  readonly dimensions: MetricDimensions;
}

/** Keeps every data point in memory, for tests and for the local runtime's summaries. */
export class InMemoryMetrics implements MetricsPort {
  readonly points: MetricPoint[] = [];

  count(name: string, value = 1, dimensions: MetricDimensions = {}): void {
    this.points.push({ name, unit: 'Count', value, dimensions });
  }

  duration(name: string, milliseconds: number, dimensions: MetricDimensions = {}): void {
    this.points.push({ name, unit: 'Milliseconds', value: milliseconds, dimensions });
  }

  /** The sum of the count `name`, over the points whose dimensions include all of `dimensions`. */
  total(name: string, dimensions: MetricDimensions = {}): number {
    return this.#matching(name, 'Count', dimensions).reduce((sum, point) => sum + point.value, 0);
  }

  /** Every duration of `name` recorded, in milliseconds, over the points whose dimensions include all of `dimensions`. */
  durations(name: string, dimensions: MetricDimensions = {}): number[] {
    return this.#matching(name, 'Milliseconds', dimensions).map((point) => point.value);
  }

  #matching(name: string, unit: MetricUnitName, dimensions: MetricDimensions): MetricPoint[] {
    return this.points.filter(
      (point) =>
        point.name === name &&
        point.unit === unit &&
        Object.entries(dimensions).every(([dimension, value]) => point.dimensions[dimension] === value),
    );
  }
}
