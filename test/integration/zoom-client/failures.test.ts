import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ForcedFault } from '../../../local/zoom-simulator/index.ts';
import { ZoomTransientError } from '../../../shared/zoom/errors.ts';
import { rejectionOf } from '../../unit/zoom/support/harness.ts';
import { type RecordingServer, startRecordingServer } from '../zoom-simulator/helpers.ts';
import { SimulatedZoom } from './simulated-zoom.ts';

/** Three analysed interactions already in the account, so a successful list has something in it. */
const scenario = { backgroundInteractions: { count: 3, spanDays: 1 } };
/** The client's default: a GET is tried once and retried twice. */
const attemptsPerGet = 3;

describe('Zoom client against the simulator: transient failures', () => {
  let zoom: SimulatedZoom;
  let recordings: RecordingServer;

  beforeAll(async () => {
    recordings = await startRecordingServer();
  });

  afterAll(async () => {
    await recordings.stop();
  });

  afterEach(async () => {
    await zoom.stop();
  });

  describe('on a GET', () => {
    it('retries a 5xx (JSON 500, then an HTML 503 page) and succeeds', async () => {
      // Prepare
      zoom = await SimulatedZoom.start(scenario);
      const { client, retryWaits } = zoom.connect();
      zoom.simulator.control.forceFaults('listInteractions', [
        { kind: 'serverError', status: 500 },
        { kind: 'serverError', status: 503 },
      ]);

      // Act
      const page = await client.listInteractionsPage();

      // Assess
      expect(page.interactions).toHaveLength(3);
      expect(zoom.callsTo('listInteractions')).toEqual({ 200: 1, 500: 1, 503: 1 });
      expect(retryWaits).toHaveLength(2);
    });

    it('gives up with a ZoomTransientError when every try is a 5xx', async () => {
      // Prepare
      zoom = await SimulatedZoom.start(scenario);
      const { client } = zoom.connect();
      zoom.simulator.control.setFaults('getInteraction', { serverErrorRate: 1, serverErrorStatuses: [502] });
      const interactionId = zoom.simulator.inspect().interactions[0]?.id ?? 'missing';

      // Act
      const error = await rejectionOf(client.getInteraction(interactionId));

      // Assess
      expect(error).toBeInstanceOf(ZoomTransientError);
      expect(error).toMatchObject({
        retryable: true,
        reason: 'server-error',
        failure: { operation: 'getInteraction', httpStatus: 502 },
      });
      expect(zoom.callsTo('getInteraction')).toEqual({ 502: attemptsPerGet });
    });

    it('retries a truncated JSON body and succeeds', async () => {
      // Prepare
      zoom = await SimulatedZoom.start(scenario);
      const { client, retryWaits } = zoom.connect();
      zoom.simulator.control.forceFaults('listAutomatedEvaluations', [{ kind: 'malformedJson' }]);

      // Act
      const page = await client.listAutomatedEvaluationsPage();

      // Assess
      expect(page.data.length).toBeGreaterThan(0);
      expect(zoom.simulator.inspect().faults.listAutomatedEvaluations).toEqual({ malformedJson: 1 });
      expect(zoom.callsTo('listAutomatedEvaluations')).toEqual({ 200: 2 });
      expect(retryWaits).toHaveLength(1);
    });

    it('gives up with a ZoomTransientError (malformed response) when every body is truncated', async () => {
      // Prepare
      zoom = await SimulatedZoom.start(scenario);
      const { client } = zoom.connect();
      zoom.simulator.control.setFaults('listEvaluations', { malformedJsonRate: 1 });

      // Act
      const error = await rejectionOf(client.listEvaluationsPage());

      // Assess
      expect(error).toBeInstanceOf(ZoomTransientError);
      expect(error).toMatchObject({
        reason: 'malformed-response',
        failure: { operation: 'listEvaluations', httpStatus: 200 },
      });
      expect(zoom.simulator.inspect().faults.listEvaluations).toEqual({ malformedJson: attemptsPerGet });
    });

    it('retries a dropped connection and succeeds', async () => {
      // Prepare
      zoom = await SimulatedZoom.start(scenario);
      const { client } = zoom.connect();
      zoom.simulator.control.forceFaults('listInteractions', [{ kind: 'dropConnection' }]);

      // Act
      const page = await client.listInteractionsPage();

      // Assess
      expect(page.interactions).toHaveLength(3);
      expect(zoom.callsTo('listInteractions')).toEqual({ 200: 1, dropped: 1 });
    });

    it('gives up with a ZoomTransientError (network) when every connection drops', async () => {
      // Prepare
      zoom = await SimulatedZoom.start(scenario);
      const { client } = zoom.connect();
      zoom.simulator.control.setFaults('listInteractions', { dropConnectionRate: 1 });

      // Act
      const error = await rejectionOf(client.listInteractionsPage());

      // Assess
      expect(error).toBeInstanceOf(ZoomTransientError);
      expect(error).toMatchObject({ reason: 'network', failure: { operation: 'listInteractions' } });
      expect(zoom.callsTo('listInteractions')).toEqual({ dropped: attemptsPerGet });
    });

    it('ends a request that gets no answer within the timeout with a ZoomTransientError (timeout)', async () => {
      // Prepare: the answer would come after a minute; the client waits one second
      zoom = await SimulatedZoom.start(scenario);
      const { client } = zoom.connect({ profile: { requestTimeoutMs: 1_000, getRetries: 0 } });
      zoom.simulator.control.forceFaults('listEvaluations', [{ kind: 'latency', ms: 60_000 }]);

      // Act
      const error = await rejectionOf(client.listEvaluationsPage());

      // Assess
      expect(error).toBeInstanceOf(ZoomTransientError);
      expect(error).toMatchObject({ reason: 'timeout', failure: { operation: 'listEvaluations' } });
      expect(zoom.simulator.inspect().faults.listEvaluations).toEqual({ latency: 1 });
    });

    it('retries a 5xx on the token request as well', async () => {
      // Prepare
      zoom = await SimulatedZoom.start(scenario);
      const { client } = zoom.connect();
      zoom.simulator.control.forceFaults('requestToken', [{ kind: 'serverError', status: 503 }]);

      // Act
      const page = await client.listInteractionsPage();

      // Assess
      expect(page.interactions).toHaveLength(3);
      expect(zoom.callsTo('requestToken')).toEqual({ 200: 1, 503: 1 });
      expect(zoom.callsTo('listInteractions')).toEqual({ 200: 1 });
    });
  });

  describe('on the POST', () => {
    /** One submission, each from a fresh client: a retry comes from a re-delivered message, maybe in another container. */
    const post = (zoomUnderTest: SimulatedZoom, idempotencyKey: string) =>
      zoomUnderTest.connect().client.createInteraction(
        {
          download_url: recordings.url(`/ok/${idempotencyKey}.mp3`),
          interaction_info: { channel_type: 'voice', consumer_name: 'Jill Chill' },
          start_time: '2026-03-02T08:13:02Z',
        },
        { idempotencyKey },
      );

    it.each<[string, ForcedFault, string]>([
      ['a 5xx', { kind: 'serverError', status: 503 }, 'server-error'],
      ['a dropped connection', { kind: 'dropConnection' }, 'network'],
      ['a truncated body', { kind: 'malformedJson' }, 'malformed-response'],
    ])('never retries %s: one ZoomTransientError after one call', async (_, fault, reason) => {
      // Prepare
      zoom = await SimulatedZoom.start();
      zoom.simulator.control.forceFaults('addInteraction', [fault]);

      // Act
      const error = await rejectionOf(post(zoom, 'recording-1/submission-1'));

      // Assess
      expect(error).toBeInstanceOf(ZoomTransientError);
      expect(error).toMatchObject({ reason, failure: { operation: 'createInteraction' } });
      expect(zoom.simulator.inspect().calls.addInteraction.total).toBe(1);
    });

    it('leaves the retry to the caller, whose same Idempotency-Key finds the interaction Zoom created before the answer was lost, where Zoom honours the key', async () => {
      // Prepare: a Zoom that honours the key (an opt-in: Zoom documents no such header).
      zoom = await SimulatedZoom.start({ idempotency: { mode: 'honour' } });
      zoom.simulator.control.forceFaults('addInteraction', [
        { kind: 'serverError', status: 504, afterHandling: true },
      ]);
      const lost = await rejectionOf(post(zoom, 'recording-2/submission-1'));

      // Act
      const retried = await post(zoom, 'recording-2/submission-1');

      // Assess
      expect(lost).toBeInstanceOf(ZoomTransientError);
      const snapshot = zoom.simulator.inspect();
      expect(snapshot.interactions.map((interaction) => interaction.id)).toEqual([retried.interaction_id]);
      expect(snapshot.idempotentReplays).toBe(1);
      expect(snapshot.calls.addInteraction.byStatus).toEqual({ 201: 1, 504: 1 });
    });
  });
});
