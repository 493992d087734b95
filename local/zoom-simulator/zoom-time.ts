/** Zoom's time format, `yyyy-MM-dd'T'HH:mm:ss'Z'`: UTC, whole seconds. */

const zoomTimePattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** Formats epoch milliseconds the way Zoom writes times (the milliseconds dropped). */
export function zoomTime(epochMs: number): string {
  return new Date(wholeSecond(epochMs)).toISOString().replace('.000Z', 'Z');
}

/** Parses a Zoom time strictly: the exact pattern, and a real calendar instant (no 30 February). */
export function parseZoomTime(text: string): number | undefined {
  if (!zoomTimePattern.test(text)) return undefined;
  const epochMs = Date.parse(text);
  if (Number.isNaN(epochMs) || zoomTime(epochMs) !== text) return undefined;
  return epochMs;
}

/** Zoom's times have whole seconds; what is compared with them must too. */
export function wholeSecond(epochMs: number): number {
  return Math.floor(epochMs / 1000) * 1000;
}
