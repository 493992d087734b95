import { backoffCeilingMs, jitteredMs } from '../backoff.ts';
import type { Clock } from '../clock.ts';
import type { EnvironmentSettings } from '../config/environment.ts';
import { isRetryable, QmIngestError } from '../errors.ts';
import type { OutboxPublisher } from '../notify/outbox-publisher.ts';
import type { StructuredLogger } from '../observability/logger.ts';
import type { MetricsPort } from '../observability/metrics.ts';
import { formatDuration } from '../polling/decision.ts';
import type { PollScheduler } from '../polling/ports.ts';
import { initialPollPlan } from '../polling/schedule.ts';
import { StaleWriteError, TransitionConflictError } from '../recordings/errors.ts';
import type { Recording } from '../recordings/recording.ts';
import type { ResultsExportPort } from '../results/bi-export.ts';
import {
  ZoomAuthError,
  ZoomNotFoundError,
  ZoomNotSentError,
  ZoomRateLimitedError,
  ZoomResponseSchemaError,
  ZoomTransientError,
  ZoomValidationError,
} from '../zoom/errors.ts';
import type { ZoomOperation } from '../zoom/operations.ts';
import { type LookupResult, lookUpInteraction } from './interaction-lookup.ts';
import { createInteractionRequest } from './interaction-request.ts';
import { scrubPersonalData } from './object-key.ts';
import { IngestMetric, type IngestOutcome, idempotencyKeyOf } from './outcomes.ts';
import type { RecordingStore, ZoomAccount } from './ports.ts';
import type { Presigner } from './presign.ts';
import type { RetryCause } from './retry-message.ts';
import { RecordingEndings } from './terminal.ts';

/**
 * Submits a recording that is in SUBMITTING to Zoom, exactly once. The recording was moved to
 * SUBMITTING (with its submission number) before anything is sent, so a retry after a crash
 * between the POST and its record finds it there and knows a POST may have happened:
 * - on an account that honours Idempotency-Key, it posts again with the same key (derived from
 *   the recording id and submission number) and Zoom answers with the same interaction;
 * - on one that does not, it looks the interaction up; an empty or ambiguous answer ends in
 *   NEEDS_REVIEW (an alert), never in a second POST.
 * Every POST gets a freshly presigned URL. Rate limits and transient failures come back as a
 * `retry` for the caller to schedule (the ingest queue for ingest, the poll queue for the poller's
 * resubmission); everything else ends the submission through the state machine.
 */

/** What is known about earlier POSTs of the recording's current submission. */
export type PriorAttempt =
  /** Nothing was posted for this submission yet. */
  | { readonly kind: 'none' }
  /** The last POST was refused before Zoom acted on it (429, local limiter, no token). */
  | { readonly kind: 'not-created' }
  /** A POST may have reached Zoom: a crash, a timeout, a 5xx; since when, when known. */
  | { readonly kind: 'uncertain'; readonly since?: number | undefined }
  /** Zoom created the interaction; only recording it failed. */
  | { readonly kind: 'created'; readonly interactionId: string; readonly urlExpiresAt: number };

export interface SubmitRequest {
  /** In SUBMITTING, owned by the caller. */
  readonly recording: Recording;
  /** The caller's delivery, which owns the recording (see outcomes.ts isOwnedBy). */
  readonly ownerDelivery: string;
  readonly account: ZoomAccount;
  readonly accountId: string;
  readonly prior: PriorAttempt;
  /** Transient failures of this recording so far. */
  readonly transientFailures: number;
  readonly logger: StructuredLogger;
}

export type SubmitResult =
  | { readonly kind: 'done'; readonly outcome: IngestOutcome }
  | {
      readonly kind: 'retry';
      readonly cause: RetryCause;
      readonly dueAt: number;
      readonly transientFailures: number;
      /** What the next attempt knows about this one. */
      readonly prior: PriorAttempt;
      /** The recording as last written: the next write to it expects this one. */
      readonly recording: Recording;
    };

export interface SubmitterDependencies {
  readonly recordings: RecordingStore;
  readonly presigner: Presigner;
  readonly pollScheduler: PollScheduler;
  readonly settings: Pick<EnvironmentSettings, 'ingest' | 'polling'>;
  readonly clock: Clock;
  readonly metrics: MetricsPort;
  readonly publisher: Pick<OutboxPublisher, 'publishOrLeavePending'>;
  /** Writes each ending to the BI export; absent when the environment turned it off. */
  readonly exporter?: ResultsExportPort | undefined;
  /** Jitter source in [0, 1). */
  readonly random: () => number;
}

export class RecordingSubmitter {
  readonly #deps: SubmitterDependencies;
  readonly #endings: RecordingEndings;

  constructor(deps: SubmitterDependencies) {
    this.#deps = deps;
    this.#endings = new RecordingEndings(deps.recordings, deps.metrics, deps.publisher, deps.exporter);
  }

  async submit(request: SubmitRequest): Promise<SubmitResult> {
    const { prior, account } = request;
    if (prior.kind === 'created') {
      return this.#record(request, prior.interactionId, prior.urlExpiresAt);
    }
    if (prior.kind === 'uncertain' && !account.profile.honoursIdempotencyKey) {
      return this.#lookUp(request, prior.since);
    }
    return this.#post(request);
  }

  async #post(unarmed: SubmitRequest): Promise<SubmitResult> {
    let presigned: Awaited<ReturnType<Presigner['presignGet']>>;
    try {
      presigned = await this.#deps.presigner.presignGet({
        bucket: unarmed.recording.bucket,
        key: unarmed.recording.key,
        versionId: unarmed.recording.versionId,
      });
    } catch (error) {
      // Nothing was sent: posting again later is safe.
      return this.#onError(unarmed, error, 'createInteraction', false);
    }
    const armed = await this.#arm(unarmed);
    if (armed.kind === 'result') {
      return armed.result;
    }
    const request = armed.request;
    const { recording, account, logger } = request;
    const body = createInteractionRequest(recording.metadata, presigned.url);
    const idempotencyKey = idempotencyKeyOf(recording.recordingId, recording.submission);
    logger.info('Submitting to Zoom', {
      submission: recording.submission,
      // The path holds the key (personal data) and the query the signature: the host is enough.
      downloadHost: new URL(presigned.url).host,
      urlExpiresAt: new Date(presigned.expiresAt).toISOString(),
      retriedPost: request.prior.kind !== 'none',
    });
    let interactionId: string;
    try {
      interactionId = (await account.client.createInteraction(body, { idempotencyKey })).interaction_id;
    } catch (error) {
      return this.#onError(request, error, 'createInteraction', true);
    }
    this.#countCall(account, 'createInteraction');
    return this.#record(request, interactionId, presigned.expiresAt);
  }

  /**
   * Before a POST that follows one which created nothing (a 429, the poller's hand-over), the
   * recording is marked as possibly posted: a crash after this POST must never be read as "nothing
   * sent", which would post again on an account that ignores Idempotency-Key, or end FAILED where
   * Zoom may hold an interaction. The first POST needs no mark: SUBMITTING was written with it.
   */
  async #arm(
    request: SubmitRequest,
  ): Promise<
    | { readonly kind: 'request'; readonly request: SubmitRequest }
    | { readonly kind: 'result'; readonly result: SubmitResult }
  > {
    const { recording, logger } = request;
    if (recording.ingestWork?.mayHavePosted !== false) {
      return { kind: 'request', request };
    }
    try {
      const armed = await this.#deps.recordings.updateIngestWork(recording, {
        ownerDelivery: request.ownerDelivery,
        mayHavePosted: true,
      });
      return { kind: 'request', request: { ...request, recording: armed } };
    } catch (error) {
      if (error instanceof TransitionConflictError || error instanceof StaleWriteError) {
        logger.info('The recording moved on before the POST; standing down', { found: error.current.status });
        return { kind: 'result', result: standDown(recording) };
      }
      // Nothing was sent: posting again later is safe.
      return { kind: 'result', result: await this.#onError(request, error, 'createInteraction', false) };
    }
  }

  /** Records the interaction: SUBMITTED, the first poll scheduled. */
  async #record(request: SubmitRequest, interactionId: string, urlExpiresAt: number): Promise<SubmitResult> {
    const { recording, logger } = request;
    const now = this.#deps.clock.now();
    let submitted: Recording;
    try {
      submitted = await this.#deps.recordings.transition(recording, {
        to: 'SUBMITTED',
        reason: `Submitted to Zoom as interaction ${interactionId} (submission ${recording.submission})`,
        interactionId,
        urlExpiresAt,
        poll: initialPollPlan(this.#deps.settings.polling, now, request.account.profile),
      });
    } catch (error) {
      if (error instanceof TransitionConflictError || error instanceof StaleWriteError) {
        logger.info('Another delivery recorded the submission first; standing down', {
          found: error.current.status,
        });
        return standDown(recording);
      }
      if (!isRetryable(error)) {
        throw error;
      }
      logger.warn('Zoom created the interaction but recording it failed; the next attempt records it', {
        interactionId,
        error,
      });
      return this.#retry(request, 'state-write', request.transientFailures + 1, {
        kind: 'created',
        interactionId,
        urlExpiresAt,
      });
    }
    this.#deps.metrics.count(IngestMetric.submitted);
    logger.info('Recording submitted', { interactionId, submission: submitted.submission });
    await this.#schedulePoll(submitted, logger);
    return {
      kind: 'done',
      outcome: { kind: 'submitted', recordingId: recording.recordingId, interactionId },
    };
  }

  /** The first poll's message. Its loss is not fatal: the reconciler re-queues overdue polls. */
  async #schedulePoll(recording: Recording, logger: StructuredLogger): Promise<void> {
    try {
      await this.#deps.pollScheduler.schedule(recording);
    } catch (error) {
      this.#deps.metrics.count(IngestMetric.pollScheduleFailures);
      logger.error('Scheduling the first poll failed; the reconciler will re-queue it', { error });
    }
  }

  /**
   * Resolves an uncertain POST by looking the interaction up (see interaction-lookup.ts): adopts
   * the one unclaimed match; waits and looks again while Zoom may not have listed it yet; ends
   * NEEDS_REVIEW, saying what the operator can do, when the answer cannot be had.
   */
  async #lookUp(request: SubmitRequest, since: number | undefined): Promise<SubmitResult> {
    const { recording, account, accountId, logger } = request;
    const { ingest } = this.#deps.settings;
    const now = this.#deps.clock.now();
    const uncertainSince = since ?? now;
    let result: LookupResult;
    try {
      result = await lookUpInteraction(account.client, this.#deps.recordings, {
        recording,
        accountId,
        windowMs: ingest.lookupWindowSeconds * 1000,
        maxPages: ingest.uncertainPost.maxPages,
        maxDetailChecks: ingest.uncertainPost.maxDetailChecks,
      });
    } catch (error) {
      return this.#onError(request, error, 'listInteractions', true);
    }
    this.#countCall(account, 'listInteractions', result.calls.pages);
    this.#countCall(account, 'getInteraction', result.calls.details);
    logger.info('Looked the interaction up after an uncertain POST', {
      result: result.kind,
      uncertainSince: new Date(uncertainSince).toISOString(),
    });
    const patienceEndsAt = uncertainSince + ingest.uncertainPost.patienceSeconds * 1000;
    if (result.kind === 'found') {
      // Zoom lists an interaction once it has fetched and analysed the file: the URL has done its job.
      return this.#record(request, result.interactionId, now);
    }
    if (result.kind === 'not-found' && now < patienceEndsAt) {
      const { minRecheckSeconds, maxRecheckSeconds } = ingest.uncertainPost;
      // Each wait as long as the time already spent, within bounds: few calls over hours.
      const waitMs = Math.min(
        maxRecheckSeconds * 1000,
        Math.max(minRecheckSeconds * 1000, now - uncertainSince),
      );
      return {
        kind: 'retry',
        cause: 'lookup-wait',
        dueAt: Math.min(now + waitMs, patienceEndsAt),
        transientFailures: request.transientFailures,
        prior: { kind: 'uncertain', since: uncertainSince },
        recording,
      };
    }
    const post = `POST ${recording.submission} may have reached Zoom before qm-ingest recorded the answer, and Zoom profile ${account.profile.name} does not honour Idempotency-Key, so posting again could create a duplicate`;
    return this.#done(
      this.#endings.needsReview(recording, `${post}. ${lookupVerdict(result, uncertainSince, now)}`, logger),
    );
  }

  /**
   * Maps a failure of a Zoom call. `mayHaveReachedZoom`: whether the request may have been acted
   * on when it failed (false before anything was sent).
   */
  async #onError(
    request: SubmitRequest,
    error: unknown,
    operation: ZoomOperation,
    mayHaveReachedZoom: boolean,
  ): Promise<SubmitResult> {
    const { recording, account, logger } = request;
    const posting = operation === 'createInteraction';
    if (error instanceof ZoomRateLimitedError) {
      return this.#onRateLimit(request, error, operation);
    }
    if (error instanceof ZoomValidationError && posting) {
      this.#countCallIfSent(account, operation, error.failure.httpStatus);
      const fields = error.fieldErrors.map((field) => `${field.field}: ${field.message}`).join('; ');
      return this.#done(
        this.#endings.reject(
          recording,
          'zoom-validation',
          scrubPersonalData(
            `Zoom refused the submission as invalid${describeStatus(error)}${fields === '' ? '' : `: ${fields}`}${zoomMessageOf(error)}`,
          ),
          logger,
        ),
      );
    }
    if (error instanceof ZoomNotFoundError && posting) {
      this.#countCall(account, operation);
      return this.#done(
        this.#endings.reject(
          recording,
          'zoom-not-found',
          scrubPersonalData(
            `Zoom does not know the agent or the queue of this recording${describeStatus(error)}${zoomMessageOf(error)}: check agent_email/agent_id and queue_id`,
          ),
          logger,
        ),
      );
    }
    if (error instanceof ZoomAuthError) {
      return this.#done(
        this.#endings.fail(
          recording,
          'zoom-credentials',
          `Zoom refused qm-ingest's credentials for Zoom profile ${account.profile.name}: ${error.message}. Fix the Server-to-Server OAuth app or the secret ${account.profile.secretName}, then retry the recording.`,
          logger,
        ),
      );
    }
    if (error instanceof ZoomResponseSchemaError && posting) {
      this.#countCall(account, operation);
      if (!account.profile.honoursIdempotencyKey) {
        // Zoom accepted the POST but its answer lacks the id: the interaction exists, so it is looked up.
        logger.warn('Zoom accepted the submission without an interaction id; looking it up', {
          issues: error.issues,
        });
        return this.#retry(request, 'lookup-wait', request.transientFailures, {
          kind: 'uncertain',
          since: this.#deps.clock.now(),
        });
      }
      return this.#done(
        this.#endings.needsReview(
          recording,
          `Zoom accepted the submission but its answer lacked the interaction id (${error.issues.join('; ')}): the interaction may exist. Check Zoom QM, then link its interaction (qm-ingest resolve <key> --interaction <id>).`,
          logger,
        ),
      );
    }
    if (!posting && !isRetryable(error) && request.prior.kind === 'uncertain') {
      // The lookup itself is refused for good: only a person can settle the uncertain POST now.
      const description = error instanceof Error ? error.message : String(error);
      return this.#done(
        this.#endings.needsReview(
          recording,
          `POST ${recording.submission} may have reached Zoom before qm-ingest recorded the answer, and looking its interaction up failed: ${description}. Check Zoom QM for this recording, then link its interaction (qm-ingest resolve <key> --interaction <id>) or submit it again (qm-ingest resolve <key> --resubmit).`,
          logger,
        ),
      );
    }
    if (error instanceof ZoomNotSentError && !error.retryable) {
      return this.#done(
        this.#endings.fail(
          recording,
          'not-sent',
          `Nothing was sent to Zoom: ${error.message}. Fix what the message names (the Zoom secret, the table's permissions), then retry the recording.`,
          logger,
        ),
      );
    }
    if (isRetryable(error)) {
      return this.#onTransient(request, error, operation, mayHaveReachedZoom);
    }
    throw error;
  }

  #onRateLimit(request: SubmitRequest, error: ZoomRateLimitedError, operation: ZoomOperation): SubmitResult {
    const { account, logger } = request;
    const { rateLimit } = error;
    const label = rateLimit.label ?? account.profile.operationLabels[operation];
    if (rateLimit.source === 'zoom') {
      this.#countCall(account, operation);
    }
    this.#deps.metrics.count(IngestMetric.zoomRateLimited, 1, {
      label,
      kind: rateLimit.kind,
      source: rateLimit.source,
    });
    const jitterMs = this.#deps.random() * this.#deps.settings.ingest.retries.rateLimitJitterSeconds * 1000;
    const dueAt = Math.ceil(this.#deps.clock.now() + rateLimit.retryAfterMs + jitterMs);
    logger.info('Zoom rate limit: the recording waits', {
      operation,
      label,
      kind: rateLimit.kind,
      source: rateLimit.source,
      dueAt: new Date(dueAt).toISOString(),
    });
    // A refused POST created nothing; a refused lookup leaves the POST as uncertain as it was.
    const prior = operation === 'createInteraction' ? { kind: 'not-created' as const } : request.prior;
    return {
      kind: 'retry',
      cause: 'rate-limited',
      dueAt,
      transientFailures: request.transientFailures,
      prior,
      recording: request.recording,
    };
  }

  async #onTransient(
    request: SubmitRequest,
    error: unknown,
    operation: ZoomOperation,
    mayHaveReachedZoom: boolean,
  ): Promise<SubmitResult> {
    const { recording, account, logger } = request;
    const reachedZoom = mayHaveReachedZoom && !neverSent(error);
    if (error instanceof ZoomTransientError && error.failure.operation === operation) {
      this.#countCall(account, operation);
    }
    const failures = request.transientFailures + 1;
    const posting = operation === 'createInteraction';
    const prior: PriorAttempt = posting
      ? reachedZoom
        ? { kind: 'uncertain', since: this.#deps.clock.now() }
        : { kind: 'not-created' }
      : request.prior;
    const budget = this.#deps.settings.ingest.retries.transientAttempts;
    const description = error instanceof QmIngestError ? error.message : String(error);
    if (failures > budget) {
      const uncertain = prior.kind === 'uncertain';
      const reason = `Gave up after ${failures} transient failures; the last: ${description}.${uncertain ? ' The last POST may have reached Zoom: check Zoom QM before retrying.' : ''}`;
      return this.#done(
        uncertain && !posting
          ? this.#endings.needsReview(recording, reason, logger)
          : this.#endings.fail(recording, 'retries-exhausted', reason, logger),
      );
    }
    logger.warn('Transient failure; the recording is retried later', { operation, failures, error });
    return this.#retry(request, 'transient', failures, prior);
  }

  #retry(request: SubmitRequest, cause: RetryCause, failures: number, prior: PriorAttempt): SubmitResult {
    return {
      kind: 'retry',
      cause,
      dueAt:
        this.#deps.clock.now() +
        transientDelayMs(failures, this.#deps.settings.ingest.retries, this.#deps.random),
      transientFailures: failures,
      prior,
      recording: request.recording,
    };
  }

  async #done(outcome: Promise<IngestOutcome>): Promise<SubmitResult> {
    return { kind: 'done', outcome: await outcome };
  }

  #countCall(account: ZoomAccount, operation: ZoomOperation, calls = 1): void {
    if (calls === 0) {
      return;
    }
    this.#deps.metrics.count(IngestMetric.zoomCalls, calls, {
      operation,
      label: account.profile.operationLabels[operation],
    });
  }

  /** Client-side validation refuses before sending (no HTTP status): that is no Zoom call. */
  #countCallIfSent(account: ZoomAccount, operation: ZoomOperation, httpStatus: number | undefined): void {
    if (httpStatus !== undefined) {
      this.#countCall(account, operation);
    }
  }
}

/** Why a lookup could not settle an uncertain POST, and what the operator can do about it. */
function lookupVerdict(
  result: Exclude<LookupResult, { readonly kind: 'found' }>,
  uncertainSince: number,
  now: number,
): string {
  const check =
    'Check Zoom QM for this recording, then link its interaction (qm-ingest resolve <key> --interaction <id>) or, if Zoom has none, submit it again (qm-ingest resolve <key> --resubmit).';
  switch (result.kind) {
    case 'not-found':
      return `Zoom listed no matching interaction in the ${formatDuration(now - uncertainSince)} since (Zoom lists an interaction only once it is analysed). ${check}`;
    case 'ambiguous':
      return `Zoom lists ${result.interactionIds.length} interactions that match it (${result.interactionIds.join(', ')}): qm-ingest cannot tell which is this recording's. Link the right one: qm-ingest resolve <key> --interaction <id>.`;
    case 'too-many':
      return `Zoom's listing around the call's start ran past ${result.pagesRead} pages: too many interactions to tell this recording's apart. ${check}`;
    case 'unmatchable':
      return `Without ${result.missing.join(' and ')}, its interaction cannot be told apart in Zoom's listing. ${check}`;
  }
}

/** Another writer moved the recording (a duplicate delivery, the reconciler's sweep): this one stands down. */
function standDown(recording: Recording): SubmitResult {
  return {
    kind: 'done',
    outcome: { kind: 'skipped', reason: 'duplicate', recordingId: recording.recordingId },
  };
}

/** Whether a POST of the submission may have reached Zoom, after an attempt that ended as `prior` says. */
export function mayHavePostedAfter(prior: PriorAttempt): boolean {
  return prior.kind === 'uncertain' || prior.kind === 'created';
}

/** A failure before the request left (credentials, token, token store, rate limiter): nothing reached Zoom. */
function neverSent(error: unknown): boolean {
  return (
    error instanceof ZoomNotSentError ||
    (error instanceof ZoomTransientError &&
      (error.failure.operation === 'oauth' || error.failure.operation === 'credentials'))
  );
}

function describeStatus(error: ZoomValidationError | ZoomNotFoundError): string {
  const { httpStatus, zoomCode } = error.failure;
  const facts = [
    httpStatus === undefined ? 'refused before sending' : `HTTP ${httpStatus}`,
    zoomCode === undefined ? undefined : `Zoom code ${zoomCode}`,
  ].filter((fact) => fact !== undefined);
  return ` (${facts.join(', ')})`;
}

function zoomMessageOf(error: ZoomValidationError | ZoomNotFoundError): string {
  return error.failure.zoomMessage === undefined ? '' : `: "${error.failure.zoomMessage}"`;
}

/**
 * The wait before retry number `failures`: the base doubled each time up to the maximum, half of
 * it fixed and half random, so retries of many recordings spread out.
 */
export function transientDelayMs(
  failures: number,
  retries: { readonly baseDelaySeconds: number; readonly maxDelaySeconds: number },
  random: () => number,
): number {
  const ceilingMs = backoffCeilingMs(failures, {
    baseMs: retries.baseDelaySeconds * 1000,
    factor: 2,
    capMs: retries.maxDelaySeconds * 1000,
  });
  return Math.round(jitteredMs(ceilingMs, 'equal', random));
}
