/**
 * The six QM operations, independent of HTTP: each takes the parsed request and answers with a
 * status and body as Zoom would. Authentication, scopes, rate limits and faults happen before, in
 * the HTTP layer; the quirks mode is applied here, to success bodies only.
 */
import type { Clock } from '../../shared/clock.ts';
import { createContentCache } from './content/interaction-content.ts';
import type { DownloadQueue } from './download-queue.ts';
import { listAutomatedEvaluations, listEvaluations } from './evaluation-lists.ts';
import { IdempotencyKeys } from './idempotency.ts';
import { listInteractions } from './interaction-list.ts';
import { type InteractionStore, isVisible } from './interactions.ts';
import type { ListDependencies } from './list-request.ts';
import type { OperationName } from './operations.ts';
import type { PageTokens } from './pagination.ts';
import type { Participants } from './participants.ts';
import { validateAddInteraction } from './post-validation.ts';
import { applyQuirks } from './quirks.ts';
import { evaluationsAt, type RenderContext } from './render/common.ts';
import { renderEvaluationDetail } from './render/evaluation-bodies.ts';
import { renderInteractionDetail } from './render/interaction-bodies.ts';
import type { Scenario } from './scenario.ts';
import { type JsonResponse, zoomErrors } from './zoom-errors.ts';
import { wholeSecond } from './zoom-time.ts';

/** The modes the control API switches at run time. */
export interface ApiModes {
  quirks: boolean;
  idempotency: 'honour' | 'ignore';
}

export interface ApiRequest {
  readonly pathParameter: string | undefined;
  readonly query: URLSearchParams;
  readonly body: string;
  readonly idempotencyKey: string | undefined;
  /** The simulator's origin (scheme, host, port), for URLs that point back at it. */
  readonly origin: string;
}

export interface ZoomQmApiDependencies {
  readonly clock: Clock;
  readonly scenario: Scenario;
  readonly store: InteractionStore;
  readonly participants: Participants;
  readonly pageTokens: PageTokens;
  readonly downloads: DownloadQueue;
  readonly modes: ApiModes;
  readonly onReplay: () => void;
}

export class ZoomQmApi {
  readonly #deps: ZoomQmApiDependencies;
  readonly #lists: ListDependencies;
  readonly #idempotencyKeys: IdempotencyKeys;
  readonly #contentOf: RenderContext['contentOf'];

  constructor(deps: ZoomQmApiDependencies) {
    this.#deps = deps;
    this.#lists = {
      store: deps.store,
      pageTokens: deps.pageTokens,
      defaultPageSize: deps.scenario.pagination.defaultPageSize,
    };
    this.#idempotencyKeys = new IdempotencyKeys(deps.clock, deps.scenario.idempotency.keyTtlSeconds);
    this.#contentOf = createContentCache(deps.scenario.seed);
  }

  handle(operation: OperationName, request: ApiRequest): JsonResponse {
    const response = this.#dispatch(operation, request);
    if (this.#deps.modes.quirks && response.status < 300) applyQuirks(operation, response.body);
    return response;
  }

  #dispatch(operation: OperationName, request: ApiRequest): JsonResponse {
    switch (operation) {
      case 'addInteraction':
        return this.#addInteraction(request);
      case 'getInteraction':
        return this.#getInteraction(request);
      case 'getEvaluation':
        return this.#getEvaluation(request);
      case 'listInteractions':
        return listInteractions(this.#lists, request.query, this.#context(request));
      case 'listAutomatedEvaluations':
        return listAutomatedEvaluations(this.#lists, request.query, this.#context(request));
      case 'listEvaluations':
        return listEvaluations(this.#lists, request.query, this.#context(request));
    }
  }

  #context(request: ApiRequest): RenderContext {
    return {
      seed: this.#deps.scenario.seed,
      accountId: this.#deps.scenario.credentials.accountId,
      origin: request.origin,
      now: this.#deps.clock.now(),
      contentOf: this.#contentOf,
    };
  }

  /**
   * Validates and accepts an interaction, then queues its recording's download. Synchronous from
   * the key lookup to the key's storage, so two concurrent POSTs with one key cannot both create.
   */
  #addInteraction(request: ApiRequest): JsonResponse {
    const now = this.#deps.clock.now();
    const key = this.#deps.modes.idempotency === 'honour' ? request.idempotencyKey : undefined;
    const replayed = key === undefined ? undefined : this.#idempotencyKeys.find(key);
    if (replayed !== undefined) {
      this.#deps.onReplay();
      return { status: 201, body: { interaction_id: replayed } };
    }
    const validation = validateAddInteraction(request.body);
    if (!validation.valid) return validation.response;
    const posted = validation.interaction;
    const participants = this.#deps.participants.resolve(posted);
    if ('response' in participants) return participants.response;
    const record = this.#deps.store.create(
      {
        downloadUrl: posted.downloadUrl,
        channelType: posted.channelType === 'video' ? 'VIDEO' : 'AUDIO',
        agent: participants.agent,
        queue: participants.queue,
        consumerName: posted.consumerName,
        from: posted.from,
        to: posted.to,
        direction: posted.direction ?? 'inbound',
        disposition: posted.disposition,
        primaryLanguage: posted.primaryLanguage,
        startTime: posted.startTime ?? wholeSecond(now),
      },
      'api',
      now,
    );
    if (key !== undefined) this.#idempotencyKeys.remember(key, record.id);
    this.#deps.downloads.enqueue(record.id, posted.downloadUrl);
    return { status: 201, body: { interaction_id: record.id } };
  }

  #getInteraction(request: ApiRequest): JsonResponse {
    const context = this.#context(request);
    const record =
      request.pathParameter === undefined ? undefined : this.#deps.store.get(request.pathParameter);
    if (record === undefined || !isVisible(record, context.now)) return zoomErrors.interactionNotFound();
    return { status: 200, body: renderInteractionDetail(record, context) };
  }

  #getEvaluation(request: ApiRequest): JsonResponse {
    const context = this.#context(request);
    const found =
      request.pathParameter === undefined ? undefined : this.#deps.store.getEvaluation(request.pathParameter);
    const exists =
      found !== undefined &&
      evaluationsAt(found.record, context.now).some((view) => view.evaluation.id === found.evaluation.id);
    if (found === undefined || !exists || !isVisible(found.record, context.now))
      return zoomErrors.evaluationNotFound();
    return { status: 200, body: renderEvaluationDetail(found.record, found.evaluation, context) };
  }
}
