import { DEMO_SCENARIO_FILE, runDemo } from '../local/demo/index.ts';
import { portsFromBase, startLocalRuntime } from '../local/runtime/index.ts';
import { type EndpointName, operations } from '../local/zoom-simulator/index.ts';
import { fixed, ratio, type Table } from './table.ts';

/**
 * What the pipeline spends on Zoom per recording: the demo's drops run through the whole local
 * runtime (S3, SQS, DynamoDB, the functions, the Zoom simulator on 127.0.0.1), then the
 * simulator's counters say how many calls each operation took, set beside the least one recording
 * can cost: one POST, one LIGHT poll that finds the evaluations COMPLETED, one MEDIUM detail fetch.
 */

export interface PipelineBenchOptions {
  /** Valid recordings the demo drops (its bad drops come on top). */
  readonly recordings: number;
  readonly timeoutMs: number;
}

/** The theoretical minimum per recording that Zoom accepts, by operation. */
const MINIMUM_CALLS: Partial<Record<EndpointName, number>> = {
  addInteraction: 1,
  listAutomatedEvaluations: 1,
  getInteraction: 1,
};
const MINIMUM_TOTAL = 3;

export async function benchPipeline(options: PipelineBenchOptions): Promise<readonly Table[]> {
  const runtime = await startLocalRuntime({
    ports: portsFromBase(0),
    scenario: DEMO_SCENARIO_FILE,
    timing: 'demo',
    // Polling's economy, against its own minimum; webhooks have their benchmark (webhook-economy.ts).
    webhooks: false,
  });
  try {
    const report = await runDemo(runtime, { count: options.recordings, timeoutMs: options.timeoutMs });
    const snapshot = runtime.simulator.inspect();
    const acceptedByZoom = snapshot.interactions.filter((interaction) => interaction.source === 'api').length;
    const perRecording = (calls: number): number =>
      acceptedByZoom === 0 ? Number.NaN : calls / acceptedByZoom;
    const endpoints: readonly EndpointName[] = [
      'requestToken',
      ...operations.map((operation) => operation.name),
    ];
    const callRows = endpoints.map((endpoint) => {
      const calls = snapshot.calls[endpoint].total;
      const minimum = MINIMUM_CALLS[endpoint] ?? 0;
      return [
        endpoint,
        String(calls),
        fixed(perRecording(calls), 2),
        String(minimum),
        ratio(perRecording(calls), minimum),
      ];
    });
    const totalCalls = endpoints
      .filter((endpoint) => endpoint !== 'requestToken')
      .reduce((sum, endpoint) => sum + snapshot.calls[endpoint].total, 0);
    callRows.push([
      'all QM operations',
      String(totalCalls),
      fixed(perRecording(totalCalls), 2),
      String(MINIMUM_TOTAL),
      ratio(perRecording(totalCalls), MINIMUM_TOTAL),
    ]);
    const recordingRows = report.results.map((result) => [
      result.recording.description,
      result.status ?? 'unfinished',
      result.finishedAt === undefined ? '-' : fixed((result.finishedAt - result.droppedAt) / 1_000, 2),
      result.problem ?? 'as expected',
    ]);
    return [
      {
        title: `Pipeline economy: Zoom calls (${report.results.length} drops, ${acceptedByZoom} accepted by Zoom)`,
        header: ['operation', 'calls', 'per accepted recording', 'minimum', 'vs minimum'],
        rows: callRows,
        notes: [
          'minimum: 1 POST + 1 LIGHT poll that finds COMPLETED + 1 MEDIUM detail fetch = 3 per recording',
          `calls include the demo's bad drops (some reach Zoom and are refused) and the reconciler's sweeps`,
          `429s: ${snapshot.rateLimited.total}; idempotent replays: ${snapshot.idempotentReplays}`,
        ],
      },
      {
        title: `Pipeline economy: drop to result (runtime ready in ${fixed(runtime.startupMs / 1_000, 1)} s)`,
        header: ['recording', 'status', 'drop to result s', 'check'],
        rows: recordingRows,
        notes: [
          "the simulator's demo scenario analyses and evaluates in fixed, compressed times: the figure shows the",
          "pipeline's waiting (first poll delay, backoff) on top of Zoom's processing, not Zoom's own speed",
        ],
      },
    ];
  } finally {
    await runtime.stop();
  }
}
