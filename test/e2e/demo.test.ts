import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../local/demo/index.ts';
import { type LocalRuntime, portsFromBase, startLocalRuntime } from '../../local/runtime/index.ts';
import { runCli } from '../helpers/local-runtime-process.ts';

/**
 * The demo proves the README's run command: `qm-ingest local --demo N` drops N generated
 * recordings and the bad ones, and exits 0 only when every one reached the outcome it declared.
 * Run against a scenario that disagrees with one declaration, it must say so and fail.
 */

const folders: string[] = [];
let runtime: LocalRuntime | undefined;

afterAll(async () => {
  await runtime?.stop();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function folder(): string {
  const created = mkdtempSync(join(tmpdir(), 'qm-e2e-demo-'));
  folders.push(created);
  return created;
}

describe('qm-ingest local --demo', () => {
  it('drops the recordings, prints the results table and exits 0 when every outcome is as declared', async () => {
    // Act
    const { code, stdout, stderr } = await runCli(['local', '--demo', '3', '--data-dir', folder()]);

    // Assess
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^#\s+recording\s+agent\s+status\s+scores\s+drop→result\s+ok$/m);
    const rows = stdout.split('\n').filter((line) => /^\d+\s{2}/.test(line));
    expect(rows).toHaveLength(8);
    expect(rows.every((row) => row.endsWith('yes'))).toBe(true);
    for (const status of [
      /S3 object metadata\s+jane\.doe@example\.com\s+EVALUATED\s+\d/,
      /sidecar JSON arriving late\s+sam\.lee@example\.com\s+EVALUATED/,
      /evaluation fails in Zoom\s+\S+\s+EVALUATION_FAILED/,
      /empty file\s+\S+\s+REJECTED \(zero-bytes\)/,
      /not audio\s+\S+\s+REJECTED \(unsupported-type\)/,
      /invalid phone number\s+\S+\s+REJECTED \(invalid-metadata\)/,
      /no metadata at all\s+-\s+REJECTED \(missing-metadata\)/,
      /agent unknown to Zoom\s+\S+\s+REJECTED \(zoom-not-found\)/,
    ]) {
      expect(stdout).toMatch(status);
    }
    expect(stdout).toContain(
      'All 8 recordings reached their expected outcome, notified and alerted as they should',
    );
    expect(stdout).toContain('Stopped: every server, function and process of this run has ended.');
  });

  it('fails, naming the drop, when an outcome differs from its declaration', async () => {
    // Prepare: a scenario that knows every agent, so Zoom accepts the one the demo expects refused
    runtime = await startLocalRuntime({
      dataDir: folder(),
      ports: portsFromBase(0),
      scenario: 'fast',
      timing: 'demo',
    });

    // Act
    const report = await runDemo(runtime, { count: 1, timeoutMs: 60_000 });

    // Assess
    expect(report.passed).toBe(false);
    const misses = report.results.filter((result) => result.problem !== undefined);
    expect(misses.map((result) => [result.recording.description, result.problem])).toEqual([
      ['agent unknown to Zoom', 'ended EVALUATED, expected REJECTED'],
    ]);
    expect(report.results.filter((result) => result.problem === undefined)).toHaveLength(5);
  });
});
