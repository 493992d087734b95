import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const mainScript = fileURLToPath(new URL('../../../cli/main.ts', import.meta.url));

interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function launch(args: readonly string[]): {
  child: ChildProcessWithoutNullStreams;
  output: () => Finished;
  exited: Promise<Finished>;
} {
  const child = spawn(process.execPath, [mainScript, ...args], { stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const output = () => ({ code: child.exitCode, stdout, stderr });
  const exited = once(child, 'exit').then(([code]) => ({ code: code as number | null, stdout, stderr }));
  return { child, output, exited };
}

/** Waits on the process's own output (never on a timer) for a line matching `pattern`. */
async function waitForLine(launched: ReturnType<typeof launch>, pattern: RegExp): Promise<RegExpExecArray> {
  while (true) {
    const match = pattern.exec(launched.output().stdout);
    if (match !== null) return match;
    if (launched.child.exitCode !== null)
      throw new Error(`exited early: ${JSON.stringify(launched.output())}`);
    await once(launched.child.stdout, 'data');
  }
}

describe('qm-ingest simulator', () => {
  const children: ChildProcessWithoutNullStreams[] = [];

  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('prints its URLs and test credentials, serves Zoom, and stops cleanly on SIGTERM', async () => {
    // Prepare
    const launched = launch(['simulator', '--port', '0', '--scenario', 'strict']);
    children.push(launched.child);
    const [, apiBaseUrl] = await waitForLine(launched, /API base URL:\s+(\S+)/);
    const [, oauthUrl] = await waitForLine(launched, /OAuth URL:\s+(\S+)/);
    const [, accountId] = await waitForLine(launched, /account ID:\s+(\S+)/);
    const [, clientId] = await waitForLine(launched, /client ID:\s+(\S+)/);
    const [, clientSecret] = await waitForLine(launched, /client secret:\s+(\S+)/);
    await waitForLine(launched, /Press Ctrl\+C to stop\./);

    // Act
    const token = await fetch(String(oauthUrl), {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'account_credentials', account_id: String(accountId) }),
    });
    const { access_token: accessToken } = (await token.json()) as { access_token: string };
    const list = await fetch(`${apiBaseUrl}/qm/interactions`, {
      headers: { Authorization: `Bearer ${accessToken}` },
    });
    launched.child.kill('SIGTERM');
    const finished = await launched.exited;

    // Assess
    expect(apiBaseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v2$/);
    expect(token.status).toBe(200);
    expect(list.status).toBe(200);
    expect(finished.code).toBe(0);
    expect(finished.stdout).toContain('SIGTERM received, stopping the simulator...');
    expect(finished.stdout).toContain('Stopped.');
    expect(finished.stderr).toBe('');
  });

  it('prints its help', async () => {
    // Act
    const finished = await launch(['simulator', '--help']).exited;

    // Assess
    expect(finished.code).toBe(0);
    expect(finished.stdout).toContain(
      'Usage: qm-ingest simulator [--port <port>] [--scenario <file-or-name>]',
    );
  });

  it('is listed by qm-ingest --help', async () => {
    // Act
    const finished = await launch(['--help']).exited;

    // Assess
    expect(finished.stdout).toMatch(/simulator\s+Run the local Zoom QM simulator/);
  });

  it.each([
    [['simulator', '--port', 'eighty'], 2, /--port must be an integer/],
    [['simulator', '--verbose'], 2, /Unknown option '--verbose'/],
    [
      ['simulator', '--port', '0', '--scenario', 'no-such-scenario'],
      1,
      /scenario file not found: no-such-scenario/,
    ],
  ])('rejects %j with exit code %i', async (args, code, message) => {
    // Act
    const finished = await launch(args).exited;

    // Assess
    expect(finished.code).toBe(code);
    expect(finished.stderr).toMatch(message);
  });

  it('reports a port in use with exit code 1', async () => {
    // Prepare
    const occupant = createServer();
    await new Promise<void>((resolve) => occupant.listen(0, '127.0.0.1', resolve));
    const { port } = occupant.address() as AddressInfo;

    // Act
    const finished = await launch(['simulator', '--port', String(port)]).exited;
    await new Promise<void>((resolve) => occupant.close(() => resolve()));

    // Assess
    expect(finished.code).toBe(1);
    expect(finished.stderr).toMatch(/EADDRINUSE/);
  });
});
