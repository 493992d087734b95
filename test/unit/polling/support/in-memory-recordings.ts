import type { Clock } from '../../../../shared/clock.ts';
import { StaleWriteError } from '../../../../shared/recordings/errors.ts';
import type { Notification } from '../../../../shared/recordings/notification.ts';
import type { Recording } from '../../../../shared/recordings/recording.ts';
import {
  type Expectation,
  type PollSchedule,
  planPollSchedule,
  type RecordingRepository,
  type ResultsUpdate,
  refusalFor,
} from '../../../../shared/recordings/repository.ts';
import { planTransition, type Transition } from '../../../../shared/recordings/transition.ts';

/**
 * The recording repository's write semantics in memory, for unit tests of the poller and the
 * reconciler: the same transition and poll plans (the pure planTransition and planPollSchedule), the same conditions on status,
 * submission and poll sequence, the same refusals (refusalFor), and the outbox entry of each
 * terminal transition. The DynamoDB implementation itself is tested against DynamoDB Local.
 */
export class InMemoryRecordings
  implements Pick<RecordingRepository, 'get' | 'schedulePoll' | 'transition' | 'setResults'>
{
  readonly #items = new Map<string, Recording>();
  readonly outbox: Notification[] = [];
  readonly #clock: Clock;

  constructor(clock: Clock, ...recordings: Recording[]) {
    this.#clock = clock;
    for (const recording of recordings) {
      this.put(recording);
    }
  }

  put(recording: Recording): void {
    this.#items.set(recording.recordingId, structuredClone(recording));
  }

  /** The stored recording (throws when there is none: a test's mistake). */
  current(recordingId: string): Recording {
    const found = this.#items.get(recordingId);
    if (found === undefined) {
      throw new Error(`No recording ${recordingId}`);
    }
    return structuredClone(found);
  }

  async get(recordingId: string): Promise<Recording | undefined> {
    const found = this.#items.get(recordingId);
    return found === undefined ? undefined : structuredClone(found);
  }

  async schedulePoll(current: Recording, schedule: PollSchedule): Promise<Recording> {
    const { expected, next } = planPollSchedule(current, schedule, this.#clock.now());
    this.#expect(current.recordingId, expected);
    this.put({ ...next, results: this.current(current.recordingId).results });
    return this.current(current.recordingId);
  }

  async transition(current: Recording, transition: Transition): Promise<Recording> {
    const plan = planTransition(current, transition, this.#clock.now());
    this.#expect(current.recordingId, plan.expected);
    this.put({ ...plan.next, results: this.current(current.recordingId).results });
    if (plan.notification !== undefined) {
      this.outbox.push(plan.notification);
    }
    return plan.next;
  }

  async setResults(recordingId: string, results: ResultsUpdate): Promise<Recording> {
    const stored = this.current(recordingId);
    if ((stored.results?.revision ?? 0) >= results.revision) {
      throw new StaleWriteError(stored, 'results revision', results.revision);
    }
    this.put({ ...stored, results: { ...results, updatedAt: this.#clock.now() } });
    return this.current(recordingId);
  }

  async setLateEvaluationCheck(
    current: Recording,
    check: Recording['lateEvaluationCheck'],
  ): Promise<Recording> {
    this.#expect(current.recordingId, {
      status: current.status,
      submission: current.submission,
      pollSeq: current.poll.pollSeq,
    });
    const { lateEvaluationCheck: _previous, ...stored } = this.current(current.recordingId);
    this.put(check === undefined ? stored : { ...stored, lateEvaluationCheck: check });
    return this.current(current.recordingId);
  }

  #expect(recordingId: string, expected: Expectation): void {
    const stored = this.#items.get(recordingId);
    if (
      stored === undefined ||
      stored.status !== expected.status ||
      stored.submission !== expected.submission ||
      stored.poll.pollSeq !== expected.pollSeq
    ) {
      throw refusalFor(recordingId, expected, stored === undefined ? undefined : structuredClone(stored));
    }
  }
}
