/** The wall clock, injected everywhere time matters so tests (and the simulator's time scale) control it. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
