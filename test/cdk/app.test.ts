import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cdkContext } from './helpers/synthesize.ts';

/** The CDK app run as `cdk synth` runs it: `node cdk/app.ts`, context and output directory in its environment. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface AppRun {
  readonly status: number | null;
  readonly stderr: string;
}

function runApp(context: Record<string, unknown>, outdir: string): Promise<AppRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['cdk/app.ts'], {
      cwd: ROOT,
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: outdir },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

let outdir: string;

beforeEach(() => {
  outdir = mkdtempSync(join(tmpdir(), 'qm-cdk-app-'));
});

afterEach(() => {
  rmSync(outdir, { recursive: true, force: true });
});

describe('cdk synth -c env=<name>', () => {
  it('refuses an unknown environment, listing the configured ones', async () => {
    // Act
    const run = await runApp({ ...cdkContext(), env: 'nope' }, outdir);

    // Assess
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      'Unknown environment "nope": the configured environments are dev, prod, staging',
    );
    expect(existsSync(join(outdir, 'manifest.json'))).toBe(false);
  });

  it('asks for an environment when none is given', async () => {
    // Act
    const run = await runApp(cdkContext(), outdir);

    // Assess
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('Choose an environment: cdk synth -c env=<name>');
  });

  it('synthesizes the one environment named, checked by cdk-nag', async () => {
    // Act
    const run = await runApp({ ...cdkContext(), env: 'dev' }, outdir);

    // Assess
    expect(run.stderr).not.toContain('Validation failed');
    expect(run.status).toBe(0);
    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as {
      artifacts: Record<string, { type: string; properties?: { stackName?: string } }>;
    };
    const stacks = Object.values(manifest.artifacts).filter(
      (artifact) => artifact.type === 'aws:cloudformation:stack',
    );
    expect(stacks.map((stack) => stack.properties?.stackName)).toEqual(['qm-ingest-dev']);
  });
});
