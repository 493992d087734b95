import { describe, expect, it } from 'vitest';
import type { ScenarioInput, ZoomSimulator } from '../../../local/zoom-simulator/index.ts';
import { accessToken, callApi, interactionBody, json, ManualClock, postInteraction } from './helpers.ts';
import { useSimulatorHooks } from './simulator-hooks.ts';

describe('zoom simulator: inspection and control over HTTP (/_simulator)', () => {
  const { recordings, start: startSimulator } = useSimulatorHooks();
  let simulator: ZoomSimulator;
  let clock: ManualClock;
  let token: string;

  const control = (path: string, body?: unknown) =>
    json(
      fetch(`${simulator.controlUrl}${path}`, {
        method: body === undefined && path === '/inspect' ? 'GET' : 'POST',
        ...(body === undefined
          ? {}
          : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }),
      }),
    );

  async function start(rateLimits: ScenarioInput['rateLimits'] = {}) {
    clock = new ManualClock();
    simulator = await startSimulator({
      clock,
      scenario: {
        rateLimits,
        oauth: { tokenLifetimeSeconds: 604_800 },
        processing: {
          timeScale: 0.01,
          analysis: 60,
          outcomes: { completed: 1, failed: 0, noEvaluation: 0 },
          manualEvaluations: {
            probability: 1,
            assignedAfter: 60,
            completedAfter: 86_400,
            outcomes: { completed: 1, expired: 0, canceled: 0 },
          },
        },
      },
    });
    token = await accessToken(simulator);
  }

  it('shows calls per operation and label, tokens, downloads and interactions with their states', async () => {
    // Prepare
    await start();
    const posted = await postInteraction(
      simulator,
      token,
      interactionBody(recordings.url('/ok/a.mp3?X-Amz-Signature=s3cr3t')),
    );
    await control('/downloads/settled', {});
    clock.advance(10_000);
    await callApi(simulator, token, '/qm/interactions');

    // Act
    const inspected = await control('/inspect');

    // Assess
    expect(inspected.status).toBe(200);
    expect(inspected.body).toMatchObject({
      calls: {
        addInteraction: { total: 1, byStatus: { '201': 1 } },
        listInteractions: { total: 1 },
        requestToken: { total: 1 },
      },
      callsByLabel: { HEAVY: 1, MEDIUM: 1, LIGHT: 0 },
      tokens: { issued: 1 },
      downloads: [
        { interactionId: posted.body.interaction_id, state: 'finished', result: { outcome: 'ok' } },
      ],
      interactions: [
        {
          id: posted.body.interaction_id,
          stage: 'analysed',
          evaluations: expect.arrayContaining([
            expect.objectContaining({ type: 'Manual', status: 'Pending' }),
          ]),
        },
      ],
      modes: {
        quirks: true,
        idempotency: 'ignore',
        revokePreviousTokens: false,
        tokenLifetimeSeconds: 604_800,
      },
    });
    expect(JSON.stringify(inspected.body)).not.toContain('s3cr3t');
  });

  it('resets counters, switches modes and revokes tokens', async () => {
    // Prepare
    await start();
    await callApi(simulator, token, '/qm/interactions');

    // Act
    const reset = await control('/reset-counters', {});
    const modes = await control('/modes', {
      quirks: false,
      revokePreviousTokens: true,
      tokenLifetimeSeconds: 60,
    });
    const revoked = await control('/tokens/revoke', {});
    const withRevoked = await json(callApi(simulator, token, '/qm/interactions'));
    const inspected = await control('/inspect');

    // Assess
    expect(reset.status).toBe(200);
    expect(modes.body).toEqual({
      quirks: false,
      idempotency: 'ignore',
      revokePreviousTokens: true,
      tokenLifetimeSeconds: 60,
    });
    expect(revoked.body).toEqual({ revoked: 1 });
    expect(withRevoked.status).toBe(401);
    expect(inspected.body).toMatchObject({
      calls: { listInteractions: { total: 1, byStatus: { '401': 1 } } },
    });
  });

  it('advances and finishes manual evaluations', async () => {
    // Prepare
    await start();
    await postInteraction(simulator, token, interactionBody(recordings.url('/ok/b.mp3')));
    await control('/downloads/settled', {});
    clock.advance(10_000);

    // Act
    const advanced = await control('/manual-evaluations/advance', { seconds: 43_200 });
    const halfway = await json(callApi(simulator, token, '/qm/evaluation'));
    const finished = await control('/manual-evaluations/finish', {});
    const done = await json(callApi(simulator, token, '/qm/evaluation'));

    // Assess
    expect(advanced.body).toEqual({ moved: 1 });
    expect(halfway.body).toMatchObject({ data: [{ status: 'Active' }] });
    expect(finished.body).toEqual({ moved: 1 });
    expect(done.body).toMatchObject({ data: [{ status: 'Completed' }] });
  });

  it('sets, forces and removes faults', async () => {
    // Prepare
    await start();

    // Act
    const forced = await control('/faults/force', {
      endpoint: 'listInteractions',
      faults: [{ kind: 'serverError', status: 502 }],
    });
    const first = await callApi(simulator, token, '/qm/interactions');
    const set = await control('/faults', { endpoint: 'listEvaluations', spec: { serverErrorRate: 1 } });
    const faulted = await callApi(simulator, token, '/qm/evaluation');
    await control('/faults', { endpoint: 'listEvaluations' });
    const healthy = await callApi(simulator, token, '/qm/evaluation');

    // Assess
    expect(forced.body).toEqual({ endpoint: 'listInteractions', queued: 1 });
    expect(first.status).toBe(502);
    expect(set.status).toBe(200);
    expect([500, 503]).toContain(faulted.status);
    expect(healthy.status).toBe(200);
  });

  it('resets rate-limit usage', async () => {
    // Prepare
    await start({ limits: { LIGHT: { perDay: 1 } } });
    await callApi(simulator, token, '/qm/evaluation');
    const exhausted = await callApi(simulator, token, '/qm/evaluation');

    // Act
    const reset = await control('/reset-rate-limits', {});
    const afterReset = await callApi(simulator, token, '/qm/evaluation');

    // Assess
    expect(exhausted.status).toBe(429);
    expect(reset.body).toEqual({ reset: 'rate-limits' });
    expect(afterReset.status).toBe(200);
  });

  it('answers 400 for invalid control bodies and 404 for unknown control routes', async () => {
    // Prepare
    await start();

    // Act
    const badMode = await control('/modes', { idempotency: 'sometimes' });
    const notJson = await json(fetch(`${simulator.controlUrl}/modes`, { method: 'POST', body: '{' }));
    const badEndpoint = await control('/faults/force', {
      endpoint: 'deleteEverything',
      faults: [{ kind: 'dropConnection' }],
    });
    const unknown = await control('/teleport', {});

    // Assess
    expect(badMode.status).toBe(400);
    expect(String(badMode.body.error)).toContain('idempotency');
    expect(notJson).toEqual({ status: 400, body: { error: 'the body is not JSON' } });
    expect(badEndpoint.status).toBe(400);
    expect(unknown.status).toBe(404);
  });

  it('does not count control calls as Zoom calls', async () => {
    // Prepare
    await start();

    // Act
    await control('/inspect');
    await control('/reset-rate-limits', {});
    const snapshot = simulator.inspect();

    // Assess
    expect(Object.values(snapshot.calls).reduce((sum, entry) => sum + entry.total, 0)).toBe(1);
  });
});
