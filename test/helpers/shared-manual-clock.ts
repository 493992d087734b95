import type { Clock } from '../../shared/clock.ts';

/**
 * A clock that moves only when the test says so, for code that takes a {@link Clock}: token
 * lifetimes, rate-limit windows, deadlines and TTLs are then exact, never timed. A start or a
 * `set` is epoch milliseconds or an ISO-8601 time.
 */
export class ManualClock implements Clock {
  #now: number;

  constructor(start: number | string) {
    this.#now = toEpochMs(start);
  }

  now(): number {
    return this.#now;
  }

  advance(ms: number): void {
    this.#now += ms;
  }

  set(at: number | string): void {
    this.#now = toEpochMs(at);
  }
}

function toEpochMs(at: number | string): number {
  return typeof at === 'number' ? at : Date.parse(at);
}
