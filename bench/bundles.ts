import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { lambdaBuildOptions } from '../cdk/constructs/lambda-bundling.ts';
import { median } from './stats.ts';
import { fixed, kilobytes, ratio, type Table } from './table.ts';

/**
 * What a Lambda ships and loads: each function bundled as the CDK bundles it (the settings of
 * cdk/constructs/lambda-bundling.ts: ESM, node24, minified, the AWS SDK included, the require()
 * banner, the package aliases, the SDK schemas marked pure), its size raw and gzipped, and how
 * long a fresh Node.js process takes to import it beside importing an empty module. The baseline
 * is the same entry built in the same run from a recorded git commit (the sources before the
 * cold-start work, bundled as they were then: without aliases or plugins), so the ratios compare
 * like with like; esbuild's metafile tells which packages weigh most in each bundle.
 */

export interface BundleBenchOptions {
  readonly projectRoot: string;
  /** Handler modules relative to the project root. */
  readonly entries: readonly string[];
  /** Fresh processes per import measurement; the median is reported. */
  readonly importRuns: number;
  /** The commit whose entries are built as the baseline rows. */
  readonly baselineRef: string;
  /** Packages (or project folders) listed per entry, heaviest first. */
  readonly heaviestInputs: number;
}

const runFile = promisify(execFile);

/** Times the import inside the child, so process start-up is left out of both figure and baseline. */
const IMPORT_PROBE = `
const { performance } = await import('node:perf_hooks');
const start = performance.now();
await import(process.argv[1]);
process.stdout.write(String(performance.now() - start));
`;

/** What the baseline build needs from the commit: the handlers, the code they import, the compiler settings. */
const BASELINE_PATHS = ['functions', 'shared', 'tsconfig.json'];

interface BuiltBundle {
  readonly outfile: string;
  readonly raw: number;
  readonly gzip: number;
  readonly metafile: Metafile;
}

export async function benchBundles(options: BundleBenchOptions): Promise<Table[]> {
  const outputDir = await mkdtemp(join(tmpdir(), 'qm-bench-bundles-'));
  try {
    const baselineRoot = join(outputDir, 'baseline-src');
    await checkOut(options.projectRoot, options.baselineRef, baselineRoot);
    const emptyModule = join(outputDir, 'empty.mjs');
    await writeFile(emptyModule, 'export {};\n');
    const nodePaths = [join(options.projectRoot, 'node_modules')];
    const builds: { entry: string; baseline: BuiltBundle | undefined; current: BuiltBundle }[] = [];
    for (const entry of options.entries) {
      const name = entry.replace(/^.*\//, '').replace(/\.ts$/, '');
      // A function added after the baseline commit has no baseline row, only its current figures.
      const hasBaseline = existsSync(join(baselineRoot, entry));
      builds.push({
        entry,
        baseline: hasBaseline
          ? await bundle(baselineRoot, entry, nodePaths, join(outputDir, `${name}.baseline.mjs`), 'baseline')
          : undefined,
        current: await bundle(
          options.projectRoot,
          entry,
          nodePaths,
          join(outputDir, `${name}.current.mjs`),
          'current',
        ),
      });
    }
    const modules = [
      emptyModule,
      ...builds.flatMap(({ baseline, current }) =>
        baseline === undefined ? [current.outfile] : [baseline.outfile, current.outfile],
      ),
    ];
    const importMs = await medianImportsMs(modules, options.importRuns);
    const emptyImportMs = importMs.get(emptyModule) ?? Number.NaN;
    const costOf = (built: BuiltBundle) => (importMs.get(built.outfile) ?? Number.NaN) - emptyImportMs;

    const rows: string[][] = [];
    const weights: string[][] = [];
    for (const { entry, baseline, current } of builds) {
      if (baseline === undefined) {
        rows.push(
          bundleRow(entry, 'current (no baseline: new since it)', current, costOf(current), emptyImportMs),
        );
        weights.push(...heaviestRows(entry, current.metafile, options.heaviestInputs));
        continue;
      }
      rows.push(
        bundleRow(
          entry,
          `baseline ${options.baselineRef.slice(0, 7)}`,
          baseline,
          costOf(baseline),
          emptyImportMs,
        ),
        bundleRow(entry, 'current', current, costOf(current), emptyImportMs),
        [
          entry,
          'current / baseline',
          ratio(current.raw, baseline.raw),
          ratio(current.gzip, baseline.gzip),
          '',
          '',
          ratio(costOf(current), costOf(baseline)),
        ],
      );
      weights.push(...heaviestRows(entry, current.metafile, options.heaviestInputs));
    }
    return [
      {
        title: `Bundle economy (esbuild as the CDK bundles; import: median of ${options.importRuns} fresh processes)`,
        header: ['entry', 'build', 'minified', 'gzip', 'import ms', 'empty import ms', 'import cost ms'],
        rows,
        notes: [
          `baseline: the same entry built in this run from commit ${options.baselineRef} (before the cold-start work)`,
          'import cost: importing the bundle minus importing an empty module, each in a fresh process; every round imports all of them in turn, so drift hits baseline and current alike',
          'sizes are of the .mjs only (the source map is a separate file, not loaded unless an error is mapped)',
        ],
      },
      {
        title: `What each bundle carries (esbuild metafile, current build, the ${options.heaviestInputs} heaviest)`,
        header: ['entry', 'package or folder', 'minified bytes in bundle', 'share'],
        rows: weights,
        notes: ['a package counts every file of it the bundle includes; project code counts by folder'],
      },
    ];
  } finally {
    await rm(outputDir, { recursive: true, force: true });
  }
}

/** Writes the baseline commit's sources under `target`, without touching the repository's work trees. */
async function checkOut(projectRoot: string, ref: string, target: string): Promise<void> {
  await mkdir(target, { recursive: true });
  const archive = `${target}.tar`;
  await runFile('git', ['-C', projectRoot, 'archive', '--format=tar', '-o', archive, ref, ...BASELINE_PATHS]);
  await runFile('tar', ['-xf', archive, '-C', target]);
}

function bundleRow(
  entry: string,
  label: string,
  built: BuiltBundle,
  importCostMs: number,
  emptyImportMs: number,
): string[] {
  return [
    entry,
    label,
    kilobytes(built.raw),
    kilobytes(built.gzip),
    fixed(importCostMs + emptyImportMs, 1),
    fixed(emptyImportMs, 1),
    fixed(importCostMs, 1),
  ];
}

/**
 * Builds `entry` of the sources under `root`: the current one as deployed (lambdaBuildOptions),
 * the baseline with the same options less what the cold-start work added (aliases, plugins).
 */
async function bundle(
  root: string,
  entry: string,
  nodePaths: string[],
  outfile: string,
  kind: 'baseline' | 'current',
): Promise<BuiltBundle> {
  const deployed = lambdaBuildOptions(root, entry, outfile);
  const result = await build({
    ...deployed,
    ...(kind === 'baseline' ? { alias: {}, plugins: [] } : {}),
    // The baseline sources sit outside the project: their packages resolve from the project's node_modules.
    nodePaths,
    metafile: true,
    logLevel: 'error',
  });
  const raw = (await stat(outfile)).size;
  const gzip = gzipSync(await readFile(outfile)).length;
  return { outfile, raw, gzip, metafile: result.metafile };
}

/** The packages (or project folders) that weigh most in the entry's bundle. */
function heaviestRows(entry: string, metafile: Metafile, count: number): string[][] {
  const output = Object.values(metafile.outputs).find((candidate) => candidate.entryPoint !== undefined);
  if (output === undefined) {
    return [];
  }
  const bytesByOwner = new Map<string, number>();
  for (const [path, input] of Object.entries(output.inputs)) {
    const owner = ownerOf(path);
    bytesByOwner.set(owner, (bytesByOwner.get(owner) ?? 0) + input.bytesInOutput);
  }
  return [...bytesByOwner.entries()]
    .sort((left, right) => right[1] - left[1])
    .slice(0, count)
    .map(([owner, bytes]) => [
      entry,
      owner,
      kilobytes(bytes),
      `${((bytes / output.bytes) * 100).toFixed(1)}%`,
    ]);
}

/** `@scope/name` or `name` for a dependency's file; the first two folders for the project's own. */
function ownerOf(path: string): string {
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  return dependency?.[1] ?? path.split('/').slice(0, 2).join('/');
}

/** The median import time of each module, over `runs` rounds that each import every module once, in turn. */
async function medianImportsMs(modules: readonly string[], runs: number): Promise<Map<string, number>> {
  const durations = new Map<string, number[]>(modules.map((modulePath) => [modulePath, []]));
  for (let run = 0; run < runs; run++) {
    for (const modulePath of modules) {
      durations.get(modulePath)?.push(await importMs(modulePath));
    }
  }
  return new Map([...durations].map(([modulePath, samples]) => [modulePath, median(samples)]));
}

async function importMs(modulePath: string): Promise<number> {
  const { stdout } = await runFile(
    process.execPath,
    ['--input-type=module', '--eval', IMPORT_PROBE, pathToFileURL(modulePath).href],
    // An empty environment: no NODE_OPTIONS or AWS variables of this shell change what is measured.
    { timeout: 30_000, env: {} },
  );
  const duration = Number(stdout.trim());
  if (!Number.isFinite(duration)) {
    throw new Error(`importing ${modulePath} printed no duration: ${stdout.slice(0, 200)}`);
  }
  return duration;
}
