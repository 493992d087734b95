import type { RateLimitKind, RateLimitLabel } from './ports.ts';
import { msUntilNextUtcMidnight } from './utc-day.ts';

/** What a 429 from Zoom says about the limit that refused it. */
export interface ZoomRateLimitAnswer {
  readonly kind: RateLimitKind;
  readonly retryAfterMs: number;
  /** From X-RateLimit-Category (Light | Medium | Heavy), when sent. */
  readonly label?: RateLimitLabel | undefined;
  readonly limit?: number | undefined;
  readonly remaining?: number | undefined;
}

/** The wait when a per-second refusal carries no Retry-After: the next second's budget. */
const DEFAULT_QPS_WAIT_MS = 1_000;

/**
 * Reads a 429: QPS or daily from `X-RateLimit-Type`, else from Zoom's message ("...maximum
 * per-second rate limit..." / "...exceeded the daily rate limit..."); the wait from `Retry-After`
 * as seconds or as a date (ISO 8601 like 2026-11-26T00:00:00Z, or an HTTP date); without one, a
 * daily limit waits until the next UTC midnight and a per-second limit about one second.
 */
export function readZoomRateLimit(
  headers: Headers,
  zoomMessage: string | undefined,
  now: number,
): ZoomRateLimitAnswer {
  const kind = rateLimitKind(headers.get('x-ratelimit-type'), zoomMessage);
  const retryAfterMs =
    parseRetryAfter(headers.get('retry-after'), now) ??
    (kind === 'daily' ? msUntilNextUtcMidnight(now) : DEFAULT_QPS_WAIT_MS);
  return {
    kind,
    retryAfterMs,
    label: rateLimitLabel(headers.get('x-ratelimit-category')),
    limit: nonNegativeInteger(headers.get('x-ratelimit-limit')),
    remaining: nonNegativeInteger(headers.get('x-ratelimit-remaining')),
  };
}

function rateLimitKind(typeHeader: string | null, zoomMessage: string | undefined): RateLimitKind {
  if (typeHeader !== null && typeHeader.trim() !== '') {
    return /daily/i.test(typeHeader) ? 'daily' : 'qps';
  }
  return /daily|per.?day/i.test(zoomMessage ?? '') ? 'daily' : 'qps';
}

/** Milliseconds to wait from a Retry-After value, or undefined when it is absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  const text = value?.trim() ?? '';
  if (text === '') {
    return undefined;
  }
  if (/^\d+(\.\d+)?$/.test(text)) {
    return Math.ceil(Number(text) * 1_000);
  }
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function rateLimitLabel(category: string | null): RateLimitLabel | undefined {
  switch (category?.trim().toUpperCase()) {
    case 'LIGHT':
      return 'LIGHT';
    case 'MEDIUM':
      return 'MEDIUM';
    case 'HEAVY':
      return 'HEAVY';
    default:
      return undefined;
  }
}

function nonNegativeInteger(value: string | null): number | undefined {
  return value !== null && /^\d+$/.test(value.trim()) ? Number(value.trim()) : undefined;
}
