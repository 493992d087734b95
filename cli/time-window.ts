import { ConfigError } from '../shared/errors.ts';
import { MAX_STATUS_QUERY_DAYS } from '../shared/table/keys.ts';

/**
 * `--since` (and the report's `--until`): how far back a listing looks, as a duration (`90s`,
 * `30m`, `24h`, `7d`) or an instant (`2026-11-24`, `2026-11-24T09:00:00Z`). Returns that instant
 * (epoch ms).
 */

const DAY_MS = 86_400_000;
const UNIT_MS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: DAY_MS };
const DURATION = /^(\d+(?:\.\d+)?)([smhd])$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

export function parseSince(value: string, now: number, option = '--since'): number {
  const from = parseInstant(option, value, now);
  if (from > now) {
    throw new ConfigError(`${option} ${value} is in the future`);
  }
  // The by-status index is read one UTC day at a time: the window is bounded.
  if (now - from > MAX_STATUS_QUERY_DAYS * DAY_MS) {
    throw new ConfigError(`${option} reaches back at most ${MAX_STATUS_QUERY_DAYS} days`);
  }
  return from;
}

/** An instant given as a duration back from `now` (`7d`) or a date/time, for the option `option`. */
export function parseInstant(option: string, value: string, now: number): number {
  const duration = DURATION.exec(value.trim());
  let at: number;
  if (duration !== null) {
    at = now - Number(duration[1]) * (UNIT_MS[duration[2] ?? ''] ?? Number.NaN);
  } else if (ISO_INSTANT.test(value.trim())) {
    at = Date.parse(value.trim());
  } else {
    at = Number.NaN;
  }
  if (Number.isNaN(at)) {
    throw new ConfigError(
      `${option} takes a duration such as 90s, 30m, 24h or 7d, or a date such as 2026-11-24 or 2026-11-24T09:00:00Z; not "${value}"`,
    );
  }
  return at;
}
