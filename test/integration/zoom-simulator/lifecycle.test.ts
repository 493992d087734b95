import { describe, expect, it } from 'vitest';
import type { ScenarioInput } from '../../../local/zoom-simulator/index.ts';
import {
  accessToken,
  callApi,
  hours,
  interactionBody,
  json,
  ManualClock,
  postInteraction,
} from './helpers.ts';
import { useSimulatorHooks } from './simulator-hooks.ts';

/** Analysis 600 s and automated evaluations 900 s of Zoom time; at scale 0.01: 6 s and 9 s of wall time. */
const scenario: ScenarioInput = {
  oauth: { tokenLifetimeSeconds: 86_400 },
  processing: {
    timeScale: 0.01,
    analysis: 600,
    outcomes: { completed: 1, failed: 0, noEvaluation: 0 },
    automatedEvaluations: { min: 1, max: 1, duration: 900 },
    manualEvaluations: { probability: 0, assignedAfter: 3600, completedAfter: 172_800 },
    rules: [
      { match: { downloadUrlIncludes: 'failing' }, outcome: 'failed' },
      { match: { downloadUrlIncludes: 'unevaluated' }, outcome: 'noEvaluation' },
      { match: { downloadUrlIncludes: 'manual' }, manualEvaluation: 'completed' },
      { match: { downloadUrlIncludes: 'large' }, transcriptBytes: 450_000 },
    ],
  },
};

const zoomTime = (epochMs: number) => new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');

describe('zoom simulator: interaction lifecycle', () => {
  const hooks = useSimulatorHooks();
  let clock: ManualClock;

  async function submit(path: string, input: ScenarioInput = scenario) {
    clock = new ManualClock();
    const simulator = await hooks.start({ clock, scenario: input });
    const token = await accessToken(simulator);
    const posted = await postInteraction(simulator, token, interactionBody(hooks.recordings.url(path)));
    await simulator.control.downloadsSettled();
    return { token, id: String(posted.body.interaction_id), submittedAt: clock.now() };
  }

  it('answers 404 by id and leaves a new interaction out of the list until its analysis finishes', async () => {
    // Prepare
    const { token, id } = await submit('/ok/new.mp3');
    const sim = hooks.simulator;

    // Act
    const byIdBefore = await json(callApi(sim, token, `/qm/interactions/${id}`));
    const listBefore = await json(callApi(sim, token, '/qm/interactions'));
    clock.advance(5999);
    const justBefore = await callApi(sim, token, `/qm/interactions/${id}`);
    clock.advance(1);
    const byIdAfter = await json(callApi(sim, token, `/qm/interactions/${id}`));
    const listAfter = await json(callApi(sim, token, '/qm/interactions'));

    // Assess
    expect(byIdBefore).toEqual({ status: 404, body: { code: 1001, message: 'Interaction not found.' } });
    expect(listBefore.body).toMatchObject({ total_records: 0, interactions: [] });
    expect(justBefore.status).toBe(404);
    expect(byIdAfter.status).toBe(200);
    expect(byIdAfter.body).toMatchObject({ interaction_info: { interaction_id: id } });
    expect(listAfter.body).toMatchObject({
      total_records: 1,
      interactions: [{ interaction_info: { interaction_id: id } }],
    });
  });

  it('moves automated evaluations PROCESSING -> COMPLETED with wall-clock timestamps', async () => {
    // Prepare
    const { token, id, submittedAt } = await submit('/ok/good.mp3');
    const sim = hooks.simulator;
    clock.advance(6000);

    // Act
    const processing = await json(callApi(sim, token, `/qm/automated_evaluations?interaction_id=${id}`));
    clock.advance(9000);
    const completed = await json(callApi(sim, token, `/qm/automated_evaluations?interaction_id=${id}`));

    // Assess
    expect(processing.body.data).toEqual([
      expect.objectContaining({
        status: 'PROCESSING',
        create_time: zoomTime(submittedAt + 6000),
        modify_time: zoomTime(submittedAt + 6000),
      }),
    ]);
    expect(processing.body.data).not.toContainEqual(
      expect.objectContaining({ evaluation_score: expect.anything() }),
    );
    expect(completed.body.data).toEqual([
      expect.objectContaining({
        status: 'COMPLETED',
        create_time: zoomTime(submittedAt + 6000),
        modify_time: zoomTime(submittedAt + 15_000),
        evaluation_score: expect.any(Number),
      }),
    ]);
  });

  it('fails the evaluations of a failing interaction', async () => {
    // Prepare
    const { token, id } = await submit('/ok/failing.mp3');
    const sim = hooks.simulator;
    clock.advance(15_000);

    // Act
    const detail = await json(callApi(sim, token, `/qm/interactions/${id}`));

    // Assess
    const evaluations = detail.body.interaction_info?.evaluations;
    expect(evaluations).toEqual([
      expect.objectContaining({ evaluation_type: 'Automated', evaluation_status_desc: 'FAILED' }),
    ]);
    expect(evaluations?.[0]).not.toHaveProperty('score');
  });

  it('serves an analysed interaction that gets no evaluation at all', async () => {
    // Prepare
    const { token, id } = await submit('/ok/unevaluated.mp3');
    const sim = hooks.simulator;
    clock.advance(hours(1));

    // Act
    const detail = await json(callApi(sim, token, `/qm/interactions/${id}`));
    const unscored = await json(callApi(sim, token, '/qm/interactions?scored=false'));

    // Assess
    expect(detail.body).toMatchObject({ interaction_info: { evaluations: [] } });
    expect(detail.body).toHaveProperty('transcript_body');
    expect(detail.body).toHaveProperty('analysis.topics');
    expect(unscored.body).toMatchObject({ total_records: 1 });
  });

  it('assigns a manual evaluation later: Pending, Active, then Completed days later on the simulator clock', async () => {
    // Prepare
    const { token, id, submittedAt } = await submit('/ok/manual.mp3');
    const sim = hooks.simulator;
    const analysedAt = submittedAt + 6000;
    const manualStatus = async () => {
      const detail = await json(callApi(sim, token, `/qm/interactions/${id}`));
      const evaluations = detail.body.interaction_info?.evaluations ?? [];
      return evaluations.find((evaluation) => evaluation.evaluation_type === 'Manual')
        ?.evaluation_status_desc;
    };

    // Act
    clock.advance(6000 + 35_999);
    const beforeAssignment = await manualStatus();
    clock.advance(1);
    const assigned = await manualStatus();
    const moved = sim.control.advanceManualEvaluations(86_400);
    const halfway = await manualStatus();
    sim.control.finishManualEvaluations();
    const finished = await manualStatus();
    const listed = await json(callApi(sim, token, `/qm/evaluation?interaction_id=${id}`));

    // Assess
    expect(beforeAssignment).toBeUndefined();
    expect(assigned).toBe('Pending');
    expect(moved).toBe(1);
    expect(halfway).toBe('Active');
    expect(finished).toBe('Completed');
    expect(listed.body.data).toEqual([
      expect.objectContaining({
        status: 'Completed',
        create_time: zoomTime(analysedAt + 36_000),
        modify_time: zoomTime(clock.now()),
        evaluation_score: expect.any(Number),
      }),
    ]);
  });

  it('lets manual evaluations complete by themselves on the scaled clock', async () => {
    // Prepare
    const { token, id } = await submit('/ok/manual.mp3');
    const sim = hooks.simulator;

    // Act
    clock.advance(6000 + 36_000 + 1_728_000);
    const listed = await json(callApi(sim, token, `/qm/evaluation?interaction_id=${id}&status=Completed`));

    // Assess
    expect(listed.body).toMatchObject({ total: 1, data: [{ status: 'Completed' }] });
  });

  it('scales processing durations only: token lifetimes and timestamps stay on the wall clock', async () => {
    // Prepare: one hour of analysis at scale 0.001 is 3.6 s; the token lives 3600 s of wall time.
    const { token, id, submittedAt } = await submit('/ok/scaled.mp3', {
      ...scenario,
      oauth: { tokenLifetimeSeconds: 3600 },
      processing: { ...scenario.processing, timeScale: 0.001, analysis: 3600 },
    });
    const sim = hooks.simulator;

    // Act
    clock.advance(3600);
    const visible = await json(callApi(sim, token, `/qm/automated_evaluations?interaction_id=${id}`));
    clock.advance(3_600_000 - 3600);
    const expired = await json(callApi(sim, token, `/qm/interactions/${id}`));

    // Assess
    expect(visible.body.data).toEqual([
      expect.objectContaining({ create_time: zoomTime(submittedAt + 3600) }),
    ]);
    expect(expired.body).toEqual({ code: 124, message: 'Access token is expired.' });
  });

  it("serves a transcript larger than 400 KB within the schema's 2000 items", async () => {
    // Prepare
    const { token, id } = await submit('/ok/large.mp3');
    const sim = hooks.simulator;
    clock.advance(6000);

    // Act
    const response = await callApi(sim, token, `/qm/interactions/${id}`);
    const text = await response.text();

    // Assess
    expect(Buffer.byteLength(text)).toBeGreaterThan(400 * 1024);
    const transcript = (JSON.parse(text) as { transcript_body: { items: unknown[] } }).transcript_body;
    expect(transcript.items.length).toBeLessThanOrEqual(2000);
  });

  it('answers the same detail on every request (content is stable)', async () => {
    // Prepare
    const { token, id } = await submit('/ok/stable.mp3');
    const sim = hooks.simulator;
    clock.advance(hours(1));

    // Act
    const first = await (await callApi(sim, token, `/qm/interactions/${id}`)).text();
    const second = await (await callApi(sim, token, `/qm/interactions/${id}`)).text();

    // Assess
    expect(second).toBe(first);
  });
});
