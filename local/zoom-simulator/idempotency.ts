/**
 * Idempotency-Key memory for POST /qm/interactions, in the mode that honours it: a key seen within
 * its lifetime answers with the interaction it created instead of creating another. Keys expire on
 * the wall clock; expired ones are dropped as new ones arrive, so a long benchmark does not grow
 * without bound.
 */
import type { Clock } from '../../shared/clock.ts';

const purgeEvery = 1000;

export class IdempotencyKeys {
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #keys = new Map<string, { readonly interactionId: string; readonly expiresAt: number }>();
  #insertsSincePurge = 0;

  constructor(clock: Clock, ttlSeconds: number) {
    this.#clock = clock;
    this.#ttlMs = ttlSeconds * 1000;
  }

  /** The interaction created under `key`, while the key lives. */
  find(key: string): string | undefined {
    const entry = this.#keys.get(key);
    return entry !== undefined && entry.expiresAt > this.#clock.now() ? entry.interactionId : undefined;
  }

  remember(key: string, interactionId: string): void {
    this.#insertsSincePurge += 1;
    if (this.#insertsSincePurge >= purgeEvery) this.#purgeExpired();
    this.#keys.set(key, { interactionId, expiresAt: this.#clock.now() + this.#ttlMs });
  }

  get size(): number {
    return this.#keys.size;
  }

  #purgeExpired(): void {
    this.#insertsSincePurge = 0;
    const now = this.#clock.now();
    for (const [key, entry] of this.#keys) if (entry.expiresAt <= now) this.#keys.delete(key);
  }
}
