import {
  dropCallRecording,
  type LocalRuntime,
  portsFromBase,
  recordingsWithKeys,
  startLocalRuntime,
} from '../local/runtime/index.ts';
import { operations, type ScenarioInput } from '../local/zoom-simulator/index.ts';
import type { WebhookCounters } from '../local/zoom-simulator/webhooks.ts';
import type { PollSettingsInput } from '../shared/config/polling.ts';
import type { Recording } from '../shared/recordings/recording.ts';
import { isTerminal } from '../shared/recordings/state-machine.ts';
import { percentile } from '../shared/statistics.ts';
import { fixed, ratio, type Table } from './table.ts';

/**
 * Webhooks against polling, on the same drops: each strategy runs the same recordings through the
 * whole local runtime against the same seeded Zoom (processing times as Zoom's, compressed 30x,
 * so Zoom's 30 s become 1 s, the shortest delay SQS has). Printed for each: Zoom calls per
 * evaluated recording (the POST included: the floor is 2, one POST and one detail read) and the
 * detection latency, from Zoom finishing the last automated evaluation to the result recorded.
 *
 * - fixed 30 s: what a straightforward integration does, a check every 30 s (Zoom time);
 * - backoff: qm-ingest's polling as it ships (first check after 60 s, then 30 s doubling to 15 min);
 * - webhooks: the events drive each recording; polling only as the safety net (30 min).
 */

export interface WebhookBenchOptions {
  readonly recordings: number;
  /** Per strategy: the longest wait for every recording to finish. */
  readonly timeoutMs: number;
  /** Only the strategies with webhooks on (true) or off (false); all when absent. */
  readonly only?: boolean | undefined;
}

/** Zoom time per wall-clock second: 30 s of Zoom is one second here. */
const TIME_SCALE = 1 / 30;
const zoomSeconds = (seconds: number): number => Math.max(1, Math.round(seconds * TIME_SCALE));

/** The default scenario's Zoom (1 or 2 automated evaluations, log-normal times), without manual evaluations or NO_EVALUATION, whose grace would only measure a setting. */
const SCENARIO: ScenarioInput = {
  description: 'webhook bench',
  seed: 1_515,
  processing: {
    timeScale: TIME_SCALE,
    analysis: { kind: 'lognormal', medianSeconds: 600, sigma: 0.5, maxSeconds: 3_600 },
    outcomes: { completed: 90, failed: 10, noEvaluation: 0 },
    automatedEvaluations: {
      min: 1,
      max: 2,
      duration: { kind: 'lognormal', medianSeconds: 900, sigma: 0.6, maxSeconds: 7_200 },
    },
    manualEvaluations: { probability: 0 },
  },
};

interface Strategy {
  readonly name: string;
  readonly webhooks: boolean;
  readonly polling: PollSettingsInput;
}

const STRATEGIES: readonly Strategy[] = [
  {
    name: 'fixed 30 s polling',
    webhooks: false,
    polling: {
      firstDelaySeconds: zoomSeconds(30),
      backoff: { baseSeconds: zoomSeconds(30), factor: 1, capSeconds: zoomSeconds(30), jitter: 'none' },
    },
  },
  {
    name: 'backoff polling (today)',
    webhooks: false,
    polling: {
      firstDelaySeconds: zoomSeconds(60),
      backoff: { baseSeconds: zoomSeconds(30), factor: 2, capSeconds: zoomSeconds(900), jitter: 'equal' },
    },
  },
  { name: 'webhooks + safety net', webhooks: true, polling: {} },
];

interface StrategyResult {
  readonly strategy: Strategy;
  readonly evaluated: number;
  readonly finished: number;
  readonly calls: number;
  readonly latenciesMs: readonly number[];
  /** The simulator's webhook deliveries (webhooks only). */
  readonly deliveries: string | undefined;
}

export async function benchWebhookEconomy(options: WebhookBenchOptions): Promise<Table> {
  const results: StrategyResult[] = [];
  for (const strategy of STRATEGIES.filter(
    (candidate) => options.only === undefined || candidate.webhooks === options.only,
  )) {
    results.push(await runStrategy(strategy, options));
  }
  const baseline = results[0];
  const rows = results.map((result) => {
    const perRecording = result.evaluated === 0 ? Number.NaN : result.calls / result.evaluated;
    const baselinePerRecording =
      baseline === undefined || baseline.evaluated === 0 ? Number.NaN : baseline.calls / baseline.evaluated;
    return [
      result.strategy.name,
      `${result.finished}/${options.recordings}`,
      String(result.evaluated),
      String(result.calls),
      fixed(result.finished === 0 ? Number.NaN : result.calls / result.finished, 2),
      fixed(perRecording, 2),
      ratio(baselinePerRecording, perRecording),
      fixed(percentile(result.latenciesMs, 0.5) / 1_000, 2),
      fixed(percentile(result.latenciesMs, 0.95) / 1_000, 2),
    ];
  });
  return {
    title: `Webhooks vs polling: ${options.recordings} recordings per strategy, the same seeded Zoom (times compressed 30x)`,
    header: [
      'strategy',
      'finished',
      'evaluated',
      'Zoom calls',
      'calls / recording',
      'calls / evaluated',
      'fewer than fixed',
      'detect p50 s',
      'detect p95 s',
    ],
    rows,
    notes: [
      'Zoom calls: every QM call of the run (POST included; token requests excluded), over every recording finished, and over the recordings that ended EVALUATED',
      'floors: 2 calls per recording (one POST, one detail read); per evaluated recording, 2 x finished / evaluated, since a recording whose evaluation failed costs its calls too (Zoom sends no event for a failure: the safety net reads the detail)',
      'detect: from Zoom finishing the last automated evaluation to the recording ending (wall-clock seconds, EVALUATED only)',
      'goals for webhooks: <= 2.2 calls per recording, >= 5x fewer than fixed 30 s, p95 <= 5 s',
      ...results.flatMap((result) =>
        result.deliveries === undefined ? [] : [`${result.strategy.name}: webhooks ${result.deliveries}`],
      ),
      'webhooks: the first evaluation_completed reads the detail; an evaluation it listed as processing is completed from its own event, without a call',
    ],
  };
}

async function runStrategy(strategy: Strategy, options: WebhookBenchOptions): Promise<StrategyResult> {
  const runtime = await startLocalRuntime({
    ports: portsFromBase(0),
    scenario: SCENARIO,
    timing: 'interactive',
    webhooks: strategy.webhooks,
    // The shipped default safety interval (30 min), in the bench's Zoom time.
    tuning: { polling: strategy.polling, safetyIntervalSeconds: zoomSeconds(1_800) },
  });
  try {
    const keys = await drop(runtime, options.recordings);
    const deadline = Date.now() + options.timeoutMs;
    let recordings = await recordingsOf(runtime, keys);
    while (
      recordings.filter((recording) => isTerminal(recording.status)).length < keys.size &&
      Date.now() < deadline
    ) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      recordings = await recordingsOf(runtime, keys);
    }
    const snapshot = runtime.simulator.inspect();
    const calls = operations.reduce((sum, operation) => sum + snapshot.calls[operation.name].total, 0);
    const zoomDoneAt = new Map(
      snapshot.interactions.map((interaction) => [
        interaction.id,
        Math.max(
          ...interaction.evaluations
            .filter((evaluation) => evaluation.type === 'Automated' && evaluation.finalAt !== undefined)
            .map((evaluation) => Date.parse(evaluation.finalAt ?? '')),
        ),
      ]),
    );
    const evaluated = recordings.filter((recording) => recording.status === 'EVALUATED');
    const latenciesMs = evaluated.flatMap((recording) => {
      const doneAt = zoomDoneAt.get(recording.interactionId ?? '');
      return doneAt === undefined || !Number.isFinite(doneAt)
        ? []
        : [Math.max(0, recording.statusChangedAt - doneAt)];
    });
    return {
      strategy,
      evaluated: evaluated.length,
      finished: recordings.filter((recording) => isTerminal(recording.status)).length,
      calls,
      latenciesMs,
      deliveries: strategy.webhooks ? deliveriesOf(runtime.simulator.webhooks.counters()) : undefined,
    };
  } finally {
    await runtime.stop();
  }
}

function deliveriesOf(counters: WebhookCounters): string {
  return `${counters.events} events, ${counters.deliveries} deliveries, ${counters.acknowledged} acknowledged, ${counters.retries} retried, ${counters.abandoned} abandoned`;
}

async function drop(runtime: LocalRuntime, count: number): Promise<Set<string>> {
  const today = new Date().toISOString().slice(0, 10);
  const keys = new Set<string>();
  for (let index = 0; index < count; index += 1) {
    const key = `calls/${today}/bench-webhooks-${index}.wav`;
    keys.add(key);
    await dropCallRecording(runtime, key, 2_000 + index);
  }
  return keys;
}

function recordingsOf(runtime: LocalRuntime, keys: ReadonlySet<string>): Promise<Recording[]> {
  return recordingsWithKeys(runtime, keys, { withinMs: 3_600_000, onUnreadable: () => {} });
}
