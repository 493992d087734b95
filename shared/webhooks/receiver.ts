import type { Clock } from '../clock.ts';
import { type Instrumented, InstrumentedService } from '../observability/instrumented.ts';
import type { WebhookSignal } from '../polling/poll-message.ts';
import type { RecordingRepository } from '../recordings/repository.ts';
import type { WebhookAccount, WebhookAccounts } from './accounts.ts';
import {
  analysisCompletedSchema,
  evaluationCompletedSchema,
  urlValidationSchema,
  type WebhookEnvelope,
  WebhookEvent,
  webhookEnvelopeSchema,
} from './events.ts';
import { WebhookMetric } from './metrics.ts';
import {
  checkSignature,
  encryptedToken,
  SIGNATURE_HEADER,
  type SignatureRejection,
  TIMESTAMP_HEADER,
} from './signature.ts';

/**
 * The webhook receiver's core: authenticates a request from Zoom, answers the URL validation, and
 * hands each QM event about a recording qm-ingest submitted to the poll queue, answering at once
 * (Zoom waits about 3 s and retries what is not acknowledged). It never calls Zoom: the poll
 * function does that, with the claim that makes a duplicate event harmless.
 *
 * A request that is unsigned, stale, forged or from an account no profile has is refused with
 * 401 before anything is read or written, and counted. Zoom's retries of an event whose hand-over
 * failed come back as the same event: the answer is then 500, so Zoom tries again.
 */

export interface WebhookRequest {
  readonly rawBody: Uint8Array;
  /** A request header by its lower-case name. */
  readonly header: (name: string) => string | undefined;
}

export type WebhookResponse =
  | { readonly status: 200; readonly body?: { readonly plainToken: string; readonly encryptedToken: string } }
  | { readonly status: 400 | 401; readonly body: { readonly error: string } };

/** Where verified events go: the poll queue. */
export interface WebhookSignalSink {
  send(signal: WebhookSignal): Promise<void>;
}

export interface WebhookReceiverDependencies extends Instrumented {
  readonly accounts: WebhookAccounts;
  readonly recordings: Pick<RecordingRepository, 'findByInteraction'>;
  readonly signals: WebhookSignalSink;
  readonly clock: Clock;
}

type RejectionReason = SignatureRejection | 'unknown-account';

export class WebhookReceiver extends InstrumentedService<WebhookReceiverDependencies> {
  async receive(request: WebhookRequest): Promise<WebhookResponse> {
    const envelope = readEnvelope(request.rawBody);
    if (envelope === undefined) {
      // Unreadable bodies are refused like unsigned ones: nothing in them can be trusted or used.
      return this.#reject('missing', undefined);
    }
    const accounts = await this.deps.accounts.list();
    const candidates = signersFor(envelope, accounts);
    if (candidates.length === 0) {
      return this.#reject('unknown-account', envelope);
    }
    const check = checkSignature(
      {
        signature: request.header(SIGNATURE_HEADER),
        timestamp: request.header(TIMESTAMP_HEADER),
        rawBody: request.rawBody,
      },
      candidates.map((account) => account.secretToken),
      this.deps.clock.now(),
    );
    if (!check.ok) {
      return this.#reject(check.why, envelope);
    }
    const signer = candidates.find((account) => account.secretToken === check.secretToken);
    return this.#handle(envelope, signer, check.secretToken);
  }

  async #handle(
    envelope: WebhookEnvelope,
    signer: WebhookAccount | undefined,
    secretToken: string,
  ): Promise<WebhookResponse> {
    switch (envelope.event) {
      case WebhookEvent.urlValidation: {
        const parsed = urlValidationSchema.safeParse(envelope);
        if (!parsed.success) {
          return { status: 400, body: { error: 'URL validation without a plainToken' } };
        }
        const { plainToken } = parsed.data.payload;
        this.metrics.count(WebhookMetric.urlValidations);
        this.logger.info('Zoom webhook URL validated', { profile: signer?.profile });
        return { status: 200, body: { plainToken, encryptedToken: encryptedToken(secretToken, plainToken) } };
      }
      case WebhookEvent.analysisCompleted: {
        const parsed = analysisCompletedSchema.safeParse(envelope);
        if (!parsed.success) {
          return this.#malformed(envelope);
        }
        const { payload, event_ts } = parsed.data;
        return this.#forward(
          envelope.event,
          payload.account_id,
          payload.object.interaction_info.interaction_id,
          {
            signal: 'analysis-completed',
            occurredAt: event_ts,
          },
        );
      }
      case WebhookEvent.evaluationCompleted: {
        const parsed = evaluationCompletedSchema.safeParse(envelope);
        if (!parsed.success) {
          return this.#malformed(envelope);
        }
        const { payload, event_ts } = parsed.data;
        const { object } = payload;
        return this.#forward(envelope.event, payload.account_id, object.interaction_id, {
          signal: 'evaluation-completed',
          evaluationId: object.evaluation_id,
          evaluationType: object.evaluation_type,
          reported: {
            scorecardName: object.scorecard_name,
            scoringFormat: object.scoring_format,
            totalScore: object.total_possible_score,
            score: object.evaluation_score,
            scoreRate: object.evaluation_score_ratio,
          },
          occurredAt: event_ts,
        });
      }
      default:
        this.metrics.count(WebhookMetric.ignored, 1, { event: envelope.event.slice(0, 64) });
        this.logger.info('Zoom webhook event not subscribed to by qm-ingest; dropped', {
          event: envelope.event,
        });
        return { status: 200 };
    }
  }

  /** Finds the recording of the event's interaction and queues the signal; an unknown one is counted and dropped. */
  async #forward(
    event: string,
    accountId: string,
    interactionId: string | undefined,
    signal: Pick<WebhookSignal, 'signal' | 'evaluationId' | 'evaluationType' | 'reported' | 'occurredAt'>,
  ): Promise<WebhookResponse> {
    const recording =
      interactionId === undefined
        ? undefined
        : await this.deps.recordings.findByInteraction(accountId, interactionId);
    if (recording === undefined) {
      this.metrics.count(WebhookMetric.unknownInteraction, 1, { event });
      this.logger.info('Zoom webhook about an interaction qm-ingest does not know; dropped', {
        event,
        zoomAccountId: accountId,
        interactionId,
      });
      return { status: 200 };
    }
    const now = this.deps.clock.now();
    await this.deps.signals.send({
      kind: 'webhook',
      recordingId: recording.recordingId,
      ...signal,
      dueAt: now,
    });
    this.metrics.count(WebhookMetric.accepted, 1, { event });
    this.logger.info('Zoom webhook handed to the poll queue', {
      event,
      recordingId: recording.recordingId,
      interactionId,
      evaluationId: signal.evaluationId,
    });
    return { status: 200 };
  }

  /** Signed by Zoom but not the shape its reference gives: acknowledged (a retry would not fix it), logged. */
  #malformed(envelope: WebhookEnvelope): WebhookResponse {
    this.metrics.count(WebhookMetric.ignored, 1, { event: envelope.event });
    this.logger.error('Zoom webhook event not in the documented shape; dropped', { event: envelope.event });
    return { status: 200 };
  }

  #reject(reason: RejectionReason, envelope: WebhookEnvelope | undefined): WebhookResponse {
    this.metrics.count(WebhookMetric.rejected, 1, { reason });
    this.logger.warn('Webhook request refused', {
      reason,
      event: envelope?.event,
      zoomAccountId: envelope?.payload.account_id,
    });
    return { status: 401, body: { error: 'unauthorized' } };
  }
}

function readEnvelope(rawBody: Uint8Array): WebhookEnvelope | undefined {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(rawBody).toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = webhookEnvelopeSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

/**
 * The accounts whose secret token may have signed the request: the one named by
 * `payload.account_id`; for a URL validation, which names no account, every account (the app's
 * event subscription has one secret token; several accounts may share one endpoint).
 */
function signersFor(
  envelope: WebhookEnvelope,
  accounts: readonly WebhookAccount[],
): readonly WebhookAccount[] {
  if (envelope.event === WebhookEvent.urlValidation) {
    return accounts;
  }
  return accounts.filter((account) => account.accountId === envelope.payload.account_id);
}
