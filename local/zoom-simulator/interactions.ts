/**
 * The simulated Zoom account's interactions and their lifecycle. What happens to an interaction
 * is drawn once, at creation, from a seeded stream (outcome, durations, evaluations); when it
 * happens is fixed once its recording is downloaded (wall-clock due times, the simulated
 * durations multiplied by the time scale). Every status is then a pure function of the clock, so
 * tests drive the lifecycle with an injected clock and never wait on timers.
 */
import type { Clock } from '../../shared/clock.ts';
import { scorecards } from './content/corpus.ts';
import { administrator, evaluators, type Person } from './content/people.ts';
import type { DownloadResult } from './downloader.ts';
import { createRandom, type Random, sampleDurationMs } from './random.ts';
import type { InteractionOutcome, ManualOutcome, OutcomeRule, Scenario } from './scenario.ts';

export type ChannelType = 'VIDEO' | 'AUDIO' | 'SMS' | 'WEB_CHAT' | 'MANUAL';
export type AutomatedStatus = 'PROCESSING' | 'COMPLETED' | 'FAILED';
/** Manual statuses, spelled canonically; each response schema's own spelling is applied when rendering. */
export type ManualStatus = 'Pending' | 'Active' | 'Completed' | 'Expired' | 'Canceled';
export type AcknowledgementStatus = 'Pending' | 'Complete' | 'Auto Complete' | 'None';
export type DisputeStatus = 'None' | 'Pending' | 'Complete';

export interface Queue {
  readonly id: string;
  readonly name: string;
}

/** An interaction as created: from a POST (validated) or from the account's background traffic. */
export interface InteractionInput {
  readonly downloadUrl: string | undefined;
  readonly channelType: ChannelType;
  readonly agent: Person;
  readonly queue: Queue | undefined;
  readonly consumerName: string | undefined;
  readonly from: string | undefined;
  readonly to: string | undefined;
  readonly direction: 'inbound' | 'outbound';
  readonly disposition: string | undefined;
  /** As posted (e.g. "en-US"); undefined lets the simulated analysis detect one. */
  readonly primaryLanguage: string | undefined;
  /** Epoch ms; the posted start_time, or the submission time when none was given. */
  readonly startTime: number;
}

export interface AutomatedEvaluation {
  readonly kind: 'automated';
  readonly id: string;
  readonly scorecardIndex: number;
  readonly finalStatus: 'COMPLETED' | 'FAILED';
  readonly durationMs: number;
  createdAt: number | undefined;
  finalAt: number | undefined;
}

export interface ManualEvaluation {
  readonly kind: 'manual';
  readonly id: string;
  readonly scorecardIndex: number;
  readonly finalStatus: 'Completed' | 'Expired' | 'Canceled';
  readonly assignAfterMs: number;
  readonly completeAfterMs: number;
  readonly evaluator: Person;
  readonly creator: Person;
  readonly acknowledgement: AcknowledgementStatus;
  readonly dispute: DisputeStatus;
  assignedAt: number | undefined;
  activeAt: number | undefined;
  finalAt: number | undefined;
}

export type Evaluation = AutomatedEvaluation | ManualEvaluation;

export type DownloadState =
  | { readonly state: 'pending' }
  | {
      readonly state: 'succeeded' | 'failed';
      readonly result: DownloadResult | undefined;
      readonly finishedAt: number;
    };

export interface InteractionRecord {
  readonly id: string;
  /** Creation order; names the record's random streams, so content is stable across requests. */
  readonly sequence: number;
  readonly source: 'api' | 'background';
  readonly input: InteractionInput;
  readonly submittedAt: number;
  readonly engagementId: string;
  readonly outcome: InteractionOutcome;
  readonly analysisDurationMs: number;
  readonly transcriptBytes: number;
  readonly automated: readonly AutomatedEvaluation[];
  readonly manual: ManualEvaluation | undefined;
  download: DownloadState;
  analysisDoneAt: number | undefined;
}

export type Stage = 'downloading' | 'download_failed' | 'analysing' | 'analysed';

export function stageAt(record: InteractionRecord, now: number): Stage {
  if (record.download.state === 'pending') return 'downloading';
  if (record.download.state === 'failed') return 'download_failed';
  return record.analysisDoneAt !== undefined && record.analysisDoneAt <= now ? 'analysed' : 'analysing';
}

/** Whether Zoom shows the interaction (list and by id): only once its analysis has finished. */
export function isVisible(record: InteractionRecord, now: number): boolean {
  return stageAt(record, now) === 'analysed';
}

export function automatedStatusAt(evaluation: AutomatedEvaluation, now: number): AutomatedStatus | undefined {
  if (evaluation.createdAt === undefined || evaluation.createdAt > now) return undefined;
  return evaluation.finalAt !== undefined && evaluation.finalAt <= now
    ? evaluation.finalStatus
    : 'PROCESSING';
}

export function manualStatusAt(evaluation: ManualEvaluation, now: number): ManualStatus | undefined {
  if (evaluation.assignedAt === undefined || evaluation.assignedAt > now) return undefined;
  if (evaluation.finalAt !== undefined && evaluation.finalAt <= now) return evaluation.finalStatus;
  if (evaluation.activeAt !== undefined && evaluation.activeAt <= now) return 'Active';
  return 'Pending';
}

/** When the evaluation last changed as seen at `now` (its modify_time). */
export function evaluationModifiedAt(evaluation: Evaluation, now: number): number | undefined {
  const stages =
    evaluation.kind === 'automated'
      ? [evaluation.createdAt, evaluation.finalAt]
      : [evaluation.assignedAt, evaluation.activeAt, evaluation.finalAt];
  const reached = stages.filter((stage): stage is number => stage !== undefined && stage <= now);
  return reached.length === 0 ? undefined : Math.max(...reached);
}

export function evaluationCreatedAt(evaluation: Evaluation): number | undefined {
  return evaluation.kind === 'automated' ? evaluation.createdAt : evaluation.assignedAt;
}

const manualFinalStatus: Readonly<Record<ManualOutcome, ManualEvaluation['finalStatus']>> = {
  completed: 'Completed',
  expired: 'Expired',
  canceled: 'Canceled',
};

export class InteractionStore {
  readonly #clock: Clock;
  readonly #scenario: Scenario;
  readonly #records = new Map<string, InteractionRecord>();
  readonly #evaluations = new Map<string, { record: InteractionRecord; evaluation: Evaluation }>();
  readonly #evaluators: readonly Person[];
  readonly #administrator: Person;
  #sequence = 0;

  constructor(clock: Clock, scenario: Scenario) {
    this.#clock = clock;
    this.#scenario = scenario;
    this.#evaluators = evaluators(scenario.seed);
    this.#administrator = administrator(scenario.seed);
  }

  get timeScale(): number {
    return this.#scenario.processing.timeScale;
  }

  /** Creates an interaction and draws its fate. Its clock starts when its download finishes. */
  create(
    input: InteractionInput,
    source: InteractionRecord['source'],
    submittedAt = this.#clock.now(),
  ): InteractionRecord {
    const sequence = this.#sequence;
    this.#sequence += 1;
    const random = createRandom(this.#scenario.seed, 'interaction', sequence);
    const rule = this.#matchingRule(input);
    const processing = this.#scenario.processing;
    const outcome = rule?.outcome ?? random.weighted(processing.outcomes);
    const id = random.zoomId();
    const engagementId = random.zoomId();
    const analysisDurationMs = sampleDurationMs(rule?.analysis ?? processing.analysis, random);
    const automated = outcome === 'noEvaluation' ? [] : this.#drawAutomated(random, outcome);
    const manual = this.#drawManual(random, outcome, rule);
    const content = this.#scenario.content;
    const transcriptBytes =
      rule?.transcriptBytes ??
      (random.chance(content.largeTranscriptProbability)
        ? content.largeTranscriptBytes
        : content.transcriptBytes);
    const record: InteractionRecord = {
      id,
      sequence,
      source,
      input,
      submittedAt,
      engagementId,
      outcome,
      analysisDurationMs,
      transcriptBytes,
      automated,
      manual,
      download: { state: 'pending' },
      analysisDoneAt: undefined,
    };
    this.#records.set(id, record);
    for (const evaluation of [...automated, ...(manual === undefined ? [] : [manual])]) {
      this.#evaluations.set(evaluation.id, { record, evaluation });
    }
    return record;
  }

  /** Records the download's result; a success schedules analysis and evaluations from `finishedAt`. */
  completeDownload(record: InteractionRecord, result: DownloadResult | undefined, finishedAt: number): void {
    const succeeded = result === undefined || result.outcome === 'ok';
    record.download = { state: succeeded ? 'succeeded' : 'failed', result, finishedAt };
    if (!succeeded) return;
    const scale = this.timeScale;
    const analysisDoneAt = finishedAt + record.analysisDurationMs * scale;
    record.analysisDoneAt = analysisDoneAt;
    for (const evaluation of record.automated) {
      evaluation.createdAt = analysisDoneAt;
      evaluation.finalAt = analysisDoneAt + evaluation.durationMs * scale;
    }
    const manual = record.manual;
    if (manual !== undefined) {
      const assignedAt = analysisDoneAt + manual.assignAfterMs * scale;
      const finalAt = assignedAt + manual.completeAfterMs * scale;
      manual.assignedAt = assignedAt;
      // Only an evaluation that gets completed is worked on; expired and canceled ones stay Pending.
      manual.activeAt =
        manual.finalStatus === 'Completed' ? assignedAt + (finalAt - assignedAt) / 2 : finalAt;
      manual.finalAt = finalAt;
    }
  }

  get(id: string): InteractionRecord | undefined {
    return this.#records.get(id);
  }

  getEvaluation(id: string): { record: InteractionRecord; evaluation: Evaluation } | undefined {
    return this.#evaluations.get(id);
  }

  /** Every record, in creation order. */
  all(): InteractionRecord[] {
    return [...this.#records.values()];
  }

  /** The records Zoom shows at `now` (analysed), in creation order. */
  visible(now: number): InteractionRecord[] {
    return this.all().filter((record) => isVisible(record, now));
  }

  /** The records with these ids, in the same order, skipping unknown ids. */
  records(ids: readonly string[]): InteractionRecord[] {
    return ids.flatMap((id) => {
      const record = this.#records.get(id);
      return record === undefined ? [] : [record];
    });
  }

  /** The evaluations with these ids (and their interactions), in the same order, skipping unknown ids. */
  evaluations(ids: readonly string[]): Array<{ record: InteractionRecord; evaluation: Evaluation }> {
    return ids.flatMap((id) => {
      const found = this.#evaluations.get(id);
      return found === undefined ? [] : [found];
    });
  }

  /**
   * Moves manual evaluations of analysed interactions forward by `simulatedMs` of simulated
   * time: each stage still ahead comes that much sooner, but never before now. Returns how many
   * evaluations moved.
   */
  advanceManualEvaluations(simulatedMs: number): number {
    const shift = simulatedMs * this.timeScale;
    return this.#rescheduleManual((stage, now) => Math.max(now, stage - shift));
  }

  /** Brings every manual evaluation of an analysed interaction to its final status now. */
  finishManualEvaluations(): number {
    return this.#rescheduleManual((_, now) => now);
  }

  #rescheduleManual(reschedule: (stage: number, now: number) => number): number {
    const now = this.#clock.now();
    let moved = 0;
    for (const record of this.#records.values()) {
      const manual = record.manual;
      if (manual === undefined || !isVisible(record, now)) continue;
      const { assignedAt, activeAt, finalAt } = manual;
      if (assignedAt === undefined || activeAt === undefined || finalAt === undefined || finalAt <= now)
        continue;
      const move = (stage: number): number => (stage > now ? reschedule(stage, now) : stage);
      manual.assignedAt = move(assignedAt);
      manual.activeAt = move(activeAt);
      manual.finalAt = move(finalAt);
      moved += 1;
    }
    return moved;
  }

  #matchingRule(input: InteractionInput): OutcomeRule | undefined {
    return this.#scenario.processing.rules.find((rule) => {
      const { downloadUrlIncludes, disposition } = rule.match;
      if (downloadUrlIncludes !== undefined && !(input.downloadUrl ?? '').includes(downloadUrlIncludes))
        return false;
      if (disposition !== undefined && input.disposition !== disposition) return false;
      return true;
    });
  }

  #drawAutomated(random: Random, outcome: InteractionOutcome): AutomatedEvaluation[] {
    const settings = this.#scenario.processing.automatedEvaluations;
    const count = random.int(settings.min, settings.max);
    return Array.from({ length: count }, (_, index) => ({
      kind: 'automated',
      id: random.hexId(),
      scorecardIndex: random.int(0, scorecards.length - 1),
      // A failed interaction is one whose last automated evaluation fails.
      finalStatus: outcome === 'failed' && index === count - 1 ? 'FAILED' : 'COMPLETED',
      durationMs: sampleDurationMs(settings.duration, random),
      createdAt: undefined,
      finalAt: undefined,
    }));
  }

  #drawManual(
    random: Random,
    outcome: InteractionOutcome,
    rule: OutcomeRule | undefined,
  ): ManualEvaluation | undefined {
    const settings = this.#scenario.processing.manualEvaluations;
    // Drawn even when unused, so a rule or outcome does not shift the draws that follow.
    const assigned = random.chance(settings.probability);
    const manualOutcome = random.weighted(settings.outcomes);
    const id = random.hexId();
    const scorecardIndex = random.int(0, scorecards.length - 1);
    const assignAfterMs = sampleDurationMs(settings.assignedAfter, random);
    const completeAfterMs = sampleDurationMs(settings.completedAfter, random);
    const evaluator = random.pick(this.#evaluators);
    const acknowledgement = random.pick<AcknowledgementStatus>(['Pending', 'Complete', 'Auto Complete']);
    const dispute = random.pick<DisputeStatus>(['None', 'None', 'None', 'Pending', 'Complete']);
    const chosen =
      rule?.manualEvaluation ?? (outcome === 'noEvaluation' || !assigned ? 'none' : manualOutcome);
    if (chosen === 'none') return undefined;
    const finalStatus = manualFinalStatus[chosen];
    return {
      kind: 'manual',
      id,
      scorecardIndex,
      finalStatus,
      assignAfterMs,
      completeAfterMs,
      evaluator,
      creator: this.#administrator,
      acknowledgement: finalStatus === 'Completed' ? acknowledgement : 'None',
      dispute: finalStatus === 'Completed' ? dispute : 'None',
      assignedAt: undefined,
      activeAt: undefined,
      finalAt: undefined,
    };
  }
}
