import { describe, expect, it } from 'vitest';
import { FaultInjector, serverErrorBody, truncateJson } from '../../../local/zoom-simulator/faults.ts';
import { faultSpecSchema } from '../../../local/zoom-simulator/scenario.ts';

const spec = (input: Parameters<typeof faultSpecSchema.parse>[0]) => faultSpecSchema.parse(input);

describe('zoom simulator: fault plans', () => {
  it('plans nothing without a spec', () => {
    // Act
    const plan = new FaultInjector(1, {}).plan('listInteractions');

    // Assess
    expect(plan).toEqual({ latencyMs: 0, failure: undefined, afterHandling: false });
  });

  it('serves forced faults first, in order, then falls back to the random spec', () => {
    // Prepare
    const injector = new FaultInjector(1, { '*': spec({ serverErrorRate: 1, serverErrorStatuses: [502] }) });
    injector.force('addInteraction', [
      { kind: 'dropConnection', afterHandling: true },
      { kind: 'latency', ms: 250 },
    ]);

    // Act
    const plans = [
      injector.plan('addInteraction'),
      injector.plan('addInteraction'),
      injector.plan('addInteraction'),
    ];

    // Assess
    expect(plans).toEqual([
      { latencyMs: 0, failure: { kind: 'dropConnection' }, afterHandling: true },
      { latencyMs: 250, failure: undefined, afterHandling: false },
      { latencyMs: 0, failure: { kind: 'serverError', status: 502 }, afterHandling: false },
    ]);
  });

  it('always lets a malformed body take effect', () => {
    // Prepare
    const injector = new FaultInjector(1, { listEvaluations: spec({ malformedJsonRate: 1 }) });

    // Act
    const plan = injector.plan('listEvaluations');

    // Assess
    expect(plan).toEqual({ latencyMs: 0, failure: { kind: 'malformedJson' }, afterHandling: true });
  });

  it('draws the same faults for the same seed, at about the configured rates', () => {
    // Prepare
    const specs = {
      getInteraction: spec({ serverErrorRate: 0.1, dropConnectionRate: 0.05, latencyRate: 0.2 }),
    };
    const run = () => {
      const injector = new FaultInjector('seed', specs);
      return Array.from({ length: 2000 }, () => injector.plan('getInteraction'));
    };

    // Act
    const first = run();
    const second = run();

    // Assess
    expect(second).toEqual(first);
    const rate = (predicate: (plan: (typeof first)[number]) => boolean) =>
      first.filter(predicate).length / first.length;
    expect(rate((plan) => plan.failure?.kind === 'serverError')).toBeCloseTo(0.1, 1);
    expect(rate((plan) => plan.failure?.kind === 'dropConnection')).toBeCloseTo(0.05, 1);
    expect(rate((plan) => plan.latencyMs > 0)).toBeCloseTo(0.2, 1);
    expect(
      first.every((plan) => plan.latencyMs === 0 || (plan.latencyMs >= 200 && plan.latencyMs <= 2000)),
    ).toBe(true);
  });

  it('writes a 500 as JSON and gateway errors as HTML, and truncates JSON', () => {
    // Act
    const internal = serverErrorBody(500);
    const gateway = serverErrorBody(504);
    const truncated = truncateJson('{"total_records":1,"interactions":[]}');

    // Assess
    expect(JSON.parse(internal.body)).toEqual({ code: 500, message: 'Internal Server Error' });
    expect(gateway).toMatchObject({
      contentType: 'text/html',
      body: expect.stringContaining('504 Gateway Timeout'),
    });
    expect(() => JSON.parse(truncated)).toThrow(SyntaxError);
  });
});
