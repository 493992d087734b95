import { beforeEach, describe, expect, it } from 'vitest';
import type { ScenarioInput } from '../../../local/zoom-simulator/index.ts';
import {
  accessToken,
  callApi,
  interactionBody,
  ManualClock,
  postInteraction,
  requestToken,
} from './helpers.ts';
import { useSimulatorHooks } from './simulator-hooks.ts';

describe('zoom simulator: fault injection', () => {
  const { recordings, start: startSimulator } = useSimulatorHooks({ settleDownloads: true });
  const slept: number[] = [];

  beforeEach(() => {
    slept.length = 0;
  });

  async function start(scenario: ScenarioInput = {}) {
    const simulator = await startSimulator({
      clock: new ManualClock(),
      scenario,
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
    return { sim: simulator, token: await accessToken(simulator) };
  }

  it("serves a forced 500 as Zoom's JSON and a forced 503 as the gateway's HTML page", async () => {
    // Prepare
    const { sim, token } = await start();
    sim.control.forceFaults('listInteractions', [
      { kind: 'serverError', status: 500 },
      { kind: 'serverError', status: 503 },
    ]);

    // Act
    const internal = await callApi(sim, token, '/qm/interactions');
    const unavailable = await callApi(sim, token, '/qm/interactions');
    const recovered = await callApi(sim, token, '/qm/interactions');

    // Assess
    expect(internal.status).toBe(500);
    expect(await internal.json()).toEqual({ code: 500, message: 'Internal Server Error' });
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get('content-type')).toBe('text/html');
    expect(await unavailable.text()).toContain('503 Service Unavailable');
    expect(recovered.status).toBe(200);
    expect(sim.inspect().faults.listInteractions).toEqual({ serverError: 2 });
  });

  it('serves malformed JSON with the real status and content type', async () => {
    // Prepare
    const { sim, token } = await start();
    sim.control.forceFaults('getInteraction', [{ kind: 'malformedJson' }]);

    // Act
    const response = await callApi(sim, token, '/qm/interactions/unknown-id');
    const text = await response.text();

    // Assess
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/json;charset=UTF-8');
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    expect(JSON.stringify({ code: 1001, message: 'Interaction not found.' }).startsWith(text)).toBe(true);
  });

  it('drops the connection without an answer', async () => {
    // Prepare
    const { sim, token } = await start();
    sim.control.forceFaults('listEvaluations', [{ kind: 'dropConnection' }]);

    // Act
    const dropped = callApi(sim, token, '/qm/evaluation');

    // Assess
    await expect(dropped).rejects.toThrow(TypeError);
    expect(sim.inspect().calls.listEvaluations.byStatus).toEqual({ dropped: 1 });
    expect((await callApi(sim, token, '/qm/evaluation')).status).toBe(200);
  });

  it('delays an answer by the injected latency', async () => {
    // Prepare
    const { sim, token } = await start();
    sim.control.forceFaults('listAutomatedEvaluations', [{ kind: 'latency', ms: 1500 }]);

    // Act
    const response = await callApi(sim, token, '/qm/automated_evaluations');

    // Assess
    expect(response.status).toBe(200);
    expect(slept).toEqual([1500]);
    expect(sim.inspect().faults.listAutomatedEvaluations).toEqual({ latency: 1 });
  });

  it('can lose the answer of a POST that took effect (afterHandling), or one that did not', async () => {
    // Prepare
    const { sim, token } = await start();
    sim.control.forceFaults('addInteraction', [
      { kind: 'serverError', status: 504, afterHandling: true },
      { kind: 'dropConnection', afterHandling: false },
    ]);
    const body = interactionBody(recordings.url('/ok/lost.mp3'));

    // Act
    const lostAfterCommit = await callApi(sim, token, '/qm/interactions', { method: 'POST', body });
    const droppedBefore = await callApi(sim, token, '/qm/interactions', { method: 'POST', body }).catch(
      (error: unknown) => error,
    );

    // Assess
    expect(lostAfterCommit.status).toBe(504);
    expect(droppedBefore).toBeInstanceOf(TypeError);
    expect(sim.inspect().interactions).toHaveLength(1);
  });

  it('answers with a forced status and body, before the request takes effect', async () => {
    // Prepare
    const { sim, token } = await start();
    const validation = {
      code: 300,
      message: 'Validation Failed.',
      errors: [{ field: 'queue_id', message: 'Invalid queue.' }],
    };
    sim.control.forceFaults('addInteraction', [
      { kind: 'status', status: 400, body: validation },
      { kind: 'status', status: 409, headers: { 'Retry-After': '7' } },
    ]);
    const body = interactionBody(recordings.url('/ok/refused.mp3'));

    // Act
    const refused = await postInteraction(sim, token, body);
    const conflict = await callApi(sim, token, '/qm/interactions', { method: 'POST', body });
    const accepted = await postInteraction(sim, token, body);

    // Assess
    expect(refused).toEqual({ status: 400, body: validation });
    expect(conflict.status).toBe(409);
    expect(conflict.headers.get('retry-after')).toBe('7');
    expect(await conflict.json()).toEqual({ code: 409, message: 'Conflict' });
    expect(accepted.status).toBe(201);
    expect(sim.inspect().interactions).toHaveLength(1);
    expect(sim.inspect().calls.addInteraction.byStatus).toEqual({ '400': 1, '409': 1, '201': 1 });
    expect(sim.inspect().faults.addInteraction).toEqual({ status: 2 });
  });

  it('refuses a forced status that is not an error', async () => {
    // Prepare
    const { sim } = await start();

    // Act
    const invalid = () => sim.control.forceFaults('addInteraction', [{ kind: 'status', status: 201 }]);

    // Assess
    expect(invalid).toThrow(/status/);
    expect(sim.inspect().faults).toEqual({});
  });

  it('faults the token endpoint too', async () => {
    // Prepare
    const { sim } = await start();
    sim.control.forceFaults('requestToken', [{ kind: 'serverError', status: 502 }]);

    // Act
    const failed = await requestToken(sim);
    const retried = await requestToken(sim);

    // Assess
    expect(failed.status).toBe(502);
    expect(retried.status).toBe(200);
  });

  it('draws random faults from the seed: the same scenario replays the same faults', async () => {
    // Prepare
    const scenario: ScenarioInput = {
      seed: 'faults',
      rateLimits: { limits: { MEDIUM: { perSecond: null } } },
      faults: {
        listInteractions: { serverErrorRate: 0.3, malformedJsonRate: 0.2, serverErrorStatuses: [502] },
      },
    };
    const statusesOf = async () => {
      const { sim, token } = await start(scenario);
      const statuses: string[] = [];
      for (let call = 0; call < 30; call += 1) {
        const response = await callApi(sim, token, '/qm/interactions');
        const text = await response.text();
        statuses.push(response.status === 200 && !text.endsWith('}') ? 'malformed' : String(response.status));
      }
      await sim.stop();
      return statuses;
    };

    // Act
    const first = await statusesOf();
    const second = await statusesOf();

    // Assess
    expect(second).toEqual(first);
    expect(new Set(first)).toEqual(new Set(['200', '502', 'malformed']));
  });

  it('applies and removes random faults at run time, for every endpoint with "*"', async () => {
    // Prepare
    const { sim, token } = await start();
    sim.control.setFaults('*', { serverErrorRate: 1, serverErrorStatuses: [503] });

    // Act
    const faulted = await callApi(sim, token, '/qm/evaluation');
    sim.control.setFaults('*', undefined);
    const healthy = await callApi(sim, token, '/qm/evaluation');

    // Assess
    expect(faulted.status).toBe(503);
    expect(healthy.status).toBe(200);
  });

  it('validates fault settings', async () => {
    // Prepare
    const { sim } = await start();

    // Act
    const invalid = () =>
      sim.control.setFaults('listEvaluations', { serverErrorRate: 0.7, dropConnectionRate: 0.7 });

    // Assess
    expect(invalid).toThrow(/must not exceed 1/);
  });

  it('lets a POST through when no fault is configured', async () => {
    // Prepare
    const { sim, token } = await start();

    // Act
    const posted = await postInteraction(sim, token, interactionBody(recordings.url('/ok/fine.mp3')));

    // Assess
    expect(posted.status).toBe(201);
    expect(sim.inspect().faults).toEqual({});
  });
});
