import { type Clock, systemClock } from '../clock.ts';
import type { ZoomProfile } from '../config/zoom-profile.ts';
import { type Logger, redactingLogger, silentLogger } from '../logging.ts';
import { redactUrl } from '../redact.ts';
import type * as z from '../zod.ts';
import type { CredentialsProvider, ZoomCredentials } from './credentials.ts';
import type { UnknownEnumValueReport, UnknownEnumValueReporter } from './enums.ts';
import {
  isZoomError,
  type PreSendStep,
  ZoomAuthError,
  ZoomNotSentError,
  ZoomRateLimitedError,
  ZoomTransientError,
  ZoomValidationError,
} from './errors.ts';
import { exchange, type FetchFn, type HttpAnswer } from './http.ts';
import { requestAccessToken } from './oauth.ts';
import type { ZoomOperation } from './operations.ts';
import { paginate } from './pagination.ts';
import type { AccessToken, RateLimiter, RateLimitLabel, TokenStore } from './ports.ts';
import {
  type CreateInteractionRequest,
  createInteractionRequestSchema,
  type ListAutomatedEvaluationsQuery,
  type ListEvaluationsQuery,
  type ListInteractionsQuery,
  listAutomatedEvaluationsQuerySchema,
  listEvaluationsQuerySchema,
  listInteractionsQuerySchema,
  MAX_PAGE_SIZE,
  toSearchParams,
} from './requests.ts';
import { errorFromAnswer, isTokenRejection, parseSuccessBody } from './responses.ts';
import { backoffDelayMs, realSleep, type Sleep } from './retry.ts';
import {
  type AutomatedEvaluation,
  type AutomatedEvaluationListPage,
  type CreateInteractionResponse,
  createZoomResponseSchemas,
  type EvaluationDetail,
  type EvaluationListPage,
  type EvaluationSummary,
  type InteractionDetail,
  type InteractionListPage,
  type InteractionSummary,
  type ZoomResponseSchemas,
} from './schemas.ts';

export interface ZoomQmClientOptions {
  readonly profile: ZoomProfile;
  readonly credentials: CredentialsProvider;
  readonly tokenStore: TokenStore;
  readonly rateLimiter: RateLimiter;
  /** Defaults to `globalThis.fetch`. */
  readonly fetch?: FetchFn | undefined;
  readonly clock?: Clock | undefined;
  /** Receives one line per request; everything is redacted before it gets there. */
  readonly logger?: Logger | undefined;
  /** Waits between retries; defaults to a timer. */
  readonly sleep?: Sleep | undefined;
  /** Jitter source for retry backoff; defaults to Math.random. */
  readonly random?: (() => number) | undefined;
  /** Called for every enum value Zoom sends that qm-ingest does not know (e.g. to count it as a metric). */
  readonly onUnknownEnumValue?: UnknownEnumValueReporter | undefined;
}

export interface CreateInteractionOptions {
  /**
   * Sent as `Idempotency-Key`. The caller derives it from the recording's identity and submission
   * number, so a retried POST is recognised by Zoom; the client never invents one.
   */
  readonly idempotencyKey: string;
}

/** The operations that list, each with the largest page size Zoom accepts. */
type ListOperation = keyof typeof MAX_PAGE_SIZE;

/** What every list page carries besides its items. */
interface PageBody {
  readonly next_page_token?: string | undefined;
}

interface Call<TOutput> {
  readonly operation: ZoomOperation;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly query?: URLSearchParams | undefined;
  readonly body?: string | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly schema: z.ZodMiniType<TOutput>;
}

const USER_AGENT = 'qm-ingest';
/** Visible ASCII, as an HTTP header value allows, and short enough for any store. */
const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7E]{1,255}$/;
/** At most this many distinct unknown enum values are logged per client; all are still reported. */
const MAX_LOGGED_UNKNOWN_VALUES = 200;

/**
 * The Zoom Quality Management API client: all six operations, typed end to end. Every call takes a
 * token from the rate limiter (keyed by Zoom account and the operation's label), uses the account's
 * shared access token (refreshed before expiry, and once after a 401 code 124), has a timeout, and
 * answers with a validated body or one of the errors of errors.ts. GETs are retried a few times on
 * transient failures; the POST never is (its caller owns idempotency). 429s are never retried
 * here: callers are queue consumers that re-queue with the error's `retryAfterMs`.
 */
export class ZoomQmClient {
  readonly #profile: ZoomProfile;
  readonly #credentials: CredentialsProvider;
  readonly #tokens: TokenStore;
  readonly #limiter: RateLimiter;
  readonly #fetch: FetchFn;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #sleep: Sleep;
  readonly #random: () => number;
  readonly #schemas: ZoomResponseSchemas;

  constructor(options: ZoomQmClientOptions) {
    this.#profile = options.profile;
    this.#credentials = options.credentials;
    this.#tokens = options.tokenStore;
    this.#limiter = options.rateLimiter;
    this.#fetch = options.fetch ?? ((url, init) => globalThis.fetch(url, init));
    this.#clock = options.clock ?? systemClock;
    this.#logger = redactingLogger(options.logger ?? silentLogger);
    this.#sleep = options.sleep ?? realSleep;
    this.#random = options.random ?? Math.random;
    this.#schemas = createZoomResponseSchemas(this.#unknownValueReporter(options.onUnknownEnumValue));
  }

  /** POST /qm/interactions: asks Zoom to download a recording and analyse it. */
  async createInteraction(
    body: CreateInteractionRequest,
    options: CreateInteractionOptions,
  ): Promise<CreateInteractionResponse> {
    const operation = 'createInteraction';
    const validBody = validated(operation, createInteractionRequestSchema, body, 'body');
    if (!IDEMPOTENCY_KEY_PATTERN.test(options.idempotencyKey)) {
      throw new ZoomValidationError('invalid request, not sent', { operation }, [
        { field: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' },
      ]);
    }
    return this.#call({
      operation,
      method: 'POST',
      path: '/qm/interactions',
      body: JSON.stringify(validBody),
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': options.idempotencyKey },
      schema: this.#schemas.createdInteraction,
    });
  }

  /** GET /qm/interactions, every page: each interaction once, restarting cleanly if a page token expires. */
  listInteractions(query: ListInteractionsQuery = {}): AsyncIterable<InteractionSummary> {
    return this.#everyItem(
      'listInteractions',
      query,
      (pageQuery, token) => this.listInteractionsPage(pageQuery, token),
      (page) => page.interactions,
      (interaction) => interaction.interaction_info.interaction_id,
    );
  }

  /** GET /qm/interactions, one page. */
  async listInteractionsPage(
    query: ListInteractionsQuery = {},
    nextPageToken?: string,
  ): Promise<InteractionListPage> {
    return this.#listPage(
      'listInteractions',
      '/qm/interactions',
      listInteractionsQuerySchema,
      query,
      nextPageToken,
      this.#schemas.interactionListPage,
    );
  }

  /** GET /qm/interactions/{interactionId}. Answers {@link ZoomNotFoundError} until Zoom has analysed a new interaction. */
  async getInteraction(interactionId: string): Promise<InteractionDetail> {
    const operation = 'getInteraction';
    return this.#call({
      operation,
      method: 'GET',
      path: `/qm/interactions/${pathId(operation, 'interactionId', interactionId)}`,
      schema: this.#schemas.interactionDetail,
    });
  }

  /** GET /qm/automated_evaluations, every page. */
  listAutomatedEvaluations(query: ListAutomatedEvaluationsQuery = {}): AsyncIterable<AutomatedEvaluation> {
    return this.#everyItem(
      'listAutomatedEvaluations',
      query,
      (pageQuery, token) => this.listAutomatedEvaluationsPage(pageQuery, token),
      (page) => page.data,
      (evaluation) => evaluation.id,
    );
  }

  /** GET /qm/automated_evaluations, one page. */
  async listAutomatedEvaluationsPage(
    query: ListAutomatedEvaluationsQuery = {},
    nextPageToken?: string,
  ): Promise<AutomatedEvaluationListPage> {
    return this.#listPage(
      'listAutomatedEvaluations',
      '/qm/automated_evaluations',
      listAutomatedEvaluationsQuerySchema,
      query,
      nextPageToken,
      this.#schemas.automatedEvaluationListPage,
    );
  }

  /** GET /qm/evaluation (manual evaluations), every page. */
  listEvaluations(query: ListEvaluationsQuery = {}): AsyncIterable<EvaluationSummary> {
    return this.#everyItem(
      'listEvaluations',
      query,
      (pageQuery, token) => this.listEvaluationsPage(pageQuery, token),
      (page) => page.data,
      (evaluation) => evaluation.id,
    );
  }

  /** GET /qm/evaluation, one page. */
  async listEvaluationsPage(
    query: ListEvaluationsQuery = {},
    nextPageToken?: string,
  ): Promise<EvaluationListPage> {
    return this.#listPage(
      'listEvaluations',
      '/qm/evaluation',
      listEvaluationsQuerySchema,
      query,
      nextPageToken,
      this.#schemas.evaluationListPage,
    );
  }

  /** GET /qm/evaluation/{evaluationId}: a manual evaluation's scorecard. */
  async getEvaluation(evaluationId: string): Promise<EvaluationDetail> {
    const operation = 'getEvaluation';
    return this.#call({
      operation,
      method: 'GET',
      path: `/qm/evaluation/${pathId(operation, 'evaluationId', evaluationId)}`,
      schema: this.#schemas.evaluationDetail,
    });
  }

  /**
   * Every item of a listing, each once, a page at a time: at the operation's largest page size
   * unless the query names one, restarting from the first page when a page token expires.
   */
  #everyItem<TQuery extends { readonly page_size?: number | undefined }, TPage extends PageBody, TItem>(
    operation: ListOperation,
    query: TQuery,
    listPage: (query: TQuery, nextPageToken: string | undefined) => Promise<TPage>,
    itemsOf: (page: TPage) => readonly TItem[],
    idOf: (item: TItem) => string,
  ): AsyncIterable<TItem> {
    const pageQuery = { ...query, page_size: query.page_size ?? MAX_PAGE_SIZE[operation] };
    return paginate({
      operation,
      fetchPage: async (token) => {
        const page = await listPage(pageQuery, token);
        return { items: itemsOf(page), nextPageToken: page.next_page_token };
      },
      idOf,
      maxRestarts: this.#profile.maxPageTokenRestarts,
      onRestart: (restart) =>
        this.#logger.warn('Zoom page token expired; listing restarts from the first page', {
          operation,
          restart,
        }),
    });
  }

  /** One page of a listing: the query is checked before anything is sent, the page token appended. */
  #listPage<TPage>(
    operation: ListOperation,
    path: string,
    querySchema: z.ZodMiniType<Parameters<typeof toSearchParams>[0]>,
    query: unknown,
    nextPageToken: string | undefined,
    schema: z.ZodMiniType<TPage>,
  ): Promise<TPage> {
    const validQuery = validated(operation, querySchema, query, 'query');
    return this.#call({
      operation,
      method: 'GET',
      path,
      query: withPageToken(operation, toSearchParams(validQuery), nextPageToken),
      schema,
    });
  }

  /**
   * One operation, end to end: rate-limit token, access token, request, classification, and the
   * retries the operation allows (one after a token rejection; transient ones for GETs only).
   */
  async #call<TOutput>(call: Call<TOutput>): Promise<TOutput> {
    const label = this.#profile.operationLabels[call.operation];
    const { operation } = call;
    const credentials = await beforeSending(operation, 'credentials', () =>
      this.#credentials.getCredentials(),
    );
    const fetchToken = () => this.#requestToken(credentials);
    const retriesAllowed = call.method === 'GET' ? this.#profile.getRetries : 0;
    let retries = 0;
    let token: AccessToken | undefined;
    let tokenRefreshed = false;
    for (let attempt = 1; ; attempt += 1) {
      try {
        token ??= await beforeSending(operation, 'token-store', () =>
          this.#tokens.getToken(credentials.accountId, fetchToken, this.#profile.tokenRefreshMarginMs),
        );
        await beforeSending(operation, 'rate-limiter', () =>
          this.#takeRateLimitToken(credentials.accountId, label, operation),
        );
        const answer = await this.#send(call, token, label, attempt);
        if (answer.status >= 200 && answer.status < 300) {
          return parseSuccessBody(call.operation, answer, call.schema);
        }
        if (!tokenRefreshed && isTokenRejection(answer)) {
          const rejected = token;
          // Zoom refused the token: nothing was created, and the retry is not sent until the refresh is done.
          token = await beforeSending(operation, 'token-store', () =>
            this.#tokens.refreshAfterRejection(credentials.accountId, rejected, fetchToken),
          );
          tokenRefreshed = true;
          continue;
        }
        throw errorFromAnswer(call.operation, label, answer, this.#clock.now());
      } catch (error) {
        if (!(error instanceof ZoomTransientError) || retries >= retriesAllowed) {
          throw error;
        }
        retries += 1;
        await this.#sleep(backoffDelayMs(retries, this.#profile.retryBaseDelayMs, this.#random));
      }
    }
  }

  async #send(
    call: Call<unknown>,
    token: AccessToken,
    label: RateLimitLabel,
    attempt: number,
  ): Promise<HttpAnswer> {
    const baseUrl = token.apiUrl === undefined ? this.#profile.apiBaseUrl : `${token.apiUrl}/v2`;
    const search = call.query?.toString() ?? '';
    const pathAndQuery = search === '' ? call.path : `${call.path}?${search}`;
    const logFields = {
      operation: call.operation,
      method: call.method,
      path: redactUrl(pathAndQuery),
      label,
      attempt,
    };
    try {
      const answer = await exchange({
        fetch: this.#fetch,
        clock: this.#clock,
        step: call.operation,
        url: `${baseUrl}${pathAndQuery}`,
        timeoutMs: this.#profile.requestTimeoutMs,
        init: {
          method: call.method,
          headers: {
            Authorization: `Bearer ${token.accessToken}`,
            Accept: 'application/json',
            'User-Agent': USER_AGENT,
            ...call.headers,
          },
          body: call.body,
        },
      });
      const fields = { ...logFields, status: answer.status, durationMs: answer.durationMs };
      if (answer.status < 400) {
        this.#logger.info('Zoom request', fields);
      } else {
        this.#logger.warn('Zoom request refused', fields);
      }
      return answer;
    } catch (error) {
      this.#logger.warn('Zoom request failed', { ...logFields, error });
      throw error;
    }
  }

  /** Takes a rate-limit token, waiting at most `maxLimiterWaitMs`; otherwise refuses with the limiter's wait. */
  async #takeRateLimitToken(
    accountId: string,
    label: RateLimitLabel,
    operation: ZoomOperation,
  ): Promise<void> {
    let decision = await this.#limiter.tryTake(accountId, label);
    if (!decision.granted && decision.retryAfterMs <= this.#profile.maxLimiterWaitMs) {
      await this.#sleep(decision.retryAfterMs);
      decision = await this.#limiter.tryTake(accountId, label);
    }
    if (!decision.granted) {
      const kind = decision.kind ?? 'qps';
      this.#logger.info('Zoom call held back by the local rate limiter', {
        operation,
        label,
        kind,
        retryAfterMs: decision.retryAfterMs,
      });
      throw new ZoomRateLimitedError(
        { operation },
        { retryAfterMs: decision.retryAfterMs, kind, label, source: 'local-limiter' },
      );
    }
  }

  async #requestToken(credentials: ZoomCredentials): Promise<AccessToken> {
    try {
      return await requestAccessToken({
        fetch: this.#fetch,
        clock: this.#clock,
        logger: this.#logger,
        oauthUrl: this.#profile.oauthUrl,
        credentials,
        timeoutMs: this.#profile.requestTimeoutMs,
      });
    } catch (error) {
      if (error instanceof ZoomAuthError) {
        // The secret may have been rotated since it was cached: read it again next time.
        this.#credentials.invalidate();
      }
      throw error;
    }
  }

  #unknownValueReporter(hook: UnknownEnumValueReporter | undefined): UnknownEnumValueReporter {
    const logged = new Set<string>();
    return (report: UnknownEnumValueReport) => {
      const key = `${report.field}\u0000${report.value}`;
      if (!logged.has(key) && logged.size < MAX_LOGGED_UNKNOWN_VALUES) {
        logged.add(key);
        this.#logger.warn('Zoom sent an unknown enum value; kept as is', { ...report });
      }
      hook?.(report);
    };
  }
}

/**
 * Runs a step that comes before the request. A failure the client classified itself (a refused
 * OAuth request, the local limiter's refusal) passes as it is; any other (DynamoDB, Secrets
 * Manager) becomes a {@link ZoomNotSentError}, so no caller takes it for a call that may have
 * reached Zoom.
 */
async function beforeSending<T>(
  operation: ZoomOperation,
  step: PreSendStep,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw isZoomError(error) ? error : new ZoomNotSentError(operation, step, error);
  }
}

/** Validates what the caller asked to send; a bad request fails here, before any rate-limit token or network call. */
function validated<TSchema extends z.ZodMiniType>(
  operation: ZoomOperation,
  schema: TSchema,
  input: unknown,
  what: 'body' | 'query',
): z.output<TSchema> {
  const parsed = schema.safeParse(input);
  if (parsed.success) {
    return parsed.data;
  }
  const fieldErrors = parsed.error.issues.map((issue) => ({
    field: [what, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  throw new ZoomValidationError(`invalid request ${what}, not sent`, { operation }, fieldErrors, {
    cause: parsed.error,
  });
}

function withPageToken(
  operation: ZoomOperation,
  params: URLSearchParams,
  nextPageToken: string | undefined,
): URLSearchParams {
  if (nextPageToken !== undefined) {
    if (nextPageToken.trim() === '') {
      throw new ZoomValidationError('invalid request query, not sent', { operation }, [
        { field: 'query.next_page_token', message: 'must not be empty' },
      ]);
    }
    params.set('next_page_token', nextPageToken);
  }
  return params;
}

function pathId(operation: ZoomOperation, name: string, id: string): string {
  if (id.trim() === '') {
    throw new ZoomValidationError('invalid request path, not sent', { operation }, [
      { field: `path.${name}`, message: 'must not be empty' },
    ]);
  }
  return encodeURIComponent(id);
}
