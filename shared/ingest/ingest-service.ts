import type { Clock } from '../clock.ts';
import type { EnvironmentSettings } from '../config/environment.ts';
import { isRetryable, PermanentError, QmIngestError } from '../errors.ts';
import type { OutboxPublisher } from '../notify/outbox-publisher.ts';
import { recordingKeys, type StructuredLogger } from '../observability/logger.ts';
import type { MetricsPort } from '../observability/metrics.ts';
import { formatDuration } from '../polling/decision.ts';
import type { PollScheduler } from '../polling/ports.ts';
import { StaleWriteError, TransitionConflictError } from '../recordings/errors.ts';
import { submissionStartedAt } from '../recordings/ingest-work.ts';
import type { ContentIdentity, Recording } from '../recordings/recording.ts';
import type { ResultsExportPort } from '../results/bi-export.ts';
import { contentIdentityOf, identityFromEvent } from './content-identity.ts';
import { type ObjectCreated, parseQueueMessage, unquote } from './events.ts';
import { type KeyTemplate, parseKeyTemplate } from './metadata/key-template.ts';
import { classifyKey, type SkipReason, sidecarKeyOf } from './object-filter.ts';
import { scrubPersonalData } from './object-key.ts';
import type { RecordingHead, RecordingObjects } from './object-store.ts';
import { IngestMetric, type IngestOutcome, isOwnedBy } from './outcomes.ts';
import type { IngestRequeue, RecordingStore, ZoomAccount, ZoomAccounts } from './ports.ts';
import { prepareSubmission } from './prepare.ts';
import type { Presigner } from './presign.ts';
import { type IngestRetryMessage, RETRY_MESSAGE_KIND, type RetryCause } from './retry-message.ts';
import { profileFor } from './routing.ts';
import { mayHavePostedAfter, type PriorAttempt, RecordingSubmitter, transientDelayMs } from './submit.ts';
import { RecordingEndings } from './terminal.ts';

/**
 * The ingest core: one queue message in, every recording it announces taken as far as it can go.
 * A recording dropped in S3 is filtered, routed to its Zoom account, identified by its content,
 * claimed (a conditional write: exactly one delivery takes it on), checked (size, type,
 * metadata), moved to SUBMITTING and submitted once. Whatever must wait (a rate limit, a sidecar,
 * a transient failure) is re-sent to the queue with a delay and the message at hand is done with.
 * Expected outcomes never throw; an error that escapes is unexpected, and the handler reports
 * the message as failed, so SQS retries it and finally moves it to the DLQ.
 */

export interface IngestServiceDependencies {
  readonly settings: EnvironmentSettings;
  readonly objects: RecordingObjects;
  readonly recordings: RecordingStore;
  readonly zoom: ZoomAccounts;
  readonly presigner: Presigner;
  readonly requeue: IngestRequeue;
  readonly pollScheduler: PollScheduler;
  readonly clock: Clock;
  readonly metrics: MetricsPort;
  readonly logger: StructuredLogger;
  /** Publishes the notification of each terminal status right after it is written (the reconciler retries a failed publish). */
  readonly publisher: Pick<OutboxPublisher, 'publishOrLeavePending'>;
  /** Writes each ending to the BI export; absent when the environment turned it off. */
  readonly exporter?: ResultsExportPort | undefined;
  /** Jitter source in [0, 1). */
  readonly random: () => number;
}

/** One queue message as the handler hands it over. */
export interface IngestMessage {
  readonly messageId: string;
  readonly body: string;
}

/** Where one attempt at a recording stands: what the event said, and what earlier attempts learnt. */
interface Attempt {
  readonly object: ObjectCreated;
  /** The delivery that owns the recording (see outcomes.ts isOwnedBy). */
  readonly origin: string;
  readonly transientFailures: number;
  readonly rateLimited: number;
  readonly created: IngestRetryMessage['created'];
  /** The recording an earlier attempt claimed, when there was one. */
  readonly recordingId: string | undefined;
  readonly logger: StructuredLogger;
}

export class IngestService {
  readonly #deps: IngestServiceDependencies;
  readonly #submitter: RecordingSubmitter;
  readonly #endings: RecordingEndings;
  readonly #template: KeyTemplate | undefined;

  constructor(deps: IngestServiceDependencies) {
    this.#deps = deps;
    this.#submitter = new RecordingSubmitter(deps);
    this.#endings = new RecordingEndings(deps.recordings, deps.metrics, deps.publisher, deps.exporter);
    const { keyTemplate } = deps.settings.ingest;
    this.#template = keyTemplate === undefined ? undefined : parseKeyTemplate(keyTemplate);
  }

  /** Handles one message; resolves with what became of each recording it announced. */
  async handleMessage(message: IngestMessage): Promise<readonly IngestOutcome[]> {
    const logger = this.#deps.logger.child({ messageId: message.messageId });
    const parsed = parseQueueMessage(message.body);
    switch (parsed.kind) {
      case 'test-event':
        this.#deps.metrics.count(IngestMetric.ignoredMessages, 1, { kind: 's3-test-event' });
        logger.info('S3 test event deleted: S3 sends one when a notification configuration is set', {
          bucket: parsed.bucket,
        });
        return [];
      case 'not-a-recording-event':
        this.#deps.metrics.count(IngestMetric.ignoredMessages, 1, { kind: 'not-a-recording-event' });
        logger.warn('Message deleted: not a recording event', { description: parsed.description });
        return [];
      case 'retry':
        return [await this.#resume(parsed.retry, logger)];
      case 'object-created': {
        const outcomes: IngestOutcome[] = [];
        for (const [index, object] of parsed.objects.entries()) {
          const origin = parsed.objects.length === 1 ? message.messageId : `${message.messageId}#${index}`;
          this.#deps.metrics.count(IngestMetric.received);
          outcomes.push(await this.#ingest(this.#firstAttempt(object, origin, logger)));
        }
        return outcomes;
      }
    }
  }

  #firstAttempt(object: ObjectCreated, origin: string, logger: StructuredLogger): Attempt {
    return {
      object,
      origin,
      transientFailures: 0,
      rateLimited: 0,
      created: undefined,
      recordingId: undefined,
      logger: logger.child({ bucket: object.bucket, key: scrubPersonalData(object.key), origin }),
    };
  }

  /** A re-send: worked on once due, otherwise sent on again (a wait longer than the queue's 15-minute delay). */
  async #resume(retry: IngestRetryMessage, logger: StructuredLogger): Promise<IngestOutcome> {
    const attempt: Attempt = {
      object: retry.object,
      origin: retry.origin,
      transientFailures: retry.transientFailures,
      rateLimited: retry.rateLimited,
      created: retry.created,
      recordingId: retry.recordingId,
      logger: logger.child({
        bucket: retry.object.bucket,
        key: scrubPersonalData(retry.object.key),
        origin: retry.origin,
      }),
    };
    if (retry.dueAt > this.#deps.clock.now()) {
      await this.#deps.requeue.send(retry);
      this.#deps.metrics.count(IngestMetric.delayed, 1, { cause: 'not-yet-due' });
      attempt.logger.info('Not due yet: sent on', {
        cause: retry.cause,
        dueAt: new Date(retry.dueAt).toISOString(),
      });
      return { kind: 'delayed', recordingId: undefined, cause: retry.cause, dueAt: retry.dueAt };
    }
    return this.#ingest(attempt);
  }

  async #ingest(attempt: Attempt): Promise<IngestOutcome> {
    let failure: TransientFailure;
    try {
      return await this.#process(attempt);
    } catch (error) {
      if (error instanceof TransientFailure) {
        failure = error;
      } else if (isRetryable(error)) {
        // Before any recording was read or claimed.
        failure = new TransientFailure(undefined, error);
      } else {
        throw error;
      }
    }
    try {
      return await this.#onTransient(attempt, failure.recording, failure.cause);
    } catch (error) {
      // A failure while scheduling the retry goes to the queue as it is.
      throw error instanceof TransientFailure ? error.cause : error;
    }
  }

  /**
   * Runs `next`, the attempt's work from `recording` on: a transient failure in it is retried from
   * this recording, unless a later step already named a later one.
   */
  async #from(recording: Recording, next: () => Promise<IngestOutcome>): Promise<IngestOutcome> {
    try {
      return await next();
    } catch (error) {
      throw !(error instanceof TransientFailure) && isRetryable(error)
        ? new TransientFailure(recording, error)
        : error;
    }
  }

  async #process(attempt: Attempt): Promise<IngestOutcome> {
    const { object } = attempt;
    const ingest = this.#deps.settings.ingest;
    const decision = classifyKey(object.key, ingest);
    if (!decision.recording) {
      return this.#skip(decision.reason, attempt.logger);
    }
    const known =
      attempt.recordingId === undefined ? undefined : await this.#deps.recordings.get(attempt.recordingId);
    if (known !== undefined) {
      return this.#continue(attempt, known);
    }
    const account = this.#deps.zoom.forProfile(profileFor(object.bucket, object.key, this.#deps.settings));
    const { accountId } = await account.credentials.getCredentials();
    const found = await this.#deps.objects.head(object.bucket, object.key, object.versionId);
    if (!found.found) {
      return this.#objectGone(attempt, account, accountId);
    }
    const { head } = found;
    if (isSuperseded(object, head)) {
      // The key was overwritten since this event: the newer object has an event of its own.
      return this.#skip('superseded', attempt.logger);
    }
    const identity = contentIdentityOf(head) ?? identityFromEvent(object);
    if (identity === undefined) {
      throw new PermanentError('S3 gave neither a checksum, an ETag nor a version id for the object');
    }
    const claimed = await this.#claim(attempt, account, accountId, identity, head);
    if (claimed === undefined) {
      return { kind: 'skipped', reason: 'duplicate' };
    }
    const { recording, logger } = claimed;
    return this.#from(recording, () =>
      recording.status === 'SUBMITTING'
        ? this.#submit({ ...attempt, logger }, account, accountId, recording, priorOf(attempt, recording))
        : this.#prepare({ ...attempt, logger }, account, accountId, recording, head),
    );
  }

  /**
   * A re-send about a recording an earlier attempt claimed: read directly, so the object no longer
   * being there (or being other bytes now) ends this recording instead of starting another.
   */
  async #continue(attempt: Attempt, recording: Recording): Promise<IngestOutcome> {
    const logger = attempt.logger.child(recordingKeys(recording.recordingId));
    if (!isOwnedBy(recording, attempt.origin)) {
      this.#deps.metrics.count(IngestMetric.skipped, 1, { reason: 'duplicate' });
      logger.info('The recording has moved on without this delivery; standing down', {
        status: recording.status,
      });
      return { kind: 'skipped', reason: 'duplicate', recordingId: recording.recordingId };
    }
    return this.#from(recording, async () => {
      const next = { ...attempt, logger };
      const account = this.#deps.zoom.forProfile(recording.profile);
      const prior = priorOf(attempt, recording);
      if (recording.status === 'SUBMITTING' && prior.kind !== 'not-created') {
        // A POST may have happened, or did: its recovery needs Zoom, not the object.
        return this.#submit(next, account, recording.zoomAccountId, recording, prior);
      }
      const found = await this.#deps.objects.head(recording.bucket, recording.key, recording.versionId);
      const sameBytes = found.found && sameIdentity(contentIdentityOf(found.head), recording.contentIdentity);
      if (!found.found || !sameBytes) {
        return this.#endings.reject(
          recording,
          'object-deleted',
          'The object was deleted or overwritten before qm-ingest could submit it (new bytes are a recording of their own)',
          logger,
        );
      }
      if (recording.status === 'SUBMITTING') {
        return this.#submit(next, account, recording.zoomAccountId, recording, prior);
      }
      return this.#prepare(next, account, recording.zoomAccountId, recording, found.head);
    });
  }

  /**
   * Claims the recording, or finds it claimed. Carries on only with a recording this delivery
   * owns and that is still waiting to be submitted; undefined for anything else (a duplicate).
   */
  async #claim(
    attempt: Attempt,
    account: ZoomAccount,
    accountId: string,
    identity: ContentIdentity,
    head: RecordingHead,
  ): Promise<{ readonly recording: Recording; readonly logger: StructuredLogger } | undefined> {
    const { object, origin } = attempt;
    const result = await this.#deps.recordings.claim({
      zoomAccountId: accountId,
      profile: account.profile.name,
      bucket: object.bucket,
      key: object.key,
      contentIdentity: identity,
      versionId: head.VersionId ?? object.versionId,
      size: head.ContentLength ?? object.size ?? 0,
      contentType: head.ContentType ?? '',
      receivedAt: object.eventTime,
      reason: `Announced by ${object.source === 's3' ? 'S3' : 'EventBridge'} ${object.eventName}`,
      ownerDelivery: origin,
    });
    const { recording } = result;
    const logger = attempt.logger.child(recordingKeys(recording.recordingId));
    if (result.claimed) {
      logger.info('Recording claimed', { identity: identity.kind, profile: account.profile.name });
      return { recording, logger };
    }
    if (isOwnedBy(recording, origin)) {
      logger.info('Carrying on with the recording', {
        status: recording.status,
        cause: 'retry or redelivery',
      });
      return { recording, logger };
    }
    this.#deps.metrics.count(IngestMetric.skipped, 1, { reason: 'duplicate' });
    logger.info('Already taken on by another delivery: this one is a duplicate', {
      status: recording.status,
    });
    return undefined;
  }

  /** A RECEIVED recording: checks and metadata, then SUBMITTING and the POST. */
  async #prepare(
    attempt: Attempt,
    account: ZoomAccount,
    accountId: string,
    recording: Recording,
    head: RecordingHead,
  ): Promise<IngestOutcome> {
    const { object, logger } = attempt;
    const ingest = this.#deps.settings.ingest;
    const preparation = await prepareSubmission({
      key: object.key,
      head,
      announcedSize: object.size,
      receivedAt: recording.receivedAt,
      now: this.#deps.clock.now(),
      settings: ingest,
      template: this.#template,
      readSidecar: () =>
        this.#deps.objects.readSidecar(
          object.bucket,
          sidecarKeyOf(object.key, ingest),
          ingest.sidecar.maxBytes,
        ),
    });
    if (preparation.kind === 'reject') {
      return this.#endings.reject(recording, preparation.code, preparation.reason, logger);
    }
    if (preparation.kind === 'wait-for-sidecar') {
      return this.#requeue(attempt, recording, { cause: 'sidecar-wait', dueAt: preparation.dueAt }, {});
    }
    let submitting: Recording;
    try {
      submitting = await this.#deps.recordings.transition(recording, {
        to: 'SUBMITTING',
        reason: `Submitting to Zoom (submission ${recording.submission})`,
        metadata: preparation.metadata,
        // The POST follows at once: from here a crash may come after it.
        ingestWork: { ownerDelivery: attempt.origin, mayHavePosted: true },
      });
    } catch (error) {
      if (error instanceof TransitionConflictError || error instanceof StaleWriteError) {
        logger.info('Another delivery moved the recording first; standing down', {
          found: error.current.status,
        });
        return { kind: 'skipped', reason: 'duplicate', recordingId: recording.recordingId };
      }
      throw error;
    }
    return this.#from(submitting, () =>
      this.#submit(attempt, account, accountId, submitting, { kind: 'none' }),
    );
  }

  async #submit(
    attempt: Attempt,
    account: ZoomAccount,
    accountId: string,
    recording: Recording,
    prior: PriorAttempt,
  ): Promise<IngestOutcome> {
    const result = await this.#submitter.submit({
      recording,
      ownerDelivery: attempt.origin,
      account,
      accountId,
      prior,
      transientFailures: attempt.transientFailures,
      logger: attempt.logger,
    });
    if (result.kind === 'done') {
      return result.outcome;
    }
    return this.#from(result.recording, () =>
      this.#requeue(
        { ...attempt, transientFailures: result.transientFailures },
        result.recording,
        {
          cause: result.cause,
          dueAt: result.dueAt,
          mayHavePosted: mayHavePostedAfter(result.prior),
          uncertainSince: result.prior.kind === 'uncertain' ? result.prior.since : undefined,
        },
        {
          rateLimited: attempt.rateLimited + (result.cause === 'rate-limited' ? 1 : 0),
          ...(result.prior.kind === 'created'
            ? {
                created: {
                  submission: result.recording.submission,
                  interactionId: result.prior.interactionId,
                  urlExpiresAt: result.prior.urlExpiresAt,
                },
              }
            : {}),
        },
      ),
    );
  }

  /** The object was deleted before ingest read it: recorded as REJECTED, once per upload. */
  async #objectGone(attempt: Attempt, account: ZoomAccount, accountId: string): Promise<IngestOutcome> {
    const { object } = attempt;
    const identity = identityFromEvent(object);
    if (identity === undefined) {
      attempt.logger.warn(
        'The object is gone and its event names no version, ETag or sequencer: nothing to record',
      );
      return this.#skip('superseded', attempt.logger);
    }
    const claimed = await this.#claim(attempt, account, accountId, identity, {});
    if (claimed === undefined) {
      return { kind: 'skipped', reason: 'duplicate' };
    }
    return this.#endings.reject(
      claimed.recording,
      'object-deleted',
      'The object was deleted (or its version removed) before qm-ingest could read it',
      claimed.logger,
    );
  }

  async #onTransient(
    attempt: Attempt,
    recording: Recording | undefined,
    error: unknown,
  ): Promise<IngestOutcome> {
    const failures = attempt.transientFailures + 1;
    const description = error instanceof QmIngestError ? error.message : String(error);
    if (failures > this.#deps.settings.ingest.retries.transientAttempts) {
      if (recording === undefined) {
        // Nothing is recorded yet to end: the message goes back to the queue, and on to its DLQ.
        throw error;
      }
      return this.#endings.fail(
        recording,
        'retries-exhausted',
        `Gave up after ${failures} transient failures; the last: ${description}`,
        attempt.logger.child(recordingKeys(recording.recordingId)),
      );
    }
    attempt.logger.warn('Transient failure; the recording is retried later', { failures, error });
    const dueAt =
      this.#deps.clock.now() +
      transientDelayMs(failures, this.#deps.settings.ingest.retries, this.#deps.random);
    return this.#requeue(
      { ...attempt, transientFailures: failures },
      recording,
      { cause: 'transient', dueAt },
      {},
    );
  }

  /**
   * Puts the recording on the queue to wait. A claimed recording first records the wait on itself
   * (its ingest work), so the reconciler's sweep of stuck recordings leaves it alone however long
   * the wait (a daily limit holds it until Zoom's reset at 00:00 UTC); only then is the re-send
   * sent, so a recording never waits on a message its record does not know about.
   */
  async #requeue(
    attempt: Attempt,
    recording: Recording | undefined,
    wait: WaitRequest,
    extra: RetryExtras,
  ): Promise<IngestOutcome> {
    const { cause } = wait;
    if (recording === undefined) {
      return this.#resend(attempt, undefined, Math.ceil(wait.dueAt), cause, extra);
    }
    if (this.#deps.clock.now() >= this.#submitBy(recording)) {
      const mayHavePosted = wait.mayHavePosted ?? recording.ingestWork?.mayHavePosted ?? true;
      return this.#tooOld(attempt, recording, cause, mayHavePosted);
    }
    // No wait outlasts the age limit: the attempt at the limit decides.
    const dueAt = Math.ceil(Math.min(wait.dueAt, this.#submitBy(recording)));
    const held = await this.#hold(attempt, recording, { until: dueAt, cause }, wait);
    if (held === undefined) {
      return { kind: 'skipped', reason: 'duplicate', recordingId: recording.recordingId };
    }
    return this.#from(held, () => this.#resend(attempt, held, dueAt, cause, extra));
  }

  /** Sends the re-send that carries the recording (or the object, before any recording) on at `dueAt`. */
  async #resend(
    attempt: Attempt,
    recording: Recording | undefined,
    dueAt: number,
    cause: RetryCause,
    extra: RetryExtras,
  ): Promise<IngestOutcome> {
    const message: IngestRetryMessage = {
      kind: RETRY_MESSAGE_KIND,
      version: 1,
      origin: attempt.origin,
      object: attempt.object,
      ...(recording === undefined ? {} : { recordingId: recording.recordingId }),
      dueAt,
      cause,
      transientFailures: attempt.transientFailures,
      rateLimited: extra.rateLimited ?? attempt.rateLimited,
      ...(extra.created === undefined ? {} : { created: extra.created }),
    };
    await this.#deps.requeue.send(message);
    this.#deps.metrics.count(IngestMetric.delayed, 1, { cause });
    attempt.logger.info('Recording re-sent to wait', { cause, dueAt: new Date(message.dueAt).toISOString() });
    return { kind: 'delayed', recordingId: recording?.recordingId, cause, dueAt: message.dueAt };
  }

  /**
   * Records that the owner waits until `waiting.until`. Returns the recording as written, the
   * recording unchanged when the write failed transiently (the re-send still goes: it is what
   * carries the recording on, and without the record a wait longer than the sweep's threshold
   * ends the recording visibly rather than silently), or undefined when another writer moved the
   * recording first (the reconciler ended it, a duplicate took it on): this delivery stands down.
   */
  async #hold(
    attempt: Attempt,
    recording: Recording,
    waiting: { readonly until: number; readonly cause: RetryCause },
    wait: Pick<WaitRequest, 'mayHavePosted' | 'uncertainSince'>,
  ): Promise<Recording | undefined> {
    // Unknown (a failure outside the POST): what the recording says, and "maybe" when it says nothing.
    const mayHavePosted = wait.mayHavePosted ?? recording.ingestWork?.mayHavePosted ?? true;
    const uncertainSince = mayHavePosted
      ? (wait.uncertainSince ?? recording.ingestWork?.uncertainSince)
      : undefined;
    try {
      return await this.#deps.recordings.updateIngestWork(recording, {
        ownerDelivery: attempt.origin,
        mayHavePosted,
        waiting,
        ...(uncertainSince === undefined ? {} : { uncertainSince }),
      });
    } catch (error) {
      if (error instanceof TransitionConflictError || error instanceof StaleWriteError) {
        attempt.logger.info('The recording moved on while this delivery worked on it; standing down', {
          found: error.current.status,
        });
        return undefined;
      }
      if (!isRetryable(error)) {
        throw error;
      }
      attempt.logger.warn('Recording the wait failed; the recording is re-sent all the same', { error });
      return recording;
    }
  }

  /** The latest instant the recording's current submission may still be sent to Zoom. */
  #submitBy(recording: Recording): number {
    return submissionStartedAt(recording) + this.#deps.settings.ingest.maxAgeBeforeSubmissionSeconds * 1000;
  }

  /**
   * Ends a recording that would wait past its age limit: FAILED when provably nothing was sent,
   * NEEDS_REVIEW when a POST may have reached Zoom; either way with what to run.
   */
  async #tooOld(
    attempt: Attempt,
    recording: Recording,
    cause: RetryCause,
    mayHavePosted: boolean,
  ): Promise<IngestOutcome> {
    const logger = attempt.logger.child(recordingKeys(recording.recordingId));
    const limit = formatDuration(this.#deps.settings.ingest.maxAgeBeforeSubmissionSeconds * 1000);
    const age = `Not submitted within ${limit} (ingest.maxAgeBeforeSubmissionSeconds) of ${recording.submission === 1 ? 'its upload' : 'its retry'}; it was waiting (${cause})`;
    if (recording.status === 'SUBMITTING' && mayHavePosted) {
      return this.#endings.needsReview(
        recording,
        `${age}, and a POST may have reached Zoom. Check Zoom QM for this recording, then link its interaction (qm-ingest resolve <key> --interaction <id>) or submit it again (qm-ingest resolve <key> --resubmit).`,
        logger,
      );
    }
    const remedy =
      cause === 'sidecar-wait'
        ? 'Upload its sidecar, then run qm-ingest retry <key>.'
        : "Nothing was sent to Zoom. Once the cause has passed (a backlog under Zoom's daily limit drains at that limit), run qm-ingest retry <key>.";
    return this.#endings.fail(recording, 'max-age', `${age}. ${remedy}`, logger);
  }

  #skip(reason: SkipReason, logger: StructuredLogger): IngestOutcome {
    this.#deps.metrics.count(IngestMetric.skipped, 1, { reason });
    logger.info('Object skipped', { reason });
    return { kind: 'skipped', reason };
  }
}

/** An event about an older write of an unversioned key: its ETag is no longer the object's. */
function isSuperseded(object: ObjectCreated, head: RecordingHead): boolean {
  return (
    object.versionId === undefined &&
    object.eTag !== undefined &&
    head.ETag !== undefined &&
    unquote(head.ETag) !== object.eTag
  );
}

/**
 * A transient failure of an attempt, with the recording as the attempt last read or wrote it
 * (undefined before it read or claimed one): what the retry starts from.
 */
class TransientFailure extends Error {
  readonly recording: Recording | undefined;

  constructor(recording: Recording | undefined, cause: unknown) {
    super('Transient failure of an ingest attempt', { cause });
    this.name = 'TransientFailure';
    this.recording = recording;
  }
}

/** What a re-send carries beyond the attempt's own fields. */
type RetryExtras = Partial<Pick<IngestRetryMessage, 'rateLimited' | 'created'>>;

/**
 * A wait: why, until when, and (when the POST is what failed) whether it may have reached Zoom,
 * and since when its interaction is being looked for.
 */
interface WaitRequest {
  readonly cause: RetryCause;
  readonly dueAt: number;
  readonly mayHavePosted?: boolean | undefined;
  readonly uncertainSince?: number | undefined;
}

/**
 * What is known about the current submission's POST: from this delivery's re-send, that Zoom
 * created the interaction (only recording it failed); from the recording itself, whether a POST
 * may have reached Zoom. The recording, not the message, decides "nothing sent": a message
 * redelivered after a crash cannot know of a POST made after it was sent.
 */
function priorOf(attempt: Attempt, recording: Recording): PriorAttempt {
  if (attempt.created !== undefined && attempt.created.submission === recording.submission) {
    return {
      kind: 'created',
      interactionId: attempt.created.interactionId,
      urlExpiresAt: attempt.created.urlExpiresAt,
    };
  }
  if (recording.ingestWork?.mayHavePosted === false) {
    return { kind: 'not-created' };
  }
  // SUBMITTING is written before the POST, and marked before every POST: a crash may have come after it.
  return { kind: 'uncertain', since: recording.ingestWork?.uncertainSince };
}

function sameIdentity(identity: ContentIdentity | undefined, stored: ContentIdentity): boolean {
  return identity !== undefined && identity.kind === stored.kind && identity.value === stored.value;
}
