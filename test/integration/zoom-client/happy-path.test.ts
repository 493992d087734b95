import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ScenarioInput } from '../../../local/zoom-simulator/index.ts';
import { ZoomNotFoundError } from '../../../shared/zoom/errors.ts';
import { collect, rejectionOf } from '../../unit/zoom/support/harness.ts';
import { hours, minutes, type RecordingServer, startRecordingServer } from '../zoom-simulator/helpers.ts';
import { SimulatedZoom } from './simulated-zoom.ts';

/**
 * Zoom's timing, not compressed (the test moves the clock): analysis 10 minutes after the
 * download, two automated evaluations 15 minutes later, a manual evaluation assigned an hour after
 * the analysis and completed two days after that.
 */
const scenario: ScenarioInput = {
  // The day Zoom documents Idempotency-Key: this file tests the client against a Zoom that honours it.
  idempotency: { mode: 'honour' },
  processing: {
    analysis: 600,
    outcomes: { completed: 1, failed: 0, noEvaluation: 0 },
    automatedEvaluations: { min: 2, max: 2, duration: 900 },
    manualEvaluations: {
      probability: 1,
      assignedAfter: 3_600,
      completedAfter: 172_800,
      outcomes: { completed: 1, expired: 0, canceled: 0 },
    },
  },
};

const signature = '9f2c4e6a8b0d1f3e5a7c9b1d3f5e7a9c2b4d6f8e0a1c3e5b7d9f1a3c5e7b9d1f';
const securityToken = 'IQoJb3JpZ2luX2VjEJr-session-token-NEVER-LOG';

describe('Zoom client against the simulator: a recording from submission to its final evaluations', () => {
  let recordings: RecordingServer;
  let zoom: SimulatedZoom;

  beforeAll(async () => {
    recordings = await startRecordingServer(48 * 1024);
  });

  afterAll(async () => {
    await recordings.stop();
  });

  afterEach(async () => {
    await zoom.stop();
  });

  it('creates the interaction once per Idempotency-Key and follows it to COMPLETED evaluations', async () => {
    // Prepare
    zoom = await SimulatedZoom.start(scenario);
    const { client, logger } = zoom.connect();
    const presignedUrl = recordings.url(
      `/ok/recordings/2026/03/02/call-0042.mp3?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=900&X-Amz-Security-Token=${securityToken}&X-Amz-Signature=${signature}`,
    );
    const request = {
      download_url: presignedUrl,
      interaction_info: {
        channel_type: 'voice' as const,
        agent_email: 'ann.lee@example.com',
        consumer_name: 'Jill Chill',
        from: '+12053546173',
        to: '+12095422197',
      },
      start_time: '2026-03-02T08:13:02Z',
      direction: 'inbound' as const,
      disposition: 'Resolved',
      primary_language: 'en-US' as const,
    };
    const idempotencyKey = 'recording/call-0042.mp3/submission/1';

    // Act
    const created = await client.createInteraction(request, { idempotencyKey });
    const resubmitted = await client.createInteraction(request, { idempotencyKey });
    await zoom.simulator.control.downloadsSettled();
    const id = created.interaction_id;
    const whileAnalysing = await rejectionOf(client.getInteraction(id));

    zoom.clock.advance(minutes(10));
    const analysed = await client.getInteraction(id);
    const automatedProcessing = await collect(client.listAutomatedEvaluations({ interaction_id: id }));

    zoom.clock.advance(minutes(15));
    const automatedDone = await collect(client.listAutomatedEvaluations({ interaction_id: id }));
    const manualBeforeAssignment = await collect(client.listEvaluations({ interaction_id: id }));

    zoom.clock.advance(hours(1));
    const manualAssigned = await collect(client.listEvaluations({ interaction_id: id }));
    zoom.simulator.control.advanceManualEvaluations(172_800);
    const manualDone = await collect(client.listEvaluations({ interaction_id: id }));
    const scorecard = await client.getEvaluation(manualDone[0]?.id ?? 'missing');
    const final = await client.getInteraction(id);

    // Assess: one interaction, one real download of the presigned URL
    expect(resubmitted.interaction_id).toBe(id);
    const snapshot = zoom.simulator.inspect();
    expect(snapshot.idempotentReplays).toBe(1);
    expect(snapshot.calls.addInteraction.byStatus).toEqual({ 201: 2 });
    expect(snapshot.downloads).toEqual([
      expect.objectContaining({
        interactionId: id,
        url: expect.stringMatching(/\/ok\/recordings\/2026\/03\/02\/call-0042\.mp3\?<redacted>$/),
        result: expect.objectContaining({ outcome: 'ok', status: 200, bytes: 48 * 1024 }),
      }),
    ]);
    expect(recordings.requests).toEqual([new URL(presignedUrl).pathname + new URL(presignedUrl).search]);

    // Assess: 404 until analysed, then automated evaluations PROCESSING -> COMPLETED
    expect(whileAnalysing).toBeInstanceOf(ZoomNotFoundError);
    expect(analysed.interaction_info.interaction_id).toBe(id);
    expect(analysed.direction).toBe('inbound');
    expect(analysed.language).toBe('en-US');
    expect(
      analysed.interaction_info.evaluations?.map((evaluation) => evaluation.evaluation_status_desc),
    ).toEqual(['PROCESSING', 'PROCESSING']);
    expect(automatedProcessing.map((evaluation) => evaluation.status)).toEqual(['PROCESSING', 'PROCESSING']);
    expect(automatedDone.map((evaluation) => [evaluation.interaction_id, evaluation.status])).toEqual([
      [id, 'COMPLETED'],
      [id, 'COMPLETED'],
    ]);
    expect(automatedDone.every((evaluation) => typeof evaluation.evaluation_score === 'number')).toBe(true);

    // Assess: the manual evaluation, assigned an hour later, completed by the simulator's time control
    expect(manualBeforeAssignment).toEqual([]);
    expect(manualAssigned.map((evaluation) => evaluation.status)).toEqual(['Pending']);
    expect(manualDone.map((evaluation) => [evaluation.interaction_id, evaluation.status])).toEqual([
      [id, 'Completed'],
    ]);
    expect(scorecard.scorecard.interaction_id).toBe(id);
    expect(scorecard.scorecard.sections?.length).toBeGreaterThan(0);
    expect(typeof scorecard.scorecard.score).toBe('number');
    expect(
      final.interaction_info.evaluations?.map((evaluation) => [
        evaluation.evaluation_type,
        evaluation.evaluation_status_desc,
      ]),
    ).toEqual([
      ['Automated', 'COMPLETED'],
      ['Automated', 'COMPLETED'],
      ['Manual', 'Completed'],
    ]);
    expect(snapshot.interactions).toEqual([expect.objectContaining({ id, stage: 'analysed' })]);

    // Assess: over an hour and a half the token was renewed before it expired, never after a 401;
    // nothing secret reached the logs
    const calls = Object.values(zoom.simulator.inspect().calls);
    expect(calls.some((endpoint) => endpoint.byStatus['401'] !== undefined)).toBe(false);
    expect(zoom.tokensIssued()).toBe(2);
    const logged = logger.text();
    for (const secret of [signature, securityToken, zoom.simulator.credentials.clientSecret]) {
      expect(logged).not.toContain(secret);
    }
  });
});
