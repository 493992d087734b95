import { describe, expect, it } from 'vitest';
import { parseZoomProfile } from '../../../shared/config/zoom-profile.ts';
import { InMemoryMetrics } from '../../../shared/observability/metrics.ts';
import { PollMetric } from '../../../shared/polling/metrics.ts';
import type { ZoomQmReader } from '../../../shared/polling/ports.ts';
import { PollZoomReader } from '../../../shared/polling/zoom-reader.ts';
import { ZoomRateLimitedError } from '../../../shared/zoom/errors.ts';
import { ScriptedZoom } from './support/fakes.ts';
import { automatedList, interactionDetail } from './support/fixtures.ts';

const profile = parseZoomProfile({ name: 'main', secretName: 'qm/main' });

describe('the poller reading Zoom', () => {
  it('reads every page of automated evaluations for the interaction', async () => {
    // Prepare
    const pages = [
      { data: automatedList([{ id: 'a' }, { id: 'b' }]), next_page_token: 'page-2' },
      { data: automatedList([{ id: 'b' }, { id: 'c' }]), next_page_token: '' },
    ];
    const tokens: (string | undefined)[] = [];
    const client: ZoomQmReader = {
      listAutomatedEvaluationsPage: async (query, token) => {
        tokens.push(token);
        expect(query).toEqual({ interaction_id: 'IX-1' });
        const page = pages.shift();
        if (page === undefined) throw new Error('no more pages');
        return { total: 3, page_size: 2, ...page };
      },
      getInteraction: async () => interactionDetail(),
      getEvaluation: async () => {
        throw new Error('not called');
      },
    };
    const metrics = new InMemoryMetrics();
    const reader = new PollZoomReader({ profile, client }, metrics);

    // Act
    const evaluations = await reader.automatedEvaluations('IX-1');

    // Assess
    expect(evaluations.map((evaluation) => evaluation.id)).toEqual(['a', 'b', 'c']);
    expect(tokens).toEqual([undefined, 'page-2']);
    expect(reader.calls).toBe(2);
    expect(metrics.total(PollMetric.zoomCalls, { label: 'LIGHT' })).toBe(2);
  });

  it('answers undefined for a 404, an ordinary answer while Zoom has not analysed the recording', async () => {
    // Prepare
    const zoom = new ScriptedZoom();
    const metrics = new InMemoryMetrics();
    const reader = new PollZoomReader({ profile, client: zoom }, metrics);

    // Act
    const detail = await reader.interaction('IX-1');
    const scorecard = await reader.evaluation('E-1');

    // Assess
    expect(detail).toBeUndefined();
    expect(scorecard).toBeUndefined();
    expect(metrics.total(PollMetric.zoomCalls, { label: 'MEDIUM' })).toBe(2);
  });

  it("counts Zoom's 429 as a call and a refusal, the local limiter's as a refusal only", async () => {
    // Prepare
    const zoom = new ScriptedZoom();
    const refusal = (source: 'zoom' | 'local-limiter') =>
      new ZoomRateLimitedError(
        { operation: 'getInteraction' },
        { retryAfterMs: 1_000, kind: 'qps', label: 'MEDIUM', source },
      );
    zoom.failNext('getInteraction', refusal('zoom'), refusal('local-limiter'));
    const metrics = new InMemoryMetrics();
    const reader = new PollZoomReader({ profile, client: zoom }, metrics);

    // Act
    const outcomes = await Promise.allSettled([reader.interaction('IX-1'), reader.interaction('IX-1')]);

    // Assess
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    expect(metrics.total(PollMetric.zoomCalls, { label: 'MEDIUM' })).toBe(1);
    expect(metrics.total(PollMetric.zoomRateLimited, { label: 'MEDIUM', source: 'zoom' })).toBe(1);
    expect(metrics.total(PollMetric.zoomRateLimited, { label: 'MEDIUM', source: 'local-limiter' })).toBe(1);
  });

  it("labels calls by the profile's operation labels", async () => {
    // Prepare
    const relabelled = parseZoomProfile({
      name: 'main',
      secretName: 'qm/main',
      operationLabels: { listAutomatedEvaluations: 'MEDIUM' },
    });
    const metrics = new InMemoryMetrics();
    const reader = new PollZoomReader({ profile: relabelled, client: new ScriptedZoom() }, metrics);

    // Act
    await reader.automatedEvaluations('IX-1');

    // Assess
    expect(metrics.total(PollMetric.zoomCalls, { label: 'MEDIUM' })).toBe(1);
    expect(metrics.total(PollMetric.zoomCalls, { label: 'LIGHT' })).toBe(0);
  });
});
