import { describe, expect, it } from 'vitest';
import { runningOutOfTime } from '../../../functions/reconcile.ts';

describe('the reconciler function', () => {
  it('stops taking on work once a quarter of its time is left', () => {
    // Prepare
    let remaining = 20_000;
    const shouldStop = runningOutOfTime({ getRemainingTimeInMillis: () => remaining });

    // Act
    const early = shouldStop();
    remaining = 5_001;
    const almost = shouldStop();
    remaining = 4_999;
    const late = shouldStop();

    // Assess
    expect([early, almost, late]).toEqual([false, false, true]);
  });

  it('keeps back at most ten seconds, however long it may run', () => {
    // Prepare
    let remaining = 900_000;
    const shouldStop = runningOutOfTime({ getRemainingTimeInMillis: () => remaining });

    // Act
    remaining = 10_001;
    const before = shouldStop();
    remaining = 9_999;
    const after = shouldStop();

    // Assess
    expect([before, after]).toEqual([false, true]);
  });
});
