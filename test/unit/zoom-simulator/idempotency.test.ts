import { describe, expect, it } from 'vitest';
import { IdempotencyKeys } from '../../../local/zoom-simulator/idempotency.ts';

describe('zoom simulator: Idempotency-Key memory', () => {
  it('finds a key while it lives and forgets it afterwards', () => {
    // Prepare
    let now = 0;
    const keys = new IdempotencyKeys({ now: () => now }, 60);
    keys.remember('k', 'interaction-1');

    // Act
    now = 59_999;
    const alive = keys.find('k');
    now = 60_000;
    const expired = keys.find('k');

    // Assess
    expect(alive).toBe('interaction-1');
    expect(expired).toBeUndefined();
    expect(keys.find('unknown')).toBeUndefined();
  });

  it('drops expired keys as new ones arrive', () => {
    // Prepare
    let now = 0;
    const keys = new IdempotencyKeys({ now: () => now }, 1);
    for (let index = 0; index < 999; index += 1) keys.remember(`old-${index}`, `i-${index}`);
    now = 5000;

    // Act
    keys.remember('new', 'i-new');

    // Assess
    expect(keys.size).toBe(1);
    expect(keys.find('new')).toBe('i-new');
  });
});
