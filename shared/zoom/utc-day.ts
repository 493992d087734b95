const DAY_MS = 86_400_000;

/** The UTC day `epochMs` falls in, as a day number: Zoom's daily limits reset at 00:00 UTC. */
export function utcDayNumber(epochMs: number): number {
  return Math.floor(epochMs / DAY_MS);
}

/** Milliseconds from `epochMs` to the next 00:00 UTC, when Zoom's daily limits reset. */
export function msUntilNextUtcMidnight(epochMs: number): number {
  return (utcDayNumber(epochMs) + 1) * DAY_MS - epochMs;
}
