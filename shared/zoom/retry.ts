import { backoffCeilingMs, jitteredMs } from '../backoff.ts';

/** Waits `ms` milliseconds; injected so tests advance a fake clock instead of sleeping. */
export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Longest backoff between two retries of one request: retries are for blips, queues handle the rest. */
const MAX_BACKOFF_MS = 5_000;

/**
 * The wait before retry number `retry` (1-based): exponential from `baseDelayMs`, capped, with
 * full jitter so containers that failed together do not retry together.
 */
export function backoffDelayMs(retry: number, baseDelayMs: number, random: () => number): number {
  const ceiling = backoffCeilingMs(retry, { baseMs: baseDelayMs, factor: 2, capMs: MAX_BACKOFF_MS });
  return Math.floor(jitteredMs(ceiling, 'full', random));
}
