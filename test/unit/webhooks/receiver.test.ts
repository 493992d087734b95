import { describe, expect, it } from 'vitest';
import { InMemoryMetrics } from '../../../shared/observability/metrics.ts';
import type { WebhookSignal } from '../../../shared/polling/poll-message.ts';
import type { Recording } from '../../../shared/recordings/recording.ts';
import type { WebhookAccount } from '../../../shared/webhooks/accounts.ts';
import { WebhookMetric } from '../../../shared/webhooks/metrics.ts';
import { WebhookReceiver } from '../../../shared/webhooks/receiver.ts';
import { webhookSignature } from '../../../shared/webhooks/signature.ts';
import { ManualClock } from '../../helpers/shared-manual-clock.ts';

const NOW = Date.parse('2026-12-07T03:00:00Z');
const ACCOUNTS: WebhookAccount[] = [
  { profile: 'east', accountId: 'acct-east', secretToken: 'secret-east' },
  { profile: 'west', accountId: 'acct-west', secretToken: 'secret-west' },
];
const KNOWN = { account: 'acct-west', interaction: 'int-42', recordingId: 'rec-42' };

function harness() {
  const metrics = new InMemoryMetrics();
  const sent: WebhookSignal[] = [];
  const lookups: string[] = [];
  const receiver = new WebhookReceiver({
    accounts: { list: async () => ACCOUNTS },
    recordings: {
      findByInteraction: async (accountId, interactionId) => {
        lookups.push(`${accountId}/${interactionId}`);
        return accountId === KNOWN.account && interactionId === KNOWN.interaction
          ? ({ recordingId: KNOWN.recordingId } as Recording)
          : undefined;
      },
    },
    signals: { send: async (signal) => void sent.push(signal) },
    clock: new ManualClock(NOW),
    metrics,
  });
  return { receiver, metrics, sent, lookups };
}

/** A request as Zoom sends it: the body's bytes, signed at `timestamp` with `secret`. */
function zoomRequest(body: unknown, secret: string | undefined, timestamp = Math.floor(NOW / 1_000)) {
  const raw = Buffer.from(JSON.stringify(body));
  const headers: Record<string, string> =
    secret === undefined
      ? {}
      : {
          'x-zm-request-timestamp': String(timestamp),
          'x-zm-signature': webhookSignature(secret, String(timestamp), raw),
        };
  return { rawBody: raw, header: (name: string) => headers[name] };
}

const evaluationCompleted = (accountId: string, interactionId: string, type = 'MANUAL') => ({
  event: 'quality_management.evaluation_completed',
  event_ts: NOW - 2_000,
  payload: {
    account_id: accountId,
    object: {
      interaction_id: interactionId,
      evaluation_id: 'eval-7',
      evaluation_type: type,
      scorecard_name: 'Call quality',
      scoring_format: 'points',
      total_possible_score: 12,
      evaluation_score: 10,
      evaluation_score_ratio: 0.83,
    },
  },
});

const analysisCompleted = (accountId: string, interactionId: string) => ({
  event: 'quality_management.interaction_analysis_completed',
  event_ts: NOW - 1_000,
  payload: { account_id: accountId, object: { interaction_info: { interaction_id: interactionId } } },
});

describe('the webhook receiver', () => {
  it('answers the URL validation with the token of the account whose secret signed it', async () => {
    const { receiver, metrics } = harness();
    const body = { event: 'endpoint.url_validation', event_ts: NOW, payload: { plainToken: 'plain-1' } };

    const response = await receiver.receive(zoomRequest(body, 'secret-west'));

    expect(response).toEqual({
      status: 200,
      body: {
        plainToken: 'plain-1',
        // hex HMAC-SHA256('secret-west', 'plain-1'), computed with Python's hmac module
        encryptedToken: '76aad9e2ea1136590fe2b7a069659083aa0c37d8223bd9e3aefbcb60ff7944a9',
      },
    });
    expect(metrics.total(WebhookMetric.urlValidations)).toBe(1);
  });

  it('hands an evaluation of a known interaction to the poll queue, routed by account', async () => {
    const { receiver, sent, metrics } = harness();

    const response = await receiver.receive(
      zoomRequest(evaluationCompleted(KNOWN.account, KNOWN.interaction), 'secret-west'),
    );

    expect(response).toEqual({ status: 200 });
    expect(sent).toEqual([
      {
        kind: 'webhook',
        recordingId: KNOWN.recordingId,
        signal: 'evaluation-completed',
        evaluationId: 'eval-7',
        evaluationType: 'MANUAL',
        reported: {
          scorecardName: 'Call quality',
          scoringFormat: 'points',
          totalScore: 12,
          score: 10,
          scoreRate: 0.83,
        },
        occurredAt: NOW - 2_000,
        dueAt: NOW,
      },
    ]);
    expect(metrics.total(WebhookMetric.accepted)).toBe(1);
  });

  it('hands the end of an analysis over as such', async () => {
    const { receiver, sent } = harness();

    await receiver.receive(zoomRequest(analysisCompleted(KNOWN.account, KNOWN.interaction), 'secret-west'));

    expect(sent).toMatchObject([
      { recordingId: KNOWN.recordingId, signal: 'analysis-completed', occurredAt: NOW - 1_000 },
    ]);
  });

  it('counts and drops an event about an interaction qm-ingest does not know', async () => {
    const { receiver, sent, metrics } = harness();

    const response = await receiver.receive(
      zoomRequest(evaluationCompleted(KNOWN.account, 'someone-elses'), 'secret-west'),
    );

    expect(response).toEqual({ status: 200 });
    expect(sent).toEqual([]);
    expect(metrics.total(WebhookMetric.unknownInteraction)).toBe(1);
  });

  it('looks an interaction up in the sending account only', async () => {
    const { receiver, sent, lookups } = harness();

    await receiver.receive(zoomRequest(evaluationCompleted('acct-east', KNOWN.interaction), 'secret-east'));

    expect(lookups).toEqual([`acct-east/${KNOWN.interaction}`]);
    expect(sent).toEqual([]);
  });

  it.each([
    [
      "forged (another account's secret)",
      zoomRequest(evaluationCompleted(KNOWN.account, KNOWN.interaction), 'secret-east'),
      'mismatch',
    ],
    ['unsigned', zoomRequest(evaluationCompleted(KNOWN.account, KNOWN.interaction), undefined), 'missing'],
    [
      'stale (signed 6 minutes ago)',
      zoomRequest(
        evaluationCompleted(KNOWN.account, KNOWN.interaction),
        'secret-west',
        Math.floor(NOW / 1_000) - 360,
      ),
      'stale',
    ],
    [
      'from an account no profile has',
      zoomRequest(evaluationCompleted('acct-nobody', KNOWN.interaction), 'secret-west'),
      'unknown-account',
    ],
  ])(
    'refuses a request that is %s with 401, a metric, and no side effect',
    async (_label, request, reason) => {
      const { receiver, sent, lookups, metrics } = harness();

      const response = await receiver.receive(request);

      expect(response.status).toBe(401);
      expect(sent).toEqual([]);
      expect(lookups).toEqual([]);
      expect(metrics.total(WebhookMetric.rejected, { reason })).toBe(1);
    },
  );

  it('refuses a URL validation signed by no known secret', async () => {
    const { receiver } = harness();
    const body = { event: 'endpoint.url_validation', event_ts: NOW, payload: { plainToken: 'plain-1' } };

    expect((await receiver.receive(zoomRequest(body, 'guessed'))).status).toBe(401);
  });

  it("drops an event named as the reference's faulty example names it (analysis completed, evaluation body)", async () => {
    const { receiver, sent, metrics } = harness();
    const faulty = {
      ...evaluationCompleted(KNOWN.account, KNOWN.interaction),
      event: 'quality_management.interaction_analysis_completed',
    };

    const response = await receiver.receive(zoomRequest(faulty, 'secret-west'));

    expect(response).toEqual({ status: 200 });
    expect(sent).toEqual([]);
    expect(metrics.total(WebhookMetric.ignored)).toBe(1);
  });

  it('acknowledges and drops a verified event qm-ingest does not subscribe to', async () => {
    const { receiver, sent, metrics } = harness();
    const other = {
      event: 'meeting.started',
      event_ts: NOW,
      payload: { account_id: KNOWN.account, object: {} },
    };

    expect(await receiver.receive(zoomRequest(other, 'secret-west'))).toEqual({ status: 200 });
    expect(sent).toEqual([]);
    expect(metrics.total(WebhookMetric.ignored, { event: 'meeting.started' })).toBe(1);
  });
});
