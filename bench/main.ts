import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { benchBackfill } from './backfill.ts';
import { benchBundles } from './bundles.ts';
import { benchPipeline } from './pipeline.ts';
import { formatTable, type Table } from './table.ts';
import { benchTableWrites } from './table-writes.ts';
import { benchWebhookEconomy } from './webhook-economy.ts';
import { benchZoomClient } from './zoom-client.ts';

/**
 * `npm run bench`: speed and economy, proven by figures printed beside baselines measured in the
 * same run on this machine (never by timed tests that flake). Bounded in count and time; all
 * traffic stays on 127.0.0.1; every server and child process it starts is stopped before it ends.
 */

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The commit before issue 17's cold-start work: its entries are built beside today's, in the same run. */
const BUNDLE_BASELINE_COMMIT = '5c7ac9a4172b9588156f4bb7115ae062230b38f0';

interface Benchmark {
  readonly name: string;
  run(): Promise<readonly Table[] | Table>;
}

const benchmarks: readonly Benchmark[] = [
  { name: 'zoom client', run: () => benchZoomClient({ calls: 500, warmupCalls: 50 }) },
  { name: 'pipeline', run: () => benchPipeline({ recordings: 3, timeoutMs: 60_000 }) },
  { name: 'state table writes', run: () => benchTableWrites({ recordings: 20, pollsPerRecording: 5 }) },
  { name: 'backfill', run: () => benchBackfill({ objects: 1_000, timeoutFactor: 2 }) },
  { name: 'webhooks vs polling', run: () => benchWebhookEconomy({ recordings: 30, timeoutMs: 240_000 }) },
  {
    name: 'bundles',
    run: () =>
      benchBundles({
        projectRoot: PROJECT_ROOT,
        entries: [
          'functions/ingest.ts',
          'functions/poll.ts',
          'functions/reconcile.ts',
          'functions/webhook.ts',
        ],
        importRuns: 15,
        baselineRef: BUNDLE_BASELINE_COMMIT,
        heaviestInputs: 8,
      }),
  },
];

/**
 * The benchmarks whose name contains one of the words given (`npm run bench -- webhooks`), all
 * when none is: one figure can be measured again without the whole run's minutes.
 */
function selected(words: readonly string[]): readonly Benchmark[] {
  const wanted = words.map((word) => word.toLowerCase());
  return wanted.length === 0
    ? benchmarks
    : benchmarks.filter((benchmark) => wanted.some((word) => benchmark.name.includes(word)));
}

async function main(words: readonly string[]): Promise<number> {
  const started = performance.now();
  console.log(`qm-ingest bench: Node.js ${process.version}, ${process.platform}/${process.arch}\n`);
  const chosen = selected(words);
  if (chosen.length === 0) {
    console.error(
      `No benchmark named like ${words.join(', ')}; the benchmarks are: ${benchmarks.map((benchmark) => benchmark.name).join(', ')}`,
    );
    return 1;
  }
  let failures = 0;
  for (const benchmark of chosen) {
    const benchStarted = performance.now();
    try {
      const tables = [await benchmark.run()].flat();
      for (const table of tables) {
        console.log(`${formatTable(table)}\n`);
      }
      console.log(`(${benchmark.name}: ${((performance.now() - benchStarted) / 1_000).toFixed(1)} s)\n`);
    } catch (error) {
      failures++;
      console.error(
        `${benchmark.name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    }
  }
  console.log(`Done in ${((performance.now() - started) / 1_000).toFixed(1)} s.`);
  return failures === 0 ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
