import { describe, expect, it } from 'vitest';
import { RetryableError } from '../../../shared/errors.ts';
import { ResultsAmender } from '../../../shared/polling/amender.ts';
import { PollMetric } from '../../../shared/polling/metrics.ts';
import type { WebhookSignal } from '../../../shared/polling/poll-message.ts';
import { WebhookSignalHandler } from '../../../shared/polling/webhook-signals.ts';
import type { Recording } from '../../../shared/recordings/recording.ts';
import type { ResultsExportPort } from '../../../shared/results/bi-export.ts';
import type { EvaluationDetail } from '../../../shared/zoom/schemas.ts';
import { InMemoryOutbox, zoomAccounts } from './support/fakes.ts';
import {
  automatedList,
  evaluationDetail,
  HOUR,
  interactionDetail,
  MINUTE,
  SECOND,
} from './support/fixtures.ts';
import { pollHarness } from './support/poll-harness.ts';

const WEBHOOKS_ON = { webhooks: { enabled: true, safetyIntervalSeconds: 1_800 } };
const AUTOMATED = { id: 'auto-1', type: 'Automated', status: 'COMPLETED' };

/** The poller's harness with the webhook handler over the same fakes, the profile's webhooks on. */
function signalHarness(
  profile: { webhooks: { enabled: boolean; safetyIntervalSeconds: number } } = WEBHOOKS_ON,
) {
  const exported: { recording: Recording; revision: number | undefined }[] = [];
  const exporter: ResultsExportPort = {
    write: async (recording) => {
      exported.push({ recording, revision: recording.results?.revision });
      return 'export-key';
    },
  };
  const poller = pollHarness({ profile, exporter });
  const outbox = new InMemoryOutbox();
  const shared = {
    settings: poller.settings,
    clock: poller.clock,
    logger: poller.logger,
    metrics: poller.metrics,
  };
  const amender = new ResultsAmender({
    repository: poller.recordings,
    results: poller.results,
    outbox,
    publisher: poller.publisher,
    exporter,
    ...shared,
  });
  const handler = new WebhookSignalHandler({
    repository: poller.recordings,
    scheduler: poller.scheduler,
    observations: poller.observations,
    zoom: zoomAccounts(poller.zoom, profile),
    poller: poller.service,
    amender,
    ...shared,
  });
  const signal = (overrides: Partial<WebhookSignal> = {}): WebhookSignal => ({
    kind: 'webhook',
    recordingId: poller.id,
    signal: 'evaluation-completed',
    evaluationId: 'auto-1',
    evaluationType: 'AUTOMATED',
    occurredAt: poller.clock.now() - SECOND,
    dueAt: poller.clock.now(),
    ...overrides,
  });
  return { ...poller, outbox, exported, handler, signal };
}

describe('webhook signals on the poll path', () => {
  it('finish a recording on its automated evaluation with one detail read, long before its safety-net poll', async () => {
    const h = signalHarness();
    await h.recordings.schedulePoll(h.current(), {
      nextPollDueAt: h.clock.now() + 30 * MINUTE,
      countsAsAttempt: false,
    });
    h.zoom.detail = interactionDetail([AUTOMATED]);

    const outcome = await h.handler.handle(h.signal());

    expect(outcome).toMatchObject({ kind: 'finished', status: 'EVALUATED' });
    expect(h.zoom.calls.map((call) => call.operation)).toEqual(['getInteraction']);
    expect(h.current().status).toBe('EVALUATED');
    expect(h.publisher.published).toHaveLength(1);
  });

  it("drop Zoom's second delivery of the same event without a Zoom call", async () => {
    const h = signalHarness();
    h.zoom.detail = interactionDetail([{ ...AUTOMATED, status: 'PROCESSING' }]);
    const event = h.signal();
    await h.handler.handle(event);
    const callsAfterFirst = h.zoom.calls.length;

    const outcome = await h.handler.handle(event);

    expect(outcome).toEqual({ kind: 'duplicate' });
    expect(h.zoom.calls).toHaveLength(callsAfterFirst);
    expect(h.metrics.total(PollMetric.webhookSignals, { outcome: 'duplicate' })).toBe(1);
  });

  it('keep a waiting recording on the safety interval with webhooks on', async () => {
    const h = signalHarness();
    h.zoom.detail = interactionDetail([{ ...AUTOMATED, status: 'PROCESSING' }]);

    const outcome = await h.handler.handle(h.signal());

    expect(outcome).toMatchObject({ kind: 'waiting', phase: 'evaluating' });
    expect(h.current().poll.nextPollDueAt).toBe(h.clock.now() + 30 * MINUTE);
  });

  it('note the end of the analysis without a Zoom call, the next poll at the end of the NO_EVALUATION grace', async () => {
    const h = signalHarness();
    await h.recordings.schedulePoll(h.current(), {
      nextPollDueAt: h.clock.now() + 2 * HOUR,
      countsAsAttempt: false,
    });
    const occurredAt = h.clock.now() - 5 * SECOND;

    const outcome = await h.handler.handle(
      h.signal({
        signal: 'analysis-completed',
        evaluationId: undefined,
        evaluationType: undefined,
        occurredAt,
      }),
    );

    expect(outcome).toEqual({ kind: 'analysis-noted', nextPollDueAt: occurredAt + 1_800 * SECOND });
    expect(h.zoom.calls).toEqual([]);
    expect(await h.observations.analysisSeenAt(h.id, 1)).toBe(occurredAt);
    expect(h.scheduler.scheduled.at(-1)?.poll.nextPollDueAt).toBe(occurredAt + 1_800 * SECOND);
  });

  it('leave a manual evaluation completed before the end to the results collected at the end', async () => {
    const h = signalHarness();

    const outcome = await h.handler.handle(h.signal({ evaluationId: 'manual-1', evaluationType: 'MANUAL' }));

    expect(outcome).toEqual({ kind: 'left-for-finish' });
    expect(h.zoom.calls).toEqual([]);
  });

  describe('an interaction with several automated evaluations', () => {
    const PROCESSING = { type: 'Automated', status: 'PROCESSING' };
    const done = (id: string) => ({ id, type: 'Automated', status: 'COMPLETED' });
    /** What Zoom's `evaluation_completed` event reports of an evaluation's result. */
    const REPORTED = {
      scorecardName: 'Automated QA',
      scoringFormat: 'points',
      score: 42,
      totalScore: 50,
      scoreRate: 0.84,
    };
    const completed = (evaluationId: string, overrides: Partial<WebhookSignal> = {}) => ({
      evaluationId,
      reported: REPORTED,
      ...overrides,
    });

    /** The first event read the detail, which listed these evaluations (auto-1 completed, the others processing). */
    async function waitingOnTheFirstEvent(...processing: readonly string[]) {
      const h = signalHarness();
      h.zoom.detail = interactionDetail([AUTOMATED, ...processing.map((id) => ({ id, ...PROCESSING }))]);
      const first = await h.handler.handle(h.signal(completed('auto-1')));
      expect(first).toMatchObject({ kind: 'waiting', phase: 'evaluating' });
      // What Zoom would answer now: no event after the first may need it.
      h.zoom.detail = interactionDetail([AUTOMATED, ...processing.map(done)]);
      h.clock.advance(MINUTE);
      return h;
    }

    const lastResults = (h: ReturnType<typeof signalHarness>) => h.results.saved.at(-1)?.collected.results;

    it('finish on the last event with one detail read in all, the evaluation completed from the event', async () => {
      const h = await waitingOnTheFirstEvent('auto-2');

      const outcome = await h.handler.handle(h.signal(completed('auto-2')));

      expect(outcome).toMatchObject({ kind: 'finished', status: 'EVALUATED', notified: true });
      expect(h.zoom.calls.map((call) => call.operation)).toEqual(['getInteraction']);
      expect(h.current().status).toBe('EVALUATED');
      expect(h.publisher.published.map((notification) => notification.event)).toEqual(['finished']);
      expect(h.exported).toHaveLength(1);
      const results = lastResults(h);
      expect(results?.status).toBe('EVALUATED');
      expect(results?.evaluations.find((evaluation) => evaluation.id === 'auto-2')).toMatchObject({
        type: 'automated',
        status: 'COMPLETED',
        scorecardName: 'Automated QA',
        scoringFormat: 'points',
        score: 42,
        totalScore: 50,
        scoreRate: 0.84,
        completedFrom: 'webhook',
      });
      const fromDetail = results?.evaluations.find((evaluation) => evaluation.id === 'auto-1');
      expect(fromDetail?.status).toBe('COMPLETED');
      expect(fromDetail?.completedFrom).toBeUndefined();
      expect(h.current().results?.revision).toBe(1);
    });

    it('change nothing on a second delivery of an event, with the same or a new event_ts', async () => {
      const h = await waitingOnTheFirstEvent('auto-2', 'auto-3');
      const second = h.signal(completed('auto-2'));
      expect(await h.handler.handle(second)).toMatchObject({ kind: 'waiting', phase: 'evaluating' });
      const before = h.current();

      const again = await h.handler.handle(second);
      const resent = await h.handler.handle(h.signal(completed('auto-2', { occurredAt: h.clock.now() })));

      expect(again).toEqual({ kind: 'duplicate' });
      expect(resent).toEqual({ kind: 'dropped', why: 'stale' });
      expect(h.current()).toEqual(before);
      expect(h.zoom.calls.map((call) => call.operation)).toEqual(['getInteraction']);
      expect(await h.handler.handle(h.signal(completed('auto-3')))).toMatchObject({
        kind: 'finished',
        status: 'EVALUATED',
      });
      expect(h.zoom.calls).toHaveLength(1);
      expect(
        lastResults(h)
          ?.evaluations.filter((evaluation) => evaluation.completedFrom === 'webhook')
          .map((evaluation) => evaluation.id),
      ).toEqual(['auto-2', 'auto-3']);
      expect(h.publisher.published).toHaveLength(1);
    });

    it('have the event handled again when a poll took the recording meanwhile', async () => {
      const h = await waitingOnTheFirstEvent('auto-2');
      const seenByTheEvent = h.current();
      await h.recordings.schedulePoll(seenByTheEvent, {
        nextPollDueAt: h.clock.now(),
        countsAsAttempt: false,
      });

      const handling = h.service.completeFromEvent(seenByTheEvent, {
        evaluationId: 'auto-2',
        reported: REPORTED,
      });

      await expect(handling).rejects.toThrow(RetryableError);
      expect(h.current().status).toBe('SUBMITTED');
      const retried = await h.handler.handle(h.signal(completed('auto-2')));
      expect(retried).toMatchObject({ kind: 'finished', status: 'EVALUATED' });
      expect(h.zoom.calls).toHaveLength(1);
    });

    it('read the detail for an evaluation the last read did not list', async () => {
      const h = await waitingOnTheFirstEvent('auto-2');
      h.zoom.detail = interactionDetail([AUTOMATED, done('auto-2'), done('auto-3')]);

      const outcome = await h.handler.handle(h.signal(completed('auto-3')));

      expect(outcome).toMatchObject({ kind: 'finished', status: 'EVALUATED' });
      expect(h.zoom.calls.map((call) => call.operation)).toEqual(['getInteraction', 'getInteraction']);
      expect(lastResults(h)?.evaluations.map((evaluation) => evaluation.completedFrom)).toEqual([
        undefined,
        undefined,
        undefined,
      ]);
    });

    it('keep no snapshot of results too large for an item (the poll function may not read the bucket)', async () => {
      const h = signalHarness();
      h.results.save = async () => ({ kind: 's3', bucket: 'results', key: 'large/results.json' });
      h.zoom.detail = interactionDetail([AUTOMATED, { id: 'auto-2', ...PROCESSING }]);
      await h.handler.handle(h.signal(completed('auto-1')));
      h.zoom.detail = interactionDetail([AUTOMATED, done('auto-2')]);

      const outcome = await h.handler.handle(h.signal(completed('auto-2')));

      expect(await h.observations.evaluationSnapshot(h.id, 1)).toBeUndefined();
      expect(outcome).toMatchObject({ kind: 'finished', status: 'EVALUATED' });
      expect(h.zoom.calls).toHaveLength(2);
    });

    it('read the detail when the event reports no score', async () => {
      const h = await waitingOnTheFirstEvent('auto-2');

      const outcome = await h.handler.handle(h.signal({ evaluationId: 'auto-2' }));

      expect(outcome).toMatchObject({ kind: 'finished', status: 'EVALUATED' });
      expect(h.zoom.calls).toHaveLength(2);
    });

    it('leave a failed evaluation, for which Zoom sends no event, to the safety net', async () => {
      const h = await waitingOnTheFirstEvent('auto-2');
      h.zoom.detail = interactionDetail([AUTOMATED, { id: 'auto-2', type: 'Automated', status: 'FAILED' }]);
      const safetyNetDueAt = h.current().poll.nextPollDueAt ?? 0;
      h.clock.advance(safetyNetDueAt - h.clock.now());

      const outcome = await h.service.poll(h.message());

      expect(outcome).toMatchObject({ kind: 'finished', status: 'EVALUATION_FAILED' });
      expect(h.zoom.calls).toHaveLength(2);
      expect(lastResults(h)?.evaluations.map((evaluation) => evaluation.status)).toEqual([
        'COMPLETED',
        'FAILED',
      ]);
    });

    it('finish EVALUATION_FAILED without a read when the last read showed one failed', async () => {
      const h = signalHarness();
      h.zoom.detail = interactionDetail([
        { id: 'auto-1', ...PROCESSING },
        { id: 'auto-2', type: 'Automated', status: 'FAILED' },
        done('auto-3'),
      ]);
      await h.handler.handle(h.signal(completed('auto-3')));

      const outcome = await h.handler.handle(h.signal(completed('auto-1')));

      expect(outcome).toMatchObject({ kind: 'finished', status: 'EVALUATION_FAILED' });
      expect(h.zoom.calls).toHaveLength(1);
    });

    it('read the detail at the end once a manual evaluation completed meanwhile', async () => {
      const h = await waitingOnTheFirstEvent('auto-2');
      await h.handler.handle(h.signal({ evaluationId: 'manual-1', evaluationType: 'MANUAL' }));
      h.zoom.detail = interactionDetail([
        AUTOMATED,
        done('auto-2'),
        { id: 'manual-1', type: 'Manual', status: 'Completed' },
      ]);
      h.zoom.scorecards.set('manual-1', evaluationDetail());

      const outcome = await h.handler.handle(h.signal(completed('auto-2')));

      expect(outcome).toMatchObject({ kind: 'finished', status: 'EVALUATED' });
      expect(h.zoom.calls.map((call) => call.operation)).toEqual([
        'getInteraction',
        'getInteraction',
        'getEvaluation',
      ]);
      expect(lastResults(h)?.evaluations.map((evaluation) => evaluation.id)).toContain('manual-1');
    });

    it('forget the snapshot when a later read shows a manual evaluation', async () => {
      const h = await waitingOnTheFirstEvent('auto-2');
      h.zoom.detail = interactionDetail([
        AUTOMATED,
        { id: 'auto-2', ...PROCESSING },
        { id: 'manual-1', type: 'Manual', status: 'Pending' },
      ]);
      h.clock.advance((h.current().poll.nextPollDueAt ?? 0) - h.clock.now());
      expect(await h.service.poll(h.message())).toMatchObject({ kind: 'waiting' });
      h.zoom.detail = interactionDetail([
        AUTOMATED,
        done('auto-2'),
        { id: 'manual-1', type: 'Manual', status: 'Pending' },
      ]);

      const outcome = await h.handler.handle(h.signal(completed('auto-2')));

      expect(outcome).toMatchObject({ kind: 'finished', status: 'EVALUATED' });
      expect(h.zoom.calls).toHaveLength(3);
      expect(lastResults(h)?.evaluations.map((evaluation) => evaluation.id)).toContain('manual-1');
    });

    it('still amends the results with a late manual evaluation', async () => {
      const h = await waitingOnTheFirstEvent('auto-2');
      await h.handler.handle(h.signal(completed('auto-2')));
      h.clock.advance(2 * 24 * HOUR);
      h.zoom.detail = interactionDetail([
        AUTOMATED,
        done('auto-2'),
        { id: 'manual-1', type: 'Manual', status: 'Completed' },
      ]);
      h.zoom.scorecards.set('manual-1', evaluationDetail());

      const outcome = await h.handler.handle(
        h.signal({ evaluationId: 'manual-1', evaluationType: 'MANUAL' }),
      );

      expect(outcome).toMatchObject({ kind: 'amended', revision: 2, changedEvaluations: ['manual-1'] });
      // The automated evaluations stay as stored at the end, the event's result included.
      expect(
        lastResults(h)?.evaluations.find((evaluation) => evaluation.id === 'auto-2')?.completedFrom,
      ).toBe('webhook');
    });
  });

  describe('a late manual evaluation', () => {
    /** A recording finished EVALUATED with its manual evaluation still pending, then completed in Zoom. */
    async function finishedThenEvaluated() {
      const h = signalHarness();
      h.zoom.detail = interactionDetail([AUTOMATED, { id: 'manual-1', type: 'Manual', status: 'Pending' }]);
      await h.handler.handle(h.signal());
      expect(h.current().status).toBe('EVALUATED');
      h.clock.advance(2 * 24 * HOUR);
      h.zoom.detail = interactionDetail([AUTOMATED, { id: 'manual-1', type: 'Manual', status: 'Completed' }]);
      h.zoom.scorecards.set('manual-1', evaluationDetail());
      h.zoom.calls.length = 0;
      return h;
    }

    it('amends the results, re-exports them and notifies evaluation_updated once', async () => {
      const h = await finishedThenEvaluated();
      const late = h.signal({ evaluationId: 'manual-1', evaluationType: 'MANUAL' });

      const outcome = await h.handler.handle(late);

      expect(outcome).toEqual({
        kind: 'amended',
        revision: 2,
        changedEvaluations: ['manual-1'],
        pendingManual: 0,
      });
      expect(h.current().results?.revision).toBe(2);
      const updates = h.publisher.published.filter(
        (notification) => notification.event === 'evaluation_updated',
      );
      expect(updates).toHaveLength(1);
      expect(updates[0]?.details).toMatchObject({ updatedEvaluationId: 'manual-1', resultsRevision: 2 });
      expect(h.exported.map((entry) => entry.revision)).toEqual([1, 2]);
      expect(h.zoom.calls.map((call) => call.operation)).toEqual(['getInteraction', 'getEvaluation']);

      // Zoom's retry of the same event, then the same evaluation found again by a later event.
      expect(await h.handler.handle(late)).toEqual({ kind: 'duplicate' });
      h.clock.advance(MINUTE);
      const again = await h.handler.handle(h.signal({ evaluationId: 'manual-1', evaluationType: 'MANUAL' }));
      expect(again).toEqual({ kind: 'unchanged', why: 'every evaluation is as stored', pendingManual: 0 });
      expect(
        h.publisher.published.filter((notification) => notification.event === 'evaluation_updated'),
      ).toHaveLength(1);
      expect(h.current().results?.revision).toBe(2);
    });

    it.each([
      ['re-scored', (scorecard: EvaluationDetail['scorecard']) => Object.assign(scorecard, { score: 3 })],
      [
        'disputed and the dispute resolved',
        (scorecard: EvaluationDetail['scorecard']) =>
          Object.assign(scorecard, { dispute_status: 'Complete' }),
      ],
    ])('notifies again when the evaluation is %s', async (_label, change) => {
      const h = await finishedThenEvaluated();
      await h.handler.handle(h.signal({ evaluationId: 'manual-1', evaluationType: 'MANUAL' }));
      h.clock.advance(HOUR);
      const changed = structuredClone(evaluationDetail());
      change(changed.scorecard);
      h.zoom.scorecards.set('manual-1', changed);

      const outcome = await h.handler.handle(
        h.signal({ evaluationId: 'manual-1', evaluationType: 'MANUAL' }),
      );

      expect(outcome).toMatchObject({ kind: 'amended', revision: 3, changedEvaluations: ['manual-1'] });
      const updates = h.publisher.published.filter(
        (notification) => notification.event === 'evaluation_updated',
      );
      expect(updates).toHaveLength(2);
      expect(new Set(updates.map((notification) => notification.notificationId)).size).toBe(2);
    });
  });

  describe('without webhooks', () => {
    const WEBHOOKS_OFF = { webhooks: { enabled: false, safetyIntervalSeconds: 1_800 } };

    it('watches a recording finished with a manual evaluation pending, then amends it and ends the watch once it completed', async () => {
      // Prepare: the poll finds the automated evaluation done, the manual one pending.
      const h = signalHarness(WEBHOOKS_OFF);
      h.zoom.automated = automatedList([{ id: 'auto-1', status: 'COMPLETED' }]);
      h.zoom.detail = interactionDetail([AUTOMATED, { id: 'manual-1', type: 'Manual', status: 'Pending' }]);
      await h.service.poll(h.message());
      const watched = h.current();
      h.clock.advance(6 * HOUR);
      const still = await h.handler.handleLateCheck({
        kind: 'late-check',
        recordingId: h.id,
        dueAt: h.clock.now(),
      });
      h.clock.advance(2 * 24 * HOUR);
      h.zoom.detail = interactionDetail([AUTOMATED, { id: 'manual-1', type: 'Manual', status: 'Completed' }]);
      h.zoom.scorecards.set('manual-1', evaluationDetail());

      // Act
      const outcome = await h.handler.handleLateCheck({
        kind: 'late-check',
        recordingId: h.id,
        dueAt: h.clock.now(),
      });

      // Assess
      expect(watched.status).toBe('EVALUATED');
      expect(watched.lateEvaluationCheck).toEqual({
        nextAt: watched.statusChangedAt + h.settings.lateEvaluations.intervalSeconds * 1_000,
        until: watched.statusChangedAt + h.settings.lateEvaluations.windowSeconds * 1_000,
      });
      expect(still).toEqual({ kind: 'unchanged', why: 'every evaluation is as stored', pendingManual: 1 });
      expect(outcome).toMatchObject({
        kind: 'amended',
        revision: 2,
        changedEvaluations: ['manual-1'],
        pendingManual: 0,
      });
      expect(h.current().lateEvaluationCheck).toBeUndefined();
      expect(
        h.publisher.published.filter((notification) => notification.event === 'evaluation_updated'),
      ).toHaveLength(1);
    });

    it('watches nothing when every manual evaluation was final at the end', async () => {
      const h = signalHarness(WEBHOOKS_OFF);
      h.zoom.automated = automatedList([{ id: 'auto-1', status: 'COMPLETED' }]);
      h.zoom.detail = interactionDetail([AUTOMATED, { id: 'manual-1', type: 'Manual', status: 'Expired' }]);

      await h.service.poll(h.message());

      expect(h.current().status).toBe('EVALUATED');
      expect(h.current().lateEvaluationCheck).toBeUndefined();
    });

    it('watches nothing with webhooks on: the events tell', async () => {
      const h = signalHarness();
      h.zoom.detail = interactionDetail([AUTOMATED, { id: 'manual-1', type: 'Manual', status: 'Pending' }]);

      await h.service.poll(h.message());

      expect(h.current().status).toBe('EVALUATED');
      expect(h.current().lateEvaluationCheck).toBeUndefined();
    });
  });
});
