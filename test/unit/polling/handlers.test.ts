import { describe, expect, it } from 'vitest';
import { runningOutOfTime } from '../../../functions/reconcile.ts';
import { InMemoryMetrics } from '../../../shared/observability/metrics.ts';
import { PollMetric, withDurations } from '../../../shared/polling/metrics.ts';

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

describe('durations on the count-only metrics port', () => {
  it('are written as the value of their metric', () => {
    // Prepare
    const port = new InMemoryMetrics();
    const metrics = withDurations(port);

    // Act
    metrics.duration(PollMetric.dropToResult, 4_250, { status: 'EVALUATED' });
    metrics.count('Evaluated');

    // Assess
    expect(port.points).toEqual([
      { name: 'DropToResultMs', value: 4_250, dimensions: { status: 'EVALUATED' } },
      { name: 'Evaluated', value: 1, dimensions: {} },
    ]);
  });
});
