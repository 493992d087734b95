/**
 * Zoom's QM webhooks, as Zoom sends them (https://developers.zoom.us/docs/api/webhooks/ and
 * ../../shared/zoom-qm-webhooks.json): a receiver's URL is validated first (`endpoint.url_validation`,
 * answered with the HMAC of a plain token), then every event is a signed POST
 * (`x-zm-request-timestamp`, `x-zm-signature` = v0= + HMAC-SHA256 of `v0:{ts}:{body}`), and one not
 * acknowledged with 200 or 204 within 3 s is sent again 5, 20 and 60 minutes later (Zoom's
 * developer blog, "Resolving webhook delays"; compressed here by the scenario's time scale).
 *
 * Events come from the interactions qm-ingest created (their lifecycle is a function of the clock):
 * `interaction_analysis_completed` when the analysis is done, `evaluation_completed` when an
 * automated evaluation completes (AUTOMATED) and when a manual one does (MANUAL). Zoom documents
 * no event for a failed evaluation, so none is sent. The scenario can drop, duplicate, delay or
 * mis-sign events.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Clock } from '../../shared/clock.ts';
import { evaluationResult } from './content/evaluation-content.ts';
import type { InteractionRecord, InteractionStore } from './interactions.ts';
import { createRandom, type Random, sampleDurationMs } from './random.ts';
import type { Scenario } from './scenario.ts';

/** How often due events are looked for: small against the compressed clock's seconds. */
const TICK_MS = 50;

export interface WebhookCounters {
  /** Events Zoom decided to send (drops excluded). */
  readonly events: number;
  readonly dropped: number;
  /** Deliveries made (first attempts, duplicates and retries). */
  readonly deliveries: number;
  readonly acknowledged: number;
  readonly retries: number;
  /** Events given up after the last retry. */
  readonly abandoned: number;
}

interface Delivery {
  readonly key: string;
  readonly body: string;
  readonly misSigned: boolean;
  attempt: number;
  dueAt: number;
}

interface DueEvent {
  readonly key: string;
  readonly at: number;
  readonly body: Record<string, unknown>;
}

export class WebhookSender {
  readonly #clock: Clock;
  readonly #scenario: Scenario;
  readonly #store: InteractionStore;
  readonly #accountId: string;
  readonly #random: Random;
  readonly #seen = new Set<string>();
  readonly #deliveries: Delivery[] = [];
  readonly #inFlight = new Set<Promise<void>>();
  #url: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #counters = { events: 0, dropped: 0, deliveries: 0, acknowledged: 0, retries: 0, abandoned: 0 };

  constructor(clock: Clock, scenario: Scenario, store: InteractionStore, accountId: string) {
    this.#clock = clock;
    this.#scenario = scenario;
    this.#store = store;
    this.#accountId = accountId;
    this.#random = createRandom(scenario.seed, 'webhooks');
  }

  get url(): string | undefined {
    return this.#url;
  }

  counters(): WebhookCounters {
    return { ...this.#counters };
  }

  /**
   * Validates `url` as Zoom does when an event subscription is saved, then sends it every event
   * from now on (those of interactions already finished are sent too, as their times come due).
   * Throws when the receiver does not answer the validation correctly.
   */
  async subscribe(url: string): Promise<void> {
    const plainToken = randomBytes(16).toString('base64url');
    const body = JSON.stringify({
      payload: { plainToken },
      event_ts: this.#clock.now(),
      event: 'endpoint.url_validation',
    });
    const response = await this.#post(url, body, this.#scenario.webhooks.secretToken);
    const expected = createHmac('sha256', this.#scenario.webhooks.secretToken)
      .update(plainToken)
      .digest('hex');
    const answer: unknown = response.ok ? await response.json().catch(() => undefined) : undefined;
    const valid =
      typeof answer === 'object' &&
      answer !== null &&
      'plainToken' in answer &&
      'encryptedToken' in answer &&
      answer.plainToken === plainToken &&
      answer.encryptedToken === expected;
    if (!valid) {
      throw new Error(`Zoom webhook URL validation failed for ${url} (HTTP ${response.status})`);
    }
    this.#url = url;
    this.#timer ??= setInterval(() => this.#tick(), TICK_MS);
    this.#timer.unref();
  }

  /** Stops sending; waits for the deliveries in flight. */
  async stop(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    await Promise.allSettled([...this.#inFlight]);
  }

  #tick(): void {
    const url = this.#url;
    if (url === undefined) return;
    const now = this.#clock.now();
    for (const event of this.#dueEvents(now)) {
      this.#plan(event, now);
    }
    const due = this.#deliveries.filter((delivery) => delivery.dueAt <= now);
    for (const delivery of due) {
      this.#deliveries.splice(this.#deliveries.indexOf(delivery), 1);
      const sending = this.#deliver(url, delivery).finally(() => this.#inFlight.delete(sending));
      this.#inFlight.add(sending);
    }
  }

  /** Decides the event's fate once: dropped, delayed, sent once or twice, signed right or not. */
  #plan(event: DueEvent, now: number): void {
    const settings = this.#scenario.webhooks;
    if (this.#random.chance(settings.dropRate)) {
      this.#counters.dropped += 1;
      return;
    }
    this.#counters.events += 1;
    const body = JSON.stringify(event.body);
    const dueAt = now + sampleDurationMs(settings.delay, this.#random) * this.#store.timeScale;
    const misSigned = this.#random.chance(settings.misSignRate);
    this.#deliveries.push({ key: event.key, body, misSigned, attempt: 0, dueAt });
    if (this.#random.chance(settings.duplicateRate)) {
      this.#deliveries.push({ key: event.key, body, misSigned: false, attempt: 0, dueAt });
    }
  }

  async #deliver(url: string, delivery: Delivery): Promise<void> {
    const settings = this.#scenario.webhooks;
    const secret =
      delivery.misSigned && delivery.attempt === 0 ? 'not-the-secret-token' : settings.secretToken;
    this.#counters.deliveries += 1;
    const acknowledged = await this.#post(url, delivery.body, secret).then(
      (response) => response.status === 200 || response.status === 204,
      () => false,
    );
    if (acknowledged) {
      this.#counters.acknowledged += 1;
      return;
    }
    const retryAfterSeconds = settings.retrySeconds[delivery.attempt];
    if (retryAfterSeconds === undefined) {
      this.#counters.abandoned += 1;
      return;
    }
    this.#counters.retries += 1;
    delivery.attempt += 1;
    delivery.dueAt = this.#clock.now() + retryAfterSeconds * 1_000 * this.#store.timeScale;
    this.#deliveries.push(delivery);
  }

  #post(url: string, body: string, secret: string): Promise<Response> {
    const timestamp = String(Math.floor(this.#clock.now() / 1_000));
    const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
    return fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-zm-request-timestamp': timestamp,
        'x-zm-signature': signature,
      },
      body,
      signal: AbortSignal.timeout(this.#scenario.webhooks.timeoutMs),
    });
  }

  /** The events of qm-ingest's interactions that have happened by `now` and were not planned yet. */
  #dueEvents(now: number): DueEvent[] {
    const due: DueEvent[] = [];
    for (const record of this.#store.all()) {
      if (record.source !== 'api' || record.analysisDoneAt === undefined) continue;
      for (const event of this.#eventsOf(record)) {
        if (event.at <= now && !this.#seen.has(event.key)) {
          this.#seen.add(event.key);
          due.push(event);
        }
      }
    }
    return due;
  }

  #eventsOf(record: InteractionRecord): DueEvent[] {
    const analysisDoneAt = record.analysisDoneAt ?? 0;
    const agent = { agent_user_id: record.input.agent.userId, display_name: record.input.agent.displayName };
    // Zoom's event_ts is whole epoch milliseconds; the simulated times are fractional when scaled.
    const events: DueEvent[] = [
      {
        key: `${record.id}:analysis`,
        at: analysisDoneAt,
        body: {
          event: 'quality_management.interaction_analysis_completed',
          event_ts: Math.round(analysisDoneAt),
          payload: {
            account_id: this.#accountId,
            object: {
              start_time: new Date(record.input.startTime).toISOString().replace(/\.\d{3}Z$/, 'Z'),
              direction: record.input.direction,
              engagement_id: record.engagementId,
              interaction_info: {
                interaction_id: record.id,
                agent_name: record.input.agent.displayName,
                channel_type: record.input.channelType,
              },
            },
          },
        },
      },
    ];
    const completed = [
      ...record.automated
        .filter((evaluation) => evaluation.finalStatus === 'COMPLETED')
        .map((evaluation) => ({ evaluation, at: evaluation.finalAt, type: 'AUTOMATED' })),
      ...(record.manual?.finalStatus === 'Completed'
        ? [{ evaluation: record.manual, at: record.manual.finalAt, type: 'MANUAL' }]
        : []),
    ];
    for (const { evaluation, at, type } of completed) {
      if (at === undefined) continue;
      // The result the detail shows once it completed, in the event's documented fields.
      const result = evaluationResult(this.#scenario.seed, evaluation, true);
      events.push({
        key: `${record.id}:evaluation:${evaluation.id}`,
        at,
        body: {
          event: 'quality_management.evaluation_completed',
          event_ts: Math.round(at),
          payload: {
            account_id: this.#accountId,
            object: {
              interaction_id: record.id,
              evaluation_id: evaluation.id,
              agent_user_id: agent.agent_user_id,
              agent_info: agent,
              scorecard_name: result.scorecard.name,
              scoring_format: result.scorecard.scoringFormat,
              total_possible_score: result.totalScore,
              evaluation_score: result.score,
              evaluation_score_ratio: result.scoreRate,
              evaluation_type: type,
            },
          },
        },
      });
    }
    return events;
  }
}
