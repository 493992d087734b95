import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { DuckDBInstance } from '@duckdb/node-api';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTableTarget, type TableTarget } from '../../cli/table-target.ts';
import { pollSettingsSchema } from '../../shared/config/polling.ts';
import { runCli } from '../helpers/local-runtime-process.ts';

/**
 * The results going out, as a user gets them: the demo runs through the local runtime; `qm-ingest
 * report` reads what it left; its HTML opens in headless Chromium with a chart for every agent and
 * no request leaving the file; the BI export the functions wrote is read back with DuckDB using
 * the README's own queries and holds the report's figures; `export --rebuild` rewrites it to the
 * same bytes.
 */

const workDir = mkdtempSync(join(tmpdir(), 'qm-e2e-results-'));
const dataDir = join(workDir, 'data');
const exportDir = join(workDir, 'export');
const htmlFile = join(workDir, 'report.html');
const EXPORT_PREFIX = pollSettingsSchema.parse({}).results.export.keyPrefix;

type ReportRow = Record<string, string | number>;
let reportRows: ReportRow[] = [];

const rowsOf = (section: string) => reportRows.filter((row) => row['section'] === section);

beforeAll(async () => {
  const demo = await runCli(['local', '--demo', '4', '--ports', '0', '--data-dir', dataDir]);
  if (demo.code !== 0) throw new Error(`the demo failed:\n${demo.stdout}\n${demo.stderr}`);
  const jsonl = await runCli(['report', '--data-dir', dataDir, '--since', '1d', '--format', 'jsonl']);
  if (jsonl.code !== 0) throw new Error(`report failed: ${jsonl.stderr}`);
  reportRows = jsonl.stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ReportRow);
  const html = await runCli([
    'report',
    '--data-dir',
    dataDir,
    '--since',
    '1d',
    '--format',
    'html',
    '--output',
    htmlFile,
  ]);
  if (html.code !== 0) throw new Error(`report --format html failed: ${html.stderr}`);
}, 240_000);

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('qm-ingest report --format html', () => {
  it('renders a score chart with data for each agent in headless Chromium, fetching nothing', async () => {
    // Prepare
    const agents = rowsOf('score')
      .filter((row) => row['dimension'] === 'agent')
      .map((row) => String(row['group']));
    const context = await chromium.launchPersistentContext(join(workDir, 'chromium-profile'), {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const requested: string[] = [];
    context.on('request', (request) => requested.push(request.url()));
    // Anything but the file itself is refused (and recorded above), so a slip cannot reach the network.
    await context.route('**/*', (route) =>
      route.request().url().startsWith('file:') ? route.continue() : route.abort(),
    );

    try {
      // Act
      const page = await context.newPage();
      await page.goto(pathToFileURL(htmlFile).href);
      const charted = await Promise.all(
        agents.map(async (agent) => {
          const group = page.locator(
            `svg[data-chart="scores-by-agent"] g.distribution[data-group="${agent}"]`,
          );
          const bar = await group.locator('rect').first().boundingBox();
          const dot = await group.locator('circle').first().boundingBox();
          return { agent, n: Number(await group.first().getAttribute('data-n')), bar, dot };
        }),
      );
      const outcomeCounts = await page
        .locator('svg[data-chart="outcomes-over-time"] rect[data-count]')
        .evaluateAll((rects) => rects.map((rect) => Number(rect.getAttribute('data-count'))));
      const queueGroups = await page.locator('svg[data-chart="scores-by-queue"] g.distribution').count();

      // Assess
      expect(agents.length).toBeGreaterThanOrEqual(3);
      for (const chart of charted) {
        const reported = rowsOf('score').find(
          (row) => row['dimension'] === 'agent' && row['group'] === chart.agent,
        );
        expect(chart.n, chart.agent).toBe(reported?.['n']);
        expect(chart.bar?.width, chart.agent).toBeGreaterThan(0);
        expect(chart.dot?.width, chart.agent).toBeGreaterThan(0);
      }
      expect(queueGroups).toBe(rowsOf('score').filter((row) => row['dimension'] === 'queue').length);
      expect(outcomeCounts.reduce((sum, count) => sum + count, 0)).toBe(
        rowsOf('outcome').reduce((sum, row) => sum + Number(row['count']), 0),
      );
      expect(requested.filter((url) => !url.startsWith('file:'))).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('the BI export', () => {
  let target: TableTarget;
  beforeAll(async () => {
    target = await openTableTarget({ dataDir });
  }, 120_000);
  afterAll(async () => target?.close());

  it("holds every ending, and DuckDB running the documented queries over it finds the report's figures", async () => {
    // Prepare
    const keys = await downloadExport(target.s3, target.resultsBucket);
    const queries = readmeQueries().map((sql) =>
      sql.replace('FROM results', `FROM read_json('${exportDir}/*/*.jsonl.gz', hive_partitioning = true)`),
    );
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    // Athena's approximate percentile, as DuckDB's exact nearest-rank one: the README's SQL stays as written.
    await connection.run('CREATE MACRO approx_percentile(x, p) AS quantile_disc(x, p)');
    const run = async (sql: string) => (await connection.runAndReadAll(sql)).getRowObjectsJson();

    // Act
    const [scoresSql = '', reasonsSql = '', timesSql = ''] = queries;
    const scores = await run(scoresSql);
    const reasons = await run(reasonsSql);
    const times = await run(timesSql);
    connection.closeSync();

    // Assess: one object per ending of the demo
    const recordings = rowsOf('outcome').reduce((sum, row) => sum + Number(row['count']), 0);
    expect(queries).toHaveLength(3);
    expect(keys).toHaveLength(recordings);
    // the scores by agent (summed over weeks) are the report's
    const reportedScores = rowsOf('score').filter((row) => row['dimension'] === 'agent');
    expect(reportedScores.length).toBeGreaterThanOrEqual(3);
    for (const reported of reportedScores) {
      const weeks = scores.filter(
        (row) => row['agent'] === reported['group'] && row['evaluation_type'] === reported['evaluation_type'],
      );
      const n = weeks.reduce((sum, row) => sum + Number(row['evaluations']), 0);
      const total = weeks.reduce(
        (sum, row) => sum + Number(row['evaluations']) * Number(row['mean_score_percent']),
        0,
      );
      expect(n, String(reported['group'])).toBe(reported['n']);
      expect(total / n, String(reported['group'])).toBeCloseTo(Number(reported['mean']), 1);
    }
    // the failure reasons are the report's
    const byReason = (rows: readonly Record<string, unknown>[], count: string) =>
      rows
        .map(
          (row) =>
            `${String(row['status'])} | ${String(row['failure_reason'] ?? row['reason'])} | ${String(row[count])}`,
        )
        .sort();
    expect(byReason(reasons, 'recordings')).toEqual(byReason(rowsOf('failure_reason'), 'count'));
    // every outcome counted, each with its time to result
    expect(times.map((row) => `${String(row['status'])} ${String(row['recordings'])}`).sort()).toEqual(
      rowsOf('outcome')
        .map((row) => `${String(row['status'])} ${String(row['count'])}`)
        .sort(),
    );
    for (const row of times) {
      expect(Number(row['p50_seconds'])).toBeGreaterThan(0);
      expect(Number(row['p50_seconds'])).toBeLessThanOrEqual(Number(row['max_seconds']));
    }
  });

  it('is rebuilt by `qm-ingest export --rebuild` to the same objects with the same bytes', async () => {
    // Prepare
    const before = await exportETags(target.s3, target.resultsBucket);

    // Act
    const rebuilt = await runCli(['export', '--rebuild', '--since', '1d', '--data-dir', dataDir]);
    const after = await exportETags(target.s3, target.resultsBucket);

    // Assess
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect(rebuilt.stdout).toContain(`Exported ${before.size} results`);
    expect(after).toEqual(before);
  });
});

/** Copies the export's objects into exportDir, keeping their `dt=` folders; returns their keys. */
async function downloadExport(s3: S3Client, bucket: string): Promise<string[]> {
  const keys = [...(await exportETags(s3, bucket)).keys()];
  for (const key of keys) {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const file = join(exportDir, key.slice(EXPORT_PREFIX.length));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, (await object.Body?.transformToByteArray()) ?? new Uint8Array());
  }
  return keys;
}

async function exportETags(s3: S3Client, bucket: string): Promise<Map<string, string>> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: EXPORT_PREFIX }));
  return new Map((listed.Contents ?? []).map((object) => [object.Key ?? '', object.ETag ?? '']));
}

/** The SQL blocks of the example queries in docs/results.md, as written there. */
function readmeQueries(): string[] {
  const readme = readFileSync(resolve(import.meta.dirname, '../../docs/results.md'), 'utf8');
  const section = readme.slice(
    readme.indexOf('### Example queries'),
    readme.indexOf('### Tests', readme.indexOf('### Example queries')),
  );
  return [...section.matchAll(/```sql\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
}
