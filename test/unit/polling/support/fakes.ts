import type { Clock } from '../../../../shared/clock.ts';
import { parseZoomProfile, type ZoomProfileInput } from '../../../../shared/config/zoom-profile.ts';
import type { EvaluationSnapshot, PollObservations } from '../../../../shared/polling/observations.ts';
import type {
  PollScheduler,
  Resubmitter,
  ZoomAccounts,
  ZoomQmReader,
} from '../../../../shared/polling/ports.ts';
import type { Notification } from '../../../../shared/recordings/notification.ts';
import type { OutboxRepository } from '../../../../shared/recordings/outbox.ts';
import type { Recording, ResultsReference } from '../../../../shared/recordings/recording.ts';
import type { RecordingRepository } from '../../../../shared/recordings/repository.ts';
import type { CollectedResults } from '../../../../shared/results/collect.ts';
import type { RecordingResults } from '../../../../shared/results/results.ts';
import type { ResultsStore } from '../../../../shared/results/results-store.ts';
import { resultsItemKey } from '../../../../shared/results/storage-plan.ts';
import { ZoomNotFoundError } from '../../../../shared/zoom/errors.ts';
import type { ZoomOperation } from '../../../../shared/zoom/operations.ts';
import type {
  AutomatedEvaluation,
  AutomatedEvaluationListPage,
  EvaluationDetail,
  InteractionDetail,
} from '../../../../shared/zoom/schemas.ts';

/** A clock the test moves by hand. */
export class TestClock implements Clock {
  #now: number;

  constructor(start: number) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  set(at: number): void {
    this.#now = at;
  }

  advance(ms: number): void {
    this.#now += ms;
  }
}

/**
 * Zoom as the poller sees it, scripted: what the automated evaluations list, the interaction's
 * detail (undefined: 404) and each evaluation's scorecard answer, every call recorded, and errors
 * that the next calls of an operation throw.
 */
export class ScriptedZoom implements ZoomQmReader {
  automated: AutomatedEvaluation[] = [];
  detail: InteractionDetail | undefined;
  readonly scorecards = new Map<string, EvaluationDetail>();
  readonly calls: { readonly operation: ZoomOperation; readonly argument: string }[] = [];
  readonly #failures = new Map<ZoomOperation, Error[]>();

  /** The next calls of `operation` throw these, in order. */
  failNext(operation: ZoomOperation, ...errors: Error[]): void {
    this.#failures.set(operation, [...(this.#failures.get(operation) ?? []), ...errors]);
  }

  callsTo(operation: ZoomOperation): number {
    return this.calls.filter((call) => call.operation === operation).length;
  }

  async listAutomatedEvaluationsPage(
    query: { interaction_id?: string } = {},
  ): Promise<AutomatedEvaluationListPage> {
    this.#call('listAutomatedEvaluations', query.interaction_id ?? '');
    return { total: this.automated.length, page_size: 100, next_page_token: undefined, data: this.automated };
  }

  async getInteraction(interactionId: string): Promise<InteractionDetail> {
    this.#call('getInteraction', interactionId);
    if (this.detail === undefined) {
      throw new ZoomNotFoundError('not found', {
        operation: 'getInteraction',
        httpStatus: 404,
        zoomCode: 1001,
      });
    }
    return this.detail;
  }

  async getEvaluation(evaluationId: string): Promise<EvaluationDetail> {
    this.#call('getEvaluation', evaluationId);
    const scorecard = this.scorecards.get(evaluationId);
    if (scorecard === undefined) {
      throw new ZoomNotFoundError('not found', {
        operation: 'getEvaluation',
        httpStatus: 404,
        zoomCode: 1001,
      });
    }
    return scorecard;
  }

  #call(operation: ZoomOperation, argument: string): void {
    const failure = this.#failures.get(operation)?.shift();
    if (failure !== undefined) {
      throw failure;
    }
    this.calls.push({ operation, argument });
  }
}

/** Every profile served by the same scripted Zoom (with `settings` on top of the defaults). */
export function zoomAccounts(zoom: ZoomQmReader, settings: Partial<ZoomProfileInput> = {}): ZoomAccounts {
  const profile = parseZoomProfile({ name: 'default', secretName: 'qm/default', ...settings });
  return { forProfile: () => ({ profile, client: zoom }) };
}

/** Records the recordings scheduled, as the poll queue would receive them. */
export class RecordingScheduler implements PollScheduler {
  readonly scheduled: Recording[] = [];
  failure: Error | undefined;

  async schedule(recording: Recording): Promise<void> {
    if (this.failure !== undefined) {
      throw this.failure;
    }
    this.scheduled.push(structuredClone(recording));
  }
}

export class InMemoryObservations implements PollObservations {
  readonly seen = new Map<string, number>();

  async analysisSeenAt(recordingId: string, submission: number): Promise<number | undefined> {
    return this.seen.get(`${recordingId}/${submission}`);
  }

  async recordAnalysisSeen(recordingId: string, submission: number, at: number): Promise<number> {
    const key = `${recordingId}/${submission}`;
    const existing = this.seen.get(key);
    if (existing !== undefined) {
      return existing;
    }
    this.seen.set(key, at);
    return at;
  }

  readonly signals = new Set<string>();

  async signalHandled(recordingId: string, signalKey: string): Promise<boolean> {
    return this.signals.has(`${recordingId}/${signalKey}`);
  }

  async recordSignalHandled(recordingId: string, signalKey: string): Promise<void> {
    this.signals.add(`${recordingId}/${signalKey}`);
  }

  readonly snapshots = new Map<string, EvaluationSnapshot>();

  async evaluationSnapshot(recordingId: string, submission: number): Promise<EvaluationSnapshot | undefined> {
    return structuredClone(this.snapshots.get(`${recordingId}/${submission}`));
  }

  async recordEvaluationSnapshot(
    recordingId: string,
    submission: number,
    snapshot: EvaluationSnapshot,
  ): Promise<void> {
    this.snapshots.set(`${recordingId}/${submission}`, structuredClone(snapshot));
  }

  async forgetEvaluationSnapshot(recordingId: string, submission: number): Promise<void> {
    this.snapshots.delete(`${recordingId}/${submission}`);
  }
}

/** Keeps what it is asked to store and answers an item location. */
export class InMemoryResults implements Pick<ResultsStore, 'save' | 'read'> {
  readonly saved: { readonly collected: CollectedResults; readonly tag: string }[] = [];
  failure: Error | undefined;

  async save(collected: CollectedResults, tag: string): Promise<ResultsReference['location']> {
    if (this.failure !== undefined) {
      throw this.failure;
    }
    this.saved.push({ collected, tag });
    return { kind: 'item' as const, sk: resultsItemKey(collected.results.recordingId, tag).sk };
  }

  async read(recordingId: string, location: ResultsReference['location']): Promise<RecordingResults> {
    const found = this.saved.find(
      (entry) => location.kind === 'item' && resultsItemKey(recordingId, entry.tag).sk === location.sk,
    );
    if (found === undefined) {
      throw new Error(`No results stored at ${JSON.stringify(location)}`);
    }
    return { ...found.collected.results, transcript: undefined };
  }
}

/** The outbox's conditional write of notifications no transition carries. */
export class InMemoryOutbox implements Pick<OutboxRepository, 'addIfAbsent'> {
  readonly added = new Map<string, Notification>();

  async addIfAbsent(notification: Notification): Promise<boolean> {
    if (this.added.has(notification.notificationId)) {
      return false;
    }
    this.added.set(notification.notificationId, notification);
    return true;
  }
}

/** Moves the recording as the real one does, and records the hand-overs to ingest. */
export class RecordingResubmitter implements Resubmitter {
  readonly handedOver: Recording[] = [];
  /** The next hand-over throws this. */
  failure: Error | undefined;
  readonly #recordings: Pick<RecordingRepository, 'transition'>;

  constructor(recordings: Pick<RecordingRepository, 'transition'>) {
    this.#recordings = recordings;
  }

  async resubmit(claimed: Recording, reason: string): Promise<Recording> {
    const next = await this.#recordings.transition(claimed, { to: 'SUBMITTING', reason });
    await this.handOver(next);
    return next;
  }

  async handOver(recording: Recording): Promise<void> {
    if (this.failure !== undefined) {
      const failure = this.failure;
      this.failure = undefined;
      throw failure;
    }
    this.handedOver.push(recording);
  }
}
