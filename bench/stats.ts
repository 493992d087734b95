import { performance } from 'node:perf_hooks';
import { percentile } from '../shared/statistics.ts';

/** Latency figures of one series of timed calls, in milliseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly totalMs: number;
  readonly callsPerSecond: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 0.5);
}

export function summarize(durationsMs: readonly number[]): LatencySummary {
  const totalMs = durationsMs.reduce((sum, duration) => sum + duration, 0);
  return {
    count: durationsMs.length,
    totalMs,
    callsPerSecond: totalMs === 0 ? Number.POSITIVE_INFINITY : (durationsMs.length * 1_000) / totalMs,
    p50Ms: percentile(durationsMs, 0.5),
    p95Ms: percentile(durationsMs, 0.95),
  };
}

/** Runs `action` and answers how long it took, in milliseconds (monotonic clock). */
export async function timed(action: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await action();
  return performance.now() - start;
}
