import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startLocalAws } from '../../../local/aws/index.ts';

/**
 * Nothing of the local stack may outlive it: not after stop(), not when its process is
 * interrupted (SIGINT, SIGTERM), not even when that process is killed outright (SIGKILL), when
 * the orphan guard stops DynamoDB Local's JVM.
 */

const STACK_PROCESS = fileURLToPath(new URL('./fixtures/stack-process.ts', import.meta.url));
const started: ChildProcess[] = [];

afterEach(() => {
  for (const child of started.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

interface StackProcess {
  readonly child: ChildProcess;
  readonly childPids: readonly number[];
  readonly ports: readonly number[];
}

async function startStackProcess(): Promise<StackProcess> {
  const child = spawn(process.execPath, [STACK_PROCESS], { stdio: ['ignore', 'pipe', 'inherit'] });
  started.push(child);
  const [firstLine] = (await once(child.stdout ?? child, 'data')) as [Buffer];
  const { childPids, ports } = JSON.parse(firstLine.toString('utf8')) as {
    childPids: number[];
    ports: number[];
  };
  return { child, childPids, ports };
}

/** A pid that is gone, or a zombie nobody reaped yet (it holds no port and runs nothing). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

/** Polls until `condition` holds or `timeoutMs` passes; returns whether it held. */
async function eventually(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function everythingGone(stack: {
  childPids: readonly number[];
  ports: readonly number[];
}): Promise<boolean> {
  const processesGone = stack.childPids.every((pid) => !isRunning(pid));
  const portsClosed = (await Promise.all(stack.ports.map(refusesConnections))).every(Boolean);
  return processesGone && portsClosed;
}

describe('local stack shutdown', () => {
  it('leaves no process and no open port after stop()', async () => {
    // Prepare
    const stack = await startLocalAws();
    const ports = Object.values<string>(stack.endpoints).map((endpoint) => Number(new URL(endpoint).port));
    const runningBefore = stack.childPids.filter(isRunning);
    // Act
    await stack.stop();
    // Assess
    expect(runningBefore).toHaveLength(2);
    expect(await eventually(() => everythingGone({ childPids: stack.childPids, ports }), 5_000)).toBe(true);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'leaves nothing behind when its process receives %s',
    async (signal) => {
      // Prepare
      const stack = await startStackProcess();
      const exited = once(stack.child, 'exit');
      // Act
      stack.child.kill(signal);
      const [, exitSignal] = (await exited) as [number | null, NodeJS.Signals | null];
      // Assess
      expect(stack.childPids).toHaveLength(2);
      expect(exitSignal).toBe(signal);
      expect(await eventually(() => everythingGone(stack), 10_000)).toBe(true);
    },
  );

  it('leaves nothing behind when its process is killed outright (SIGKILL)', async () => {
    // Prepare
    const stack = await startStackProcess();
    const exited = once(stack.child, 'exit');
    // Act
    stack.child.kill('SIGKILL');
    await exited;
    // Assess
    expect(await eventually(() => everythingGone(stack), 10_000)).toBe(true);
  });
});
