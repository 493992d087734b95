/**
 * Order statistics shared by the benchmarks and the results report. Nearest rank: every figure
 * is one of the samples, so a report's p50 is a score someone actually got.
 */

/**
 * The value below which `fraction` of the samples fall (nearest rank). Throws on an empty series:
 * a figure must never be printed for nothing measured.
 */
export function percentile(samples: readonly number[], fraction: number): number {
  if (samples.length === 0) {
    throw new RangeError('percentile of no samples');
  }
  const sorted = [...samples].sort((left, right) => left - right);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export function mean(samples: readonly number[]): number {
  if (samples.length === 0) {
    throw new RangeError('mean of no samples');
  }
  return samples.reduce((sum, sample) => sum + sample, 0) / samples.length;
}
