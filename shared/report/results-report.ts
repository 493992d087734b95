import type { RecordingStatus } from '../recordings/state-machine.ts';
import { type RecordingFacts, type ScoredEvaluation, UNKNOWN } from '../results/result-facts.ts';
import { mean, percentile } from '../statistics.ts';

/**
 * The results report's figures over a set of recordings (`qm-ingest report`): outcomes, failure
 * reasons, score distributions by agent, queue and scorecard (automated and manual apart),
 * pipeline timings, Zoom calls per recording, outcomes per day. Pure: the CLI reads the
 * recordings through the by-status index and hands their facts here.
 */

export interface ReportFilters {
  /** Matched against the agent (name, email or user id), case-insensitively. */
  readonly agent?: string | undefined;
  readonly queue?: string | undefined;
  /** Keeps recordings with an evaluation on this scorecard, and only those evaluations' scores. */
  readonly scorecard?: string | undefined;
  readonly profile?: string | undefined;
}

export interface Distribution {
  readonly n: number;
  readonly mean: number;
  readonly p10: number;
  readonly p50: number;
  readonly p90: number;
}

export type ScoreDimension = 'agent' | 'queue' | 'scorecard';

export interface ScoreRow extends Distribution {
  readonly dimension: ScoreDimension;
  readonly group: string;
  readonly evaluationType: ScoredEvaluation['type'];
}

export type TimingStage = 'submitted' | 'first-result' | 'terminal';

export interface TimingRow {
  readonly stage: TimingStage;
  readonly n: number;
  readonly p50Seconds: number;
  readonly p95Seconds: number;
}

export interface ResultsReport {
  readonly window: { readonly from: number; readonly to: number };
  readonly filters: ReportFilters;
  readonly recordings: number;
  readonly outcomes: readonly { readonly status: RecordingStatus; readonly count: number }[];
  readonly failureReasons: readonly {
    readonly status: RecordingStatus;
    readonly reason: string;
    readonly count: number;
  }[];
  readonly scores: readonly ScoreRow[];
  readonly timings: readonly TimingRow[];
  /** Over the recordings that reached Zoom; undefined when none did. */
  readonly zoomCalls: (Distribution & { readonly p95: number }) | undefined;
  /** Recordings per UTC day (of their current status) and status, for the chart. */
  readonly outcomesByDay: readonly {
    readonly day: string;
    readonly status: RecordingStatus;
    readonly count: number;
  }[];
}

export function buildResultsReport(
  facts: readonly RecordingFacts[],
  window: ResultsReport['window'],
  filters: ReportFilters,
): ResultsReport {
  const kept = facts.filter((recording) => matchesFilters(recording, filters));
  const evaluationsOf = (recording: RecordingFacts): readonly ScoredEvaluation[] =>
    filters.scorecard === undefined
      ? recording.evaluations
      : recording.evaluations.filter((evaluation) => sameText(evaluation.scorecard, filters.scorecard));
  return {
    window,
    filters,
    recordings: kept.length,
    outcomes: counted(kept, (recording) => recording.status).map(([status, count]) => ({ status, count })),
    failureReasons: counted(
      kept.filter((recording) => recording.failureReason !== undefined),
      (recording) => `${recording.status}\u0000${recording.failureReason}`,
    ).map(([key, count]) => {
      const [status, reason = UNKNOWN] = key.split('\u0000');
      return { status: status as RecordingStatus, reason, count };
    }),
    scores: (['agent', 'queue', 'scorecard'] as const).flatMap((dimension) =>
      scoreRows(kept, dimension, evaluationsOf),
    ),
    timings: [
      timing('submitted', kept, (recording) => recording.submittedAt),
      timing('first-result', kept, (recording) => recording.firstResultAt),
      timing('terminal', kept, (recording) => recording.terminalAt),
    ].filter((row): row is TimingRow => row !== undefined),
    zoomCalls: zoomCalls(kept),
    outcomesByDay: counted(
      kept,
      (recording) => `${utcDay(recording.statusChangedAt)}\u0000${recording.status}`,
    )
      .map(([key, count]) => {
        const [day = '', status] = key.split('\u0000');
        return { day, status: status as RecordingStatus, count };
      })
      .sort((left, right) => left.day.localeCompare(right.day) || left.status.localeCompare(right.status)),
  };
}

export function matchesFilters(recording: RecordingFacts, filters: ReportFilters): boolean {
  return (
    (filters.profile === undefined || recording.profile === filters.profile) &&
    (filters.agent === undefined || sameText(recording.agent, filters.agent)) &&
    (filters.queue === undefined || sameText(recording.queue, filters.queue)) &&
    (filters.scorecard === undefined ||
      recording.evaluations.some((evaluation) => sameText(evaluation.scorecard, filters.scorecard)))
  );
}

export function distribution(samples: readonly number[]): Distribution {
  return {
    n: samples.length,
    mean: mean(samples),
    p10: percentile(samples, 0.1),
    p50: percentile(samples, 0.5),
    p90: percentile(samples, 0.9),
  };
}

function scoreRows(
  recordings: readonly RecordingFacts[],
  dimension: ScoreDimension,
  evaluationsOf: (recording: RecordingFacts) => readonly ScoredEvaluation[],
): ScoreRow[] {
  const samples = new Map<string, number[]>();
  for (const recording of recordings) {
    for (const evaluation of evaluationsOf(recording)) {
      const group = dimension === 'scorecard' ? evaluation.scorecard : (recording[dimension] ?? UNKNOWN);
      const key = `${group}\u0000${evaluation.type}`;
      samples.set(key, [...(samples.get(key) ?? []), evaluation.scorePercent]);
    }
  }
  return [...samples.entries()]
    .map(([key, values]) => {
      const [group = UNKNOWN, evaluationType] = key.split('\u0000');
      return {
        dimension,
        group,
        evaluationType: evaluationType as ScoredEvaluation['type'],
        ...distribution(values),
      };
    })
    .sort(
      (left, right) =>
        left.group.localeCompare(right.group) || left.evaluationType.localeCompare(right.evaluationType),
    );
}

function timing(
  stage: TimingStage,
  recordings: readonly RecordingFacts[],
  reachedAt: (recording: RecordingFacts) => number | undefined,
): TimingRow | undefined {
  const seconds = recordings.flatMap((recording) => {
    const at = reachedAt(recording);
    return at === undefined ? [] : [Math.max(0, at - recording.droppedAt) / 1_000];
  });
  if (seconds.length === 0) {
    return undefined;
  }
  return {
    stage,
    n: seconds.length,
    p50Seconds: percentile(seconds, 0.5),
    p95Seconds: percentile(seconds, 0.95),
  };
}

function zoomCalls(recordings: readonly RecordingFacts[]): ResultsReport['zoomCalls'] {
  const calls = recordings.flatMap((recording) =>
    recording.zoomCallsAtLeast === undefined ? [] : [recording.zoomCallsAtLeast],
  );
  return calls.length === 0 ? undefined : { ...distribution(calls), p95: percentile(calls, 0.95) };
}

/** Counts by key, the largest count first (then by key, so the order is stable). */
function counted<TItem, TKey extends string>(
  items: readonly TItem[],
  keyOf: (item: TItem) => TKey,
): [TKey, number][] {
  const counts = new Map<TKey, number>();
  for (const item of items) {
    const key = keyOf(item);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()].sort((left, right) => right[1] - left[1] || left[0].localeCompare(right[0]));
}

function sameText(value: string | undefined, wanted: string | undefined): boolean {
  return value !== undefined && wanted !== undefined && value.toLowerCase() === wanted.toLowerCase();
}

function utcDay(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}
