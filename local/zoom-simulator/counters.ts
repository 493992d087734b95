/**
 * What tests (and benchmarks) count: calls per endpoint and status, per rate-limit label, 429s
 * by kind, faults served, idempotent replays. Resettable, so a test can measure one phase.
 */
import type { FaultKind } from './faults.ts';
import { type EndpointName, endpointNames, type RateLimitLabel } from './operations.ts';

/** A copy of the counters at one moment (mutating it changes nothing in the simulator). */
export interface CounterSnapshot {
  /** Every request routed to an endpoint, by endpoint, with a breakdown by HTTP status ("dropped" when none was sent). */
  calls: Record<EndpointName, { total: number; byStatus: Record<string, number> }>;
  /** Requests that reached the rate limiter (authenticated), by label, whether granted or not. */
  callsByLabel: Record<RateLimitLabel, number>;
  rateLimited: {
    total: number;
    qps: Record<RateLimitLabel, number>;
    daily: Record<RateLimitLabel, number>;
    byOperation: Partial<Record<EndpointName, number>>;
  };
  faults: Partial<Record<EndpointName, Partial<Record<FaultKind, number>>>>;
  /** POSTs answered from the idempotency store instead of creating an interaction. */
  idempotentReplays: number;
}

const perLabel = (): Record<RateLimitLabel, number> => ({ LIGHT: 0, MEDIUM: 0, HEAVY: 0 });

export class Counters {
  #state: CounterSnapshot = Counters.#empty();

  static #empty(): CounterSnapshot {
    const calls = {} as CounterSnapshot['calls'];
    for (const endpoint of endpointNames) calls[endpoint] = { total: 0, byStatus: {} };
    return {
      calls,
      callsByLabel: perLabel(),
      rateLimited: { total: 0, qps: perLabel(), daily: perLabel(), byOperation: {} },
      faults: {},
      idempotentReplays: 0,
    };
  }

  recordCall(endpoint: EndpointName, status: number | 'dropped'): void {
    const entry = this.#state.calls[endpoint];
    entry.total += 1;
    entry.byStatus[String(status)] = (entry.byStatus[String(status)] ?? 0) + 1;
  }

  recordLabel(label: RateLimitLabel): void {
    this.#state.callsByLabel[label] += 1;
  }

  recordRateLimited(endpoint: EndpointName, label: RateLimitLabel, type: 'QPS' | 'Daily-limit'): void {
    const limited = this.#state.rateLimited;
    limited.total += 1;
    (type === 'QPS' ? limited.qps : limited.daily)[label] += 1;
    limited.byOperation[endpoint] = (limited.byOperation[endpoint] ?? 0) + 1;
  }

  recordFault(endpoint: EndpointName, kind: FaultKind): void {
    const faults = this.#state.faults[endpoint] ?? {};
    faults[kind] = (faults[kind] ?? 0) + 1;
    this.#state.faults[endpoint] = faults;
  }

  recordReplay(): void {
    this.#state.idempotentReplays += 1;
  }

  reset(): void {
    this.#state = Counters.#empty();
  }

  /** A deep copy: later requests do not change a snapshot a test holds. */
  snapshot(): CounterSnapshot {
    return structuredClone(this.#state);
  }
}
