/**
 * Exponential backoff, the one formula every retry and poll delay uses: a ceiling that grows by a
 * factor from a base after each attempt up to a cap, and the jitter that spreads the callers who
 * failed together. Each caller keeps its own rounding and lower bound.
 */

export interface ExponentialBackoff {
  /** The ceiling after the first attempt. */
  readonly baseMs: number;
  readonly factor: number;
  readonly capMs: number;
}

/**
 * How much of the ceiling is random: `equal` waits half of it plus a random share of the other
 * half, `full` a random share of all of it, `none` all of it.
 */
export type Jitter = 'equal' | 'full' | 'none';

/** The delay's ceiling after `attempt` (>= 1) attempts: `baseMs * factor^(attempt - 1)`, at most `capMs`. */
export function backoffCeilingMs(attempt: number, backoff: ExponentialBackoff): number {
  const exponent = Math.max(0, attempt - 1);
  // Past the cap the power only grows: stop computing it before it overflows.
  return Math.min(backoff.capMs, backoff.baseMs * backoff.factor ** Math.min(exponent, 64));
}

/** `ceilingMs` jittered as `jitter` says, with one draw of `random` (in [0, 1]) whatever the jitter; not rounded. */
export function jitteredMs(ceilingMs: number, jitter: Jitter, random: () => number): number {
  const share = random();
  switch (jitter) {
    case 'equal':
      return ceilingMs / 2 + (share * ceilingMs) / 2;
    case 'full':
      return share * ceilingMs;
    case 'none':
      return ceilingMs;
  }
}
