import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { median } from './stats.ts';
import { fixed, kilobytes, ratio, type Table } from './table.ts';

/**
 * What a Lambda ships and loads: each function bundled as the CDK bundles it (BundledFunction in
 * cdk/constructs/bundled-function.ts: ESM, node24, minified, the AWS SDK included, the require()
 * banner), its size raw and gzipped beside the same entry unminified, and how long a fresh Node.js
 * process takes to import it beside importing an empty module.
 */

export interface BundleBenchOptions {
  readonly projectRoot: string;
  /** Handler modules relative to the project root. */
  readonly entries: readonly string[];
  /** Fresh processes per import measurement; the median is reported. */
  readonly importRuns: number;
}

const runFile = promisify(execFile);

/** The same banner as the CDK's: CommonJS dependencies call require() inside an ES module bundle. */
const REQUIRE_BANNER =
  "import { createRequire as qmCreateRequire } from 'node:module'; const require = qmCreateRequire(import.meta.url);";

/** Times the import inside the child, so process start-up is left out of both figure and baseline. */
const IMPORT_PROBE = `
const { performance } = await import('node:perf_hooks');
const start = performance.now();
await import(process.argv[1]);
process.stdout.write(String(performance.now() - start));
`;

interface BundleSize {
  readonly raw: number;
  readonly gzip: number;
}

export async function benchBundles(options: BundleBenchOptions): Promise<Table> {
  const outputDir = await mkdtemp(join(tmpdir(), 'qm-bench-bundles-'));
  try {
    const emptyModule = join(outputDir, 'empty.mjs');
    await writeFile(emptyModule, 'export {};\n');
    const emptyImportMs = await medianImportMs(emptyModule, options.importRuns);
    const rows: string[][] = [];
    for (const entry of options.entries) {
      const name = entry.replace(/^.*\//, '').replace(/\.ts$/, '');
      const minified = await bundle(options.projectRoot, entry, join(outputDir, `${name}.min.mjs`), true);
      const plain = await bundle(options.projectRoot, entry, join(outputDir, `${name}.plain.mjs`), false);
      const importMs = await medianImportMs(join(outputDir, `${name}.min.mjs`), options.importRuns);
      rows.push([
        entry,
        kilobytes(minified.raw),
        kilobytes(plain.raw),
        ratio(minified.raw, plain.raw),
        kilobytes(minified.gzip),
        kilobytes(plain.gzip),
        fixed(importMs, 1),
        fixed(emptyImportMs, 1),
        fixed(importMs - emptyImportMs, 1),
      ]);
    }
    return {
      title: `Bundle economy (esbuild as the CDK bundles; import: median of ${options.importRuns} fresh processes)`,
      header: [
        'entry',
        'minified',
        'unminified',
        'min/unmin',
        'gzip min',
        'gzip unmin',
        'import ms',
        'empty import ms',
        'import cost ms',
      ],
      rows,
      notes: [
        'baselines: the same entry bundled without minification; importing an empty module in a fresh process',
        'sizes are of the .mjs only (the source map is a separate file, not loaded unless an error is mapped)',
      ],
    };
  } finally {
    await rm(outputDir, { recursive: true, force: true });
  }
}

async function bundle(
  projectRoot: string,
  entry: string,
  outfile: string,
  minify: boolean,
): Promise<BundleSize> {
  await build({
    entryPoints: [join(projectRoot, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    minify,
    sourcemap: true,
    sourcesContent: false,
    mainFields: ['module', 'main'],
    tsconfig: join(projectRoot, 'tsconfig.json'),
    banner: { js: REQUIRE_BANNER },
    logLevel: 'error',
  });
  const raw = (await stat(outfile)).size;
  const gzip = gzipSync(await readFile(outfile)).length;
  return { raw, gzip };
}

async function medianImportMs(modulePath: string, runs: number): Promise<number> {
  const durations: number[] = [];
  for (let run = 0; run < runs; run++) {
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
    durations.push(duration);
  }
  return median(durations);
}
