import { formatZoomTimestamp } from '../../zoom/requests.ts';

/**
 * A call's start time as Zoom wants it (`yyyy-MM-dd'T'HH:mm:ss'Z'`), from what a recording system
 * wrote: an instant with its zone (`Z`, `+01:00`, `-0500`), or a local time read in a time zone
 * (the recording's own `time_zone`, else the environment's `sourceTimeZone`). A local time the
 * clocks skip (spring forward) or pass twice (fall back) is refused, never guessed: an hour's
 * error would file the call against the wrong shift. The object's LastModified is never used in
 * its place.
 */

export type StartTimeResult =
  | { readonly ok: true; readonly zoomTimestamp: string; readonly epochMs: number }
  | { readonly ok: false; readonly problem: string };

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const MAX_OFFSET_MINUTES = 14 * 60;

/** `2026-11-24T10:15:00`, `2026-11-24 10:15`, `20261124T101500Z`, `2026-11-24T10:15:00.250+01:00`... */
const DATE_TIME =
  /^(\d{4})-?(\d{2})-?(\d{2})[T ](\d{2}):?(\d{2})(?::?(\d{2})(?:[.,]\d{1,9})?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

interface WallTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

/**
 * Reads `text` as a start time. `timeZone` applies when the text has no zone; `now` and
 * `maxAheadMs` refuse a start in the future (a clock or a field mix-up, never a real call).
 */
export function resolveStartTime(
  text: string,
  timeZone: string,
  now: number,
  maxAheadMs: number,
): StartTimeResult {
  const match = DATE_TIME.exec(text.trim());
  if (match === null) {
    return {
      ok: false,
      problem:
        'is not a date and time such as 2026-11-24T10:15:00Z, 2026-11-24T10:15:00+01:00 or 2026-11-24T10:15:00',
    };
  }
  const [, year, month, day, hour, minute, second = '00', zone] = match;
  const wall: WallTime = {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: Number(hour),
    minute: Number(minute),
    second: Number(second),
  };
  const wallMs = wallTimeAsUtc(wall);
  if (wallMs === undefined) {
    return { ok: false, problem: 'is not a real calendar date and time' };
  }
  const instant = zone === undefined ? localToInstant(wall, wallMs, timeZone) : withOffset(wallMs, zone);
  if (!instant.ok) {
    return instant;
  }
  if (instant.epochMs > now + maxAheadMs) {
    return { ok: false, problem: 'lies in the future' };
  }
  return {
    ok: true,
    epochMs: instant.epochMs,
    zoomTimestamp: formatZoomTimestamp(new Date(instant.epochMs)),
  };
}

type Instant =
  | { readonly ok: true; readonly epochMs: number }
  | { readonly ok: false; readonly problem: string };

/** The wall time as if it were UTC, or undefined for 30 February, 24:00 and the like. */
function wallTimeAsUtc(wall: WallTime): number | undefined {
  const ms = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  const back = new Date(ms);
  const exact =
    back.getUTCFullYear() === wall.year &&
    back.getUTCMonth() === wall.month - 1 &&
    back.getUTCDate() === wall.day &&
    back.getUTCHours() === wall.hour &&
    back.getUTCMinutes() === wall.minute &&
    back.getUTCSeconds() === wall.second;
  return exact ? ms : undefined;
}

function withOffset(wallMs: number, zone: string): Instant {
  if (zone.toUpperCase() === 'Z') {
    return { ok: true, epochMs: wallMs };
  }
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0');
  if (minutes > MAX_OFFSET_MINUTES || Number(digits.slice(2, 4) || '0') > 59) {
    return { ok: false, problem: `has an impossible UTC offset ${zone}` };
  }
  return { ok: true, epochMs: wallMs - sign * minutes * 60_000 };
}

/**
 * The instant at which clocks in `timeZone` show `wall`. Offsets are read a day either side, so
 * any one transition near the time is seen: no candidate means the clocks skip it, two mean
 * they show it twice.
 */
function localToInstant(wall: WallTime, wallMs: number, timeZone: string): Instant {
  const offsets = new Set([
    offsetAt(wallMs - DAY_MS, timeZone),
    offsetAt(wallMs, timeZone),
    offsetAt(wallMs + DAY_MS, timeZone),
  ]);
  const candidates = [...offsets]
    .map((offset) => wallMs - offset)
    .filter((instant) => instant + offsetAt(instant, timeZone) === wallMs);
  const unique = [...new Set(candidates)].sort((a, b) => a - b);
  const local = describeWall(wall);
  const [first, second] = unique;
  if (first === undefined) {
    return {
      ok: false,
      problem: `${local} does not exist in ${timeZone} (the clocks skip it): give the time with its UTC offset`,
    };
  }
  if (second !== undefined) {
    const choices = unique.map((instant) => `${local}${formatOffset(wallMs - instant)}`).join(' or ');
    return {
      ok: false,
      problem: `${local} happens twice in ${timeZone} (the clocks go back): give its UTC offset, e.g. ${choices}`,
    };
  }
  return { ok: true, epochMs: first };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Milliseconds to add to UTC to get the wall time of `timeZone` at `instant`. */
function offsetAt(instant: number, timeZone: string): number {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  const parts = Object.fromEntries(
    formatter.formatToParts(new Date(instant)).map((part) => [part.type, Number(part.value)]),
  );
  const shown = Date.UTC(
    parts['year'] ?? 0,
    (parts['month'] ?? 1) - 1,
    parts['day'] ?? 1,
    parts['hour'] ?? 0,
    parts['minute'] ?? 0,
    parts['second'] ?? 0,
  );
  return shown - Math.floor(instant / 1000) * 1000;
}

function describeWall(wall: WallTime): string {
  const two = (value: number) => String(value).padStart(2, '0');
  return `${wall.year}-${two(wall.month)}-${two(wall.day)}T${two(wall.hour)}:${two(wall.minute)}:${two(wall.second)}`;
}

function formatOffset(offsetMs: number): string {
  const minutes = Math.round(Math.abs(offsetMs) / 60_000);
  const sign = offsetMs < 0 ? '-' : '+';
  return `${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** Whether `name` is a time zone this runtime knows (IANA names, e.g. Europe/Paris). */
export function isKnownTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
