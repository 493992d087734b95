/**
 * Zoom's account-level rate limits: a per-second and a per-day quota per label, sized by plan
 * (https://developers.zoom.us/docs/api/rate-limits/), with Zoom's 429 bodies and headers. Windows
 * are on the wall clock (a second; the UTC day) whatever the time scale, so Retry-After agrees
 * with the caller's clock.
 */
import type { Clock } from '../../shared/clock.ts';
import { type RateLimitLabel, rateLimitLabels } from './operations.ts';
import { type JsonResponse, labelCategory, zoomErrors } from './zoom-errors.ts';

export type Plan = 'free' | 'pro' | 'business';

/** One label's quotas; null means unlimited. */
export interface LabelLimits {
  readonly perSecond: number | null;
  readonly perDay: number | null;
}

/**
 * Zoom's published table. Free accounts have daily limits on every label; Pro and Business+ have
 * one only on Heavy (shared with resource-intensive APIs, which QM has none of).
 */
export const planLimits: Readonly<Record<Plan, Readonly<Record<RateLimitLabel, LabelLimits>>>> = {
  free: {
    LIGHT: { perSecond: 4, perDay: 6000 },
    MEDIUM: { perSecond: 2, perDay: 2000 },
    HEAVY: { perSecond: 1, perDay: 1000 },
  },
  pro: {
    LIGHT: { perSecond: 30, perDay: null },
    MEDIUM: { perSecond: 20, perDay: null },
    HEAVY: { perSecond: 10, perDay: 30_000 },
  },
  business: {
    LIGHT: { perSecond: 80, perDay: null },
    MEDIUM: { perSecond: 60, perDay: null },
    HEAVY: { perSecond: 40, perDay: 60_000 },
  },
};

/** The plan's limits with a scenario's per-label overrides applied (undefined keeps the plan's value). */
export function resolveLimits(
  plan: Plan,
  overrides: Partial<
    Record<RateLimitLabel, { perSecond?: number | null | undefined; perDay?: number | null | undefined }>
  >,
): Record<RateLimitLabel, LabelLimits> {
  const resolved = {} as Record<RateLimitLabel, LabelLimits>;
  for (const label of rateLimitLabels) {
    const base = planLimits[plan][label];
    const override = overrides[label];
    resolved[label] = {
      perSecond: override?.perSecond === undefined ? base.perSecond : override.perSecond,
      perDay: override?.perDay === undefined ? base.perDay : override.perDay,
    };
  }
  return resolved;
}

export type RateLimitVerdict =
  | { readonly allowed: true; readonly headers: Readonly<Record<string, string>> }
  | { readonly allowed: false; readonly type: 'QPS' | 'Daily-limit'; readonly response: JsonResponse };

const dayMs = 86_400_000;

interface Usage {
  second: number;
  usedThisSecond: number;
  day: number;
  usedToday: number;
}

export class RateLimitWindows {
  readonly #clock: Clock;
  readonly #limits: Record<RateLimitLabel, LabelLimits>;
  readonly #usage = new Map<RateLimitLabel, Usage>();

  constructor(clock: Clock, limits: Record<RateLimitLabel, LabelLimits>) {
    this.#clock = clock;
    this.#limits = limits;
  }

  get limits(): Readonly<Record<RateLimitLabel, LabelLimits>> {
    return this.#limits;
  }

  /**
   * Takes one request from the label's quotas, or says why not. A refused request consumes
   * nothing, as with Zoom: a client that backs off correctly loses no quota.
   */
  take(label: RateLimitLabel): RateLimitVerdict {
    const now = this.#clock.now();
    const limits = this.#limits[label];
    const usage = this.#currentUsage(label, now);
    const category = labelCategory(label);

    if (limits.perDay !== null && usage.usedToday >= limits.perDay) {
      const resumeAt = new Date((usage.day + 1) * dayMs).toISOString().replace('.000Z', 'Z');
      const error = zoomErrors.dailyLimit(label, limits.perDay);
      return {
        allowed: false,
        type: 'Daily-limit',
        response: {
          ...error,
          headers: {
            'X-RateLimit-Category': category,
            'X-RateLimit-Type': 'Daily-limit',
            'X-RateLimit-Limit': String(limits.perDay),
            'X-RateLimit-Remaining': '0',
            'Retry-After': resumeAt,
          },
        },
      };
    }
    if (limits.perSecond !== null && usage.usedThisSecond >= limits.perSecond) {
      const retryAfterSeconds = Math.max(1, Math.ceil(((usage.second + 1) * 1000 - now) / 1000));
      return {
        allowed: false,
        type: 'QPS',
        response: {
          ...zoomErrors.perSecondLimit(),
          headers: {
            'X-RateLimit-Category': category,
            'X-RateLimit-Type': 'QPS',
            'X-RateLimit-Limit': String(limits.perSecond),
            'X-RateLimit-Remaining': '0',
            'Retry-After': String(retryAfterSeconds),
          },
        },
      };
    }

    usage.usedThisSecond += 1;
    usage.usedToday += 1;
    const headers: Record<string, string> = { 'X-RateLimit-Category': category };
    if (limits.perDay !== null) {
      headers['X-RateLimit-Limit'] = String(limits.perDay);
      headers['X-RateLimit-Remaining'] = String(limits.perDay - usage.usedToday);
    } else if (limits.perSecond !== null) {
      headers['X-RateLimit-Limit'] = String(limits.perSecond);
      headers['X-RateLimit-Remaining'] = String(limits.perSecond - usage.usedThisSecond);
    }
    return { allowed: true, headers };
  }

  /** Forgets all usage, as if a new day had begun (a control for tests). */
  reset(): void {
    this.#usage.clear();
  }

  #currentUsage(label: RateLimitLabel, now: number): Usage {
    const second = Math.floor(now / 1000);
    const day = Math.floor(now / dayMs);
    const usage = this.#usage.get(label) ?? { second, usedThisSecond: 0, day, usedToday: 0 };
    if (usage.second !== second) {
      usage.second = second;
      usage.usedThisSecond = 0;
    }
    if (usage.day !== day) {
      usage.day = day;
      usage.usedToday = 0;
    }
    this.#usage.set(label, usage);
    return usage;
  }
}
