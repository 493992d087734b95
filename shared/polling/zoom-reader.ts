import type { ZoomProfile } from '../config/zoom-profile.ts';
import type { MetricsPort } from '../observability/metrics.ts';
import { ZoomNotFoundError, ZoomRateLimitedError } from '../zoom/errors.ts';
import type { ZoomOperation } from '../zoom/operations.ts';
import type { AutomatedEvaluation, EvaluationDetail, InteractionDetail } from '../zoom/schemas.ts';
import { PollMetric } from './metrics.ts';
import type { ZoomQmReader } from './ports.ts';

/**
 * The poller's view of one Zoom account: the three reads it makes, each counted by rate-limit
 * label (calls and 429s, the EMF metrics of the dashboard), with "not found" as a value rather
 * than an error, since a 404 is an ordinary answer while Zoom has not analysed a recording yet.
 * Every call takes its (account, label) limiter token first: the client does that.
 */

/** Pages of automated evaluations read at most for one interaction (Zoom lists a handful). */
export const MAX_EVALUATION_PAGES = 10;

export class PollZoomReader {
  readonly #profile: ZoomProfile;
  readonly #client: ZoomQmReader;
  readonly #metrics: MetricsPort;
  #calls = 0;

  constructor(
    access: { readonly profile: ZoomProfile; readonly client: ZoomQmReader },
    metrics: MetricsPort,
  ) {
    this.#profile = access.profile;
    this.#client = access.client;
    this.#metrics = metrics;
  }

  /** The Zoom profile read through (its settings decide how a poll reads). */
  get profile(): ZoomProfile {
    return this.#profile;
  }

  /** Zoom calls made through this reader (refusals by the local limiter excluded). */
  get calls(): number {
    return this.#calls;
  }

  /** GET /qm/automated_evaluations?interaction_id= (LIGHT), every page. */
  async automatedEvaluations(interactionId: string): Promise<AutomatedEvaluation[]> {
    const evaluations = new Map<string, AutomatedEvaluation>();
    let pageToken: string | undefined;
    for (let page = 0; page < MAX_EVALUATION_PAGES; page += 1) {
      const result = await this.#counted('listAutomatedEvaluations', () =>
        this.#client.listAutomatedEvaluationsPage({ interaction_id: interactionId }, pageToken),
      );
      for (const evaluation of result.data) {
        evaluations.set(evaluation.id, evaluation);
      }
      pageToken =
        result.next_page_token === undefined || result.next_page_token === ''
          ? undefined
          : result.next_page_token;
      if (pageToken === undefined) {
        break;
      }
    }
    return [...evaluations.values()];
  }

  /** GET /qm/interactions/{id} (MEDIUM); undefined while Zoom answers 404. */
  interaction(interactionId: string): Promise<InteractionDetail | undefined> {
    return this.#orNotFound(
      this.#counted('getInteraction', () => this.#client.getInteraction(interactionId)),
    );
  }

  /** GET /qm/evaluation/{id} (MEDIUM): a manual evaluation's scorecard; undefined when Zoom has none. */
  evaluation(evaluationId: string): Promise<EvaluationDetail | undefined> {
    return this.#orNotFound(this.#counted('getEvaluation', () => this.#client.getEvaluation(evaluationId)));
  }

  async #counted<TResult>(operation: ZoomOperation, call: () => Promise<TResult>): Promise<TResult> {
    const label = this.#profile.operationLabels[operation];
    try {
      const result = await call();
      this.#record(operation, label);
      return result;
    } catch (error) {
      if (error instanceof ZoomRateLimitedError) {
        this.#metrics.count(PollMetric.zoomRateLimited, 1, {
          label,
          kind: error.rateLimit.kind,
          source: error.rateLimit.source,
        });
        if (error.rateLimit.source === 'zoom') {
          this.#record(operation, label);
        }
      } else {
        this.#record(operation, label);
      }
      throw error;
    }
  }

  #record(operation: ZoomOperation, label: string): void {
    this.#calls += 1;
    this.#metrics.count(PollMetric.zoomCalls, 1, { operation, label });
  }

  async #orNotFound<TResult>(call: Promise<TResult>): Promise<TResult | undefined> {
    try {
      return await call;
    } catch (error) {
      if (error instanceof ZoomNotFoundError) {
        return undefined;
      }
      throw error;
    }
  }
}
