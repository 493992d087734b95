import type { Clock } from '../clock.ts';
import type { PollSettings } from '../config/polling.ts';
import { isRetryable, PermanentError, RetryableError } from '../errors.ts';
import type { OutboxPublisher } from '../notify/outbox-publisher.ts';
import { type Instrumented, InstrumentedService } from '../observability/instrumented.ts';
import type { Recording, ResultsReference } from '../recordings/recording.ts';
import type { RecordingRepository } from '../recordings/repository.ts';
import { isAutomaticResubmission } from '../recordings/state-machine.ts';
import { collectResults, completedByEvents, type ReportedResult } from '../results/collect.ts';
import type { ResultsStore } from '../results/results-store.ts';
import { resultsTag } from '../results/storage-plan.ts';
import { isAlertWorthy, ZoomRateLimitedError } from '../zoom/errors.ts';
import type { AutomatedEvaluation, InteractionDetail } from '../zoom/schemas.ts';
import {
  decidePoll,
  type PollDecision,
  type PollFacts,
  type PollFinalStatus,
  type WaitPhase,
} from './decision.ts';
import {
  type AutomatedAssessment,
  assessAutomatedEvaluations,
  automatedStatesFromDetail,
  automatedStatesFromList,
  automatedStatesFromSnapshot,
} from './evaluations.ts';
import { RecordingFinisher, type RecordingFinisherDependencies } from './finisher.ts';
import { PollMetric } from './metrics.ts';
import type { EvaluationSnapshot, PollObservations } from './observations.ts';
import type { PollMessage } from './poll-message.ts';
import { interactionIdOf, isLostRace, pollLogFields } from './poll-recording.ts';
import type { PollScheduler, Resubmitter, ZoomAccounts } from './ports.ts';
import {
  backoffDelayMs,
  dueAtWithinDeadline,
  type RandomSource,
  rateLimitedDelayMs,
  safetyNetDelayMs,
} from './schedule.ts';
import { isZoomError, zoomErrorKind } from './zoom-errors.ts';
import { PollZoomReader } from './zoom-reader.ts';

/**
 * Follows one recording for one poll message: the poller's core, with every dependency injected.
 *
 * DynamoDB is the source of truth. A message whose poll sequence is not the recording's is stale
 * (a duplicate, or superseded by a newer schedule) and is dropped without a Zoom call. A message
 * that arrives before its poll is due (SQS delays stop at 15 minutes) is sent again. Before any
 * Zoom call the poller takes the poll with a conditional write that moves the sequence on and
 * sets a lease (the next due time, should this poller die), so a duplicate delivered at the same
 * moment finds it taken. Then: the cheap automated-evaluations list (LIGHT); the interaction's
 * detail (MEDIUM) only when that list is empty and the analysis was never seen finished; and the
 * full detail once, at the end, for the results.
 */

/** A message this close to its due time is processed rather than sent again. */
export const EARLY_TOLERANCE_MS = 1_000;
/** How long a poll observation is kept after the recording's deadline. */
const OBSERVATION_RETENTION_MS = 30 * 86_400_000;

export type PollOutcome =
  | { readonly kind: 'dropped'; readonly why: 'missing' | 'stale' }
  | { readonly kind: 'not-due'; readonly dueAt: number }
  | { readonly kind: 'waiting'; readonly phase: WaitPhase; readonly nextPollDueAt: number }
  | { readonly kind: 'rate-limited'; readonly retryAfterMs: number; readonly nextPollDueAt: number }
  | { readonly kind: 'zoom-error'; readonly nextPollDueAt: number }
  | { readonly kind: 'retry-later'; readonly nextPollDueAt: number }
  | { readonly kind: 'finished'; readonly status: PollFinalStatus; readonly notified: boolean }
  | { readonly kind: 'resubmitted'; readonly submission: number };

export interface PollServiceDependencies extends Instrumented {
  readonly repository: Pick<
    RecordingRepository,
    'get' | 'schedulePoll' | 'transition' | 'setResults' | 'setLateEvaluationCheck'
  >;
  readonly scheduler: PollScheduler;
  readonly zoom: ZoomAccounts;
  readonly observations: PollObservations;
  readonly results: Pick<ResultsStore, 'save' | 'read'>;
  readonly publisher: Pick<OutboxPublisher, 'publishOrLeavePending'>;
  readonly exporter?: RecordingFinisherDependencies['exporter'];
  readonly resubmitter: Resubmitter;
  readonly settings: PollSettings;
  readonly clock: Clock;
  readonly random?: RandomSource | undefined;
}

/** What one poll read from Zoom and decided. */
interface Observation {
  readonly decision: PollDecision;
  readonly automated: readonly AutomatedEvaluation[];
  readonly detail: InteractionDetail | undefined;
}

export class PollService extends InstrumentedService<PollServiceDependencies> {
  readonly #random: RandomSource;
  readonly #finisher: RecordingFinisher;

  constructor(dependencies: PollServiceDependencies) {
    super(dependencies);
    this.#random = dependencies.random ?? Math.random;
    this.#finisher = new RecordingFinisher(dependencies);
  }

  /** Handles one poll message. Throws only what a retry of the message may fix. */
  async poll(message: PollMessage): Promise<PollOutcome> {
    const recording = await this.deps.repository.get(message.recordingId);
    if (recording === undefined) {
      this.logger.warn('Poll for a recording that does not exist; dropped', {
        recordingId: message.recordingId,
      });
      return { kind: 'dropped', why: 'missing' };
    }
    if (isUnfinishedResubmission(recording, message)) {
      await this.deps.resubmitter.handOver(recording);
      this.logger.info('Automatic resubmission handed to ingest again', pollLogFields(recording));
      return { kind: 'resubmitted', submission: recording.submission };
    }
    if (recording.status !== 'SUBMITTED' || recording.poll.pollSeq !== message.pollSeq) {
      return this.#stale(recording, message);
    }
    const now = this.deps.clock.now();
    const dueAt = recording.poll.nextPollDueAt ?? now;
    if (dueAt > now + EARLY_TOLERANCE_MS) {
      await this.deps.scheduler.schedule(recording);
      return { kind: 'not-due', dueAt };
    }
    const claimed = await this.#claim(recording, now);
    if (claimed === undefined) {
      return this.#stale(recording, message);
    }
    try {
      return await this.#check(claimed);
    } catch (error) {
      return this.#release(claimed, error);
    }
  }

  /** Takes the poll: moves the sequence on (duplicates become stale) and sets the lease. */
  async #claim(recording: Recording, now: number): Promise<Recording | undefined> {
    const leaseMs = this.deps.settings.leaseSeconds * 1_000;
    try {
      return await this.deps.repository.schedulePoll(recording, {
        nextPollDueAt: dueAtWithinDeadline(now, leaseMs, recording.poll.deadlineAt),
        countsAsAttempt: false,
      });
    } catch (error) {
      if (isLostRace(error)) {
        return undefined;
      }
      throw error;
    }
  }

  /**
   * Reads Zoom, decides, acts. Every Zoom call of a poll comes before its first write (the final
   * detail and scorecards are read before the results are stored), so a Zoom failure anywhere
   * leaves the recording as claimed, and the poll is simply scheduled again.
   */
  async #check(claimed: Recording): Promise<PollOutcome> {
    const reader = new PollZoomReader(this.deps.zoom.forProfile(claimed.profile), this.metrics);
    try {
      return await this.#act(claimed, await this.#observe(claimed, reader), reader);
    } catch (error) {
      if (error instanceof ZoomRateLimitedError) {
        return this.#afterRateLimit(claimed, error);
      }
      if (isZoomError(error)) {
        return this.#afterZoomError(claimed, error);
      }
      throw error;
    }
  }

  async #act(claimed: Recording, observation: Observation, reader: PollZoomReader): Promise<PollOutcome> {
    const { decision } = observation;
    this.logger.info('Poll decided', { ...pollLogFields(claimed), decision, zoomCalls: reader.calls });
    switch (decision.action) {
      case 'wait':
        if (decision.phase === 'evaluating' && observation.detail !== undefined) {
          await this.#keepSnapshot(claimed, observation.detail, reader);
        }
        return this.#waitMore(claimed, decision.phase, reader);
      case 'resubmit':
        return this.#resubmit(claimed, decision.reason);
      case 'finish':
        return this.#finisher.finish(claimed, {
          status: decision.status,
          reason: decision.reason,
          readings: decision.collectResults ? { ...observation, reader } : undefined,
        });
      case 'look-up-interaction':
        throw new PermanentError('A poll decision asked for the interaction after it was looked up (a bug)');
    }
  }

  /**
   * Reads Zoom, the cheapest call first, and decides. With webhooks on, a poll comes when Zoom
   * said something finished (or as the safety net), so the detail, which both decides and gives
   * the results, is read first: one call where the list would lead to a second.
   */
  async #observe(claimed: Recording, reader: PollZoomReader): Promise<Observation> {
    if (reader.profile.webhooks.enabled) {
      return this.#observeByDetail(claimed, reader);
    }
    const interactionId = interactionIdOf(claimed);
    const context = { now: this.deps.clock.now(), settings: this.deps.settings, recording: claimed };
    const automated = await reader.automatedEvaluations(interactionId);
    const assessment = assessAutomatedEvaluations(automatedStatesFromList(automated));
    const analysisSeenAt =
      assessment.kind === 'none'
        ? await this.deps.observations.analysisSeenAt(claimed.recordingId, claimed.submission)
        : undefined;
    const facts: PollFacts = { automated: assessment, interaction: 'not-asked', analysisSeenAt };
    const first = decidePoll(context, facts);
    if (first.action !== 'look-up-interaction') {
      return { decision: first, automated, detail: undefined };
    }
    const detail = await reader.interaction(interactionId);
    const fromDetail = detailAssessment(detail);
    const decision = decidePoll(context, {
      automated: fromDetail?.kind === 'none' || fromDetail === undefined ? assessment : fromDetail,
      interaction: detail === undefined ? 'not-found' : 'found',
      analysisSeenAt:
        fromDetail?.kind === 'none' ? await this.#analysisSeen(claimed, context.now) : analysisSeenAt,
    });
    return { decision, automated, detail };
  }

  /** The detail alone decides (webhooks on); the analysis-seen time counts as the list path's does. */
  async #observeByDetail(claimed: Recording, reader: PollZoomReader): Promise<Observation> {
    const context = { now: this.deps.clock.now(), settings: this.deps.settings, recording: claimed };
    const detail = await reader.interaction(interactionIdOf(claimed));
    const assessment = detailAssessment(detail);
    // Only "analysed, no automated evaluation" needs the time it was first seen (its grace runs from it).
    const analysisSeenAt =
      assessment?.kind === 'none' ? await this.#analysisSeen(claimed, context.now) : undefined;
    const decision = decidePoll(context, {
      automated: assessment ?? { kind: 'none' },
      interaction: detail === undefined ? 'not-found' : 'found',
      analysisSeenAt,
    });
    return { decision, automated: [], detail };
  }

  /** Records the analysis as seen now, unless it was seen before; returns the time that counts. */
  #analysisSeen(claimed: Recording, now: number): Promise<number> {
    return this.deps.observations.recordAnalysisSeen(
      claimed.recordingId,
      claimed.submission,
      now,
      this.#observationKeepUntil(claimed),
    );
  }

  /**
   * Completes an automated evaluation from its `evaluation_completed` event without a Zoom call,
   * when the evaluation snapshot (the last detail read, webhooks on) lists it as processing, and
   * finishes the recording when no automated evaluation is left processing. Undefined when the
   * snapshot cannot tell (none, or it does not list the evaluation): the caller reads the detail.
   * A poll running at the same moment makes the message retried, since that poll may not know the
   * event's result.
   */
  async completeFromEvent(
    recording: Recording,
    event: { readonly evaluationId: string; readonly reported: ReportedResult },
  ): Promise<PollOutcome | undefined> {
    const snapshot = await this.deps.observations.evaluationSnapshot(
      recording.recordingId,
      recording.submission,
    );
    const known = snapshot?.automated.find((evaluation) => evaluation.id === event.evaluationId);
    if (snapshot === undefined || known === undefined) {
      return undefined;
    }
    if (known.status === 'COMPLETED') {
      // An event already applied (Zoom's second delivery of it, or a re-delivery with a new event_ts).
      return { kind: 'dropped', why: 'stale' };
    }
    const now = this.deps.clock.now();
    const claimed = await this.#claim(recording, now);
    if (claimed === undefined) {
      throw new RetryableError(lostEventMessage(recording, event.evaluationId));
    }
    try {
      return await this.#applyEvent(claimed, snapshot, event);
    } catch (error) {
      if (isLostRace(error)) {
        // Another writer took the recording meanwhile and may not know this event's result.
        throw new RetryableError(lostEventMessage(recording, event.evaluationId), { cause: error });
      }
      return this.#release(claimed, error);
    }
  }

  async #applyEvent(
    claimed: Recording,
    snapshot: EvaluationSnapshot,
    event: { readonly evaluationId: string; readonly reported: ReportedResult },
  ): Promise<PollOutcome> {
    const automated = snapshot.automated.map((evaluation) =>
      evaluation.id === event.evaluationId
        ? { ...evaluation, status: 'COMPLETED', reported: event.reported }
        : evaluation,
    );
    const assessment = assessAutomatedEvaluations(automatedStatesFromSnapshot(automated));
    const context = { now: this.deps.clock.now(), settings: this.deps.settings, recording: claimed };
    const decision = decidePoll(context, { automated: assessment, interaction: 'found' });
    const reader = new PollZoomReader(this.deps.zoom.forProfile(claimed.profile), this.metrics);
    this.logger.info('Evaluation completed (webhook): decided without reading Zoom', {
      ...pollLogFields(claimed),
      evaluationId: event.evaluationId,
      decision,
    });
    if (decision.action === 'wait') {
      await this.deps.observations.recordEvaluationSnapshot(
        claimed.recordingId,
        claimed.submission,
        { ...snapshot, automated },
        this.#observationKeepUntil(claimed),
      );
      return this.#waitMore(claimed, decision.phase, reader);
    }
    if (decision.action !== 'finish' || assessment.kind !== 'final') {
      // Past the deadline with an evaluation still processing: the ordinary check decides.
      return this.#check(claimed);
    }
    const stored = await this.deps.results.read(claimed.recordingId, snapshot.location);
    const reported = new Map(
      automated.flatMap((evaluation) =>
        evaluation.reported === undefined ? [] : [[evaluation.id, evaluation.reported] as const],
      ),
    );
    return this.#finisher.finish(claimed, {
      status: decision.status,
      reason: decision.reason,
      collected: completedByEvents(stored, reported, {
        status: decision.status,
        collectedAt: this.deps.clock.now(),
      }),
    });
  }

  /**
   * With webhooks on, keeps what a detail read showed while automated evaluations were processing
   * (see PollObservations), so their events can complete them without reading it again. Only for
   * an interaction without manual evaluations (theirs are read with the detail at the end), and
   * only results stored in an item (read back with GetItem). A failure to keep it is logged, not
   * thrown: the next event then reads the detail, as without it.
   */
  async #keepSnapshot(claimed: Recording, detail: InteractionDetail, reader: PollZoomReader): Promise<void> {
    if (!reader.profile.webhooks.enabled) {
      return;
    }
    const { recordingId, submission } = claimed;
    try {
      const location = await this.#snapshotResults(claimed, detail);
      if (location === undefined) {
        // A snapshot an earlier read left would no longer say what Zoom shows.
        await this.deps.observations.forgetEvaluationSnapshot(recordingId, submission);
        return;
      }
      const automated = automatedStatesFromDetail(detail).map(({ id, status }) => ({ id, status }));
      await this.deps.observations.recordEvaluationSnapshot(
        recordingId,
        submission,
        { location, automated },
        this.#observationKeepUntil(claimed),
      );
    } catch (error) {
      this.logger.warn('Evaluation snapshot not kept; the next evaluation event reads the detail', {
        ...pollLogFields(claimed),
        error,
      });
    }
  }

  /**
   * Stores the results of the detail read for a snapshot (like results, referenced by no
   * recording; the status is replaced when it finishes); undefined when none may be kept: the
   * interaction has a manual evaluation, or the results were too large for an item and went to the
   * results bucket, where the poll function may only write.
   */
  async #snapshotResults(
    claimed: Recording,
    detail: InteractionDetail,
  ): Promise<ResultsReference['location'] | undefined> {
    const evaluations = detail.interaction_info.evaluations ?? [];
    if (evaluations.some((evaluation) => evaluation.evaluation_type !== 'Automated')) {
      return undefined;
    }
    const collected = collectResults({
      recording: claimed,
      interactionId: interactionIdOf(claimed),
      status: 'EVALUATED',
      collectedAt: this.deps.clock.now(),
      detail,
      automated: [],
      manualDetails: new Map(),
    });
    const location = await this.deps.results.save(
      collected,
      resultsTag(claimed.submission, claimed.poll.pollSeq),
    );
    return location.kind === 'item' ? location : undefined;
  }

  #observationKeepUntil(claimed: Recording): number {
    return (claimed.poll.deadlineAt ?? this.deps.clock.now()) + OBSERVATION_RETENTION_MS;
  }

  /** Keeps the recording SUBMITTED and schedules its next check; this poll counts. */
  async #waitMore(claimed: Recording, phase: WaitPhase, reader: PollZoomReader): Promise<PollOutcome> {
    const delayMs = reader.profile.webhooks.enabled
      ? safetyNetDelayMs(phase, reader.profile.webhooks.safetyIntervalSeconds, this.deps.settings)
      : backoffDelayMs(claimed.poll.attempts + 1, this.deps.settings.backoff, this.#random);
    const nextPollDueAt = await this.#scheduleNext(claimed, delayMs, true);
    return { kind: 'waiting', phase, nextPollDueAt };
  }

  async #scheduleNext(claimed: Recording, delayMs: number, countsAsAttempt: boolean): Promise<number> {
    const nextPollDueAt = dueAtWithinDeadline(this.deps.clock.now(), delayMs, claimed.poll.deadlineAt);
    const next = await this.deps.repository.schedulePoll(claimed, { nextPollDueAt, countsAsAttempt });
    await this.deps.scheduler.schedule(next);
    return nextPollDueAt;
  }

  /** A rate limit refused a call: wait at least its Retry-After; the poll does not count. */
  async #afterRateLimit(claimed: Recording, error: ZoomRateLimitedError): Promise<PollOutcome> {
    const { retryAfterMs } = error.rateLimit;
    this.logger.info('Poll refused by a rate limit; checking again later', {
      ...pollLogFields(claimed),
      retryAfterMs,
      source: error.rateLimit.source,
      label: error.rateLimit.label,
    });
    if (this.#pastDeadline(claimed)) {
      return this.#finisher.finish(claimed, {
        status: 'TIMED_OUT',
        reason: `Deadline passed while Zoom's rate limit refused the last check (${error.rateLimit.kind})`,
      });
    }
    const delayMs = rateLimitedDelayMs(retryAfterMs, this.deps.settings, this.#random);
    const nextPollDueAt = await this.#scheduleNext(claimed, delayMs, false);
    return { kind: 'rate-limited', retryAfterMs, nextPollDueAt };
  }

  /** Zoom failed otherwise (5xx after the client's retries, timeout, auth, changed API): back off. */
  async #afterZoomError(claimed: Recording, error: Error): Promise<PollOutcome> {
    const kind = zoomErrorKind(error);
    this.metrics.count(PollMetric.zoomErrors, 1, { kind });
    const fields = { ...pollLogFields(claimed), kind, error };
    if (isAlertWorthy(error)) {
      this.logger.error('Zoom refused a poll; needs attention (credentials or a changed API)', fields);
    } else {
      this.logger.warn('Zoom failed a poll; checking again later', fields);
    }
    if (this.#pastDeadline(claimed)) {
      return this.#finisher.finish(claimed, {
        status: 'TIMED_OUT',
        reason: `Deadline passed while Zoom failed the last check (${kind}: ${error.message})`,
      });
    }
    const delayMs = backoffDelayMs(claimed.poll.attempts + 1, this.deps.settings.backoff, this.#random);
    return { kind: 'zoom-error', nextPollDueAt: await this.#scheduleNext(claimed, delayMs, true) };
  }

  /**
   * Something other than Zoom failed after the claim (DynamoDB, S3, SQS). A retryable failure
   * gives the poll back with a backoff, so it does not wait for the lease; anything else, or a
   * failed give-back, is thrown: the message is retried (and dropped as stale), the lease ends,
   * and the reconciler re-queues the poll.
   */
  async #release(claimed: Recording, error: unknown): Promise<PollOutcome> {
    if (isLostRace(error)) {
      // Another writer (the reconciler, past the lease) moved the recording: its poll is theirs now.
      return this.#stale(claimed, undefined);
    }
    if (!isRetryable(error) || this.#pastDeadline(claimed)) {
      throw error;
    }
    this.logger.warn('Poll failed; checking again later', { ...pollLogFields(claimed), error });
    try {
      const delayMs = backoffDelayMs(claimed.poll.attempts + 1, this.deps.settings.backoff, this.#random);
      return { kind: 'retry-later', nextPollDueAt: await this.#scheduleNext(claimed, delayMs, false) };
    } catch {
      throw error;
    }
  }

  async #resubmit(claimed: Recording, reason: string): Promise<PollOutcome> {
    let next: Recording;
    try {
      next = await this.deps.resubmitter.resubmit(claimed, reason);
    } catch (error) {
      if (isLostRace(error)) {
        return { kind: 'dropped', why: 'stale' };
      }
      throw error;
    }
    this.metrics.count(PollMetric.resubmitted);
    this.logger.warn('Zoom never processed the recording; submitted again', {
      ...pollLogFields(next),
      reason,
    });
    return { kind: 'resubmitted', submission: next.submission };
  }

  #stale(recording: Recording, message: PollMessage | undefined): PollOutcome {
    this.metrics.count(PollMetric.stalePolls);
    this.logger.info('Stale or duplicate poll message dropped', {
      ...pollLogFields(recording),
      messagePollSeq: message?.pollSeq,
    });
    return { kind: 'dropped', why: 'stale' };
  }

  #pastDeadline(recording: Recording): boolean {
    const { deadlineAt } = recording.poll;
    return deadlineAt !== undefined && this.deps.clock.now() >= deadlineAt;
  }
}

function lostEventMessage(recording: Recording, evaluationId: string): string {
  return `Recording ${recording.recordingId} was being polled when evaluation ${evaluationId} completed; the event is handled again`;
}

/** What an interaction's detail says of its automated evaluations; undefined while Zoom does not show it. */
function detailAssessment(detail: InteractionDetail | undefined): AutomatedAssessment | undefined {
  return detail === undefined ? undefined : assessAutomatedEvaluations(automatedStatesFromDetail(detail));
}

/**
 * A resubmission whose hand-over to ingest failed: the recording moved SUBMITTED -> SUBMITTING on
 * this very message (its claim and its transition are the two writes since the message's
 * sequence), so the retried message hands it over again.
 */
export function isUnfinishedResubmission(recording: Recording, message: PollMessage): boolean {
  const last = recording.history.at(-1);
  return (
    recording.status === 'SUBMITTING' &&
    recording.poll.pollSeq === message.pollSeq + 2 &&
    last !== undefined &&
    last.from !== null &&
    isAutomaticResubmission(last.from, last.to)
  );
}
