import { type ChildProcess, spawn } from 'node:child_process';
import { Socket } from 'node:net';

/**
 * Keeps track of the child processes the local stack starts (DynamoDB Local's JVM) so that none
 * outlives its parent, however the parent ends:
 * - `stop()` of the stack: the child's `stop` sends SIGTERM, then SIGKILL after a grace period;
 * - the parent exits (normally, by an uncaught error, or by SIGINT/SIGTERM/SIGHUP): a hook kills
 *   every tracked child synchronously, then lets the signal end the process as it would have;
 * - the parent is killed outright (SIGKILL, OOM killer), when no hook can run: an orphan guard, a
 *   tiny `sh` started beside each child, sees its stdin pipe from the parent close and kills the
 *   child by pid.
 * Hooks are installed only while something is tracked, so an idle process keeps its defaults.
 */

interface TrackedChild {
  readonly child: ChildProcess;
  readonly guard: ChildProcess;
}

const trackedChildren = new Set<TrackedChild>();
const exitCleanups = new Set<() => void>();
const HANDLED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const signalHandlers = new Map<NodeJS.Signals, () => void>();

/**
 * Waits for the parent's pipe to close (the parent died), then sends SIGTERM to the guarded pid.
 * The parent never writes to the pipe; `read` only returns at end of file.
 */
const ORPHAN_GUARD_SCRIPT = 'while read -r _; do :; done; kill -TERM "$0" 2>/dev/null';

/** A child the local stack started, with the means to stop it. */
export interface SupervisedChild {
  readonly pid: number;
  /** The pid of the orphan guard watching this child (for tests proving nothing is left). */
  readonly guardPid: number | undefined;
  /** Resolves when the child has exited, whoever stopped it. */
  readonly exited: Promise<void>;
  /** SIGTERM, then SIGKILL if the child still runs after `graceMs`; resolves once it has exited. */
  stop(graceMs: number): Promise<void>;
}

/**
 * Starts tracking a freshly spawned child: it will be killed if this process ends before its
 * `stop()` is called. The child must have a pid (spawn succeeded).
 */
export function superviseChild(child: ChildProcess): SupervisedChild {
  const pid = child.pid;
  if (pid === undefined) throw new Error('Cannot supervise a child process that did not start');
  const guard = spawn('/bin/sh', ['-c', ORPHAN_GUARD_SCRIPT, String(pid)], {
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  guard.on('error', () => {
    // The guard is a safety net: without it the exit hooks still cover every end but SIGKILL.
  });
  guard.unref();
  if (guard.stdin instanceof Socket) guard.stdin.unref();
  const tracked: TrackedChild = { child, guard };
  trackedChildren.add(tracked);
  updateHooks();
  const exited = new Promise<void>((resolve) => {
    const onExit = (): void => {
      trackedChildren.delete(tracked);
      guard.kill('SIGKILL');
      updateHooks();
      resolve();
    };
    if (hasExited(child)) onExit();
    else child.once('exit', onExit);
  });
  const stop = async (graceMs: number): Promise<void> => {
    if (!hasExited(child)) {
      child.kill('SIGTERM');
      const escalation = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(escalation);
    }
    await exited;
  };
  return { pid, guardPid: guard.pid, exited, stop };
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/**
 * Registers a synchronous cleanup to run if the process exits while it is registered (e.g.
 * removing a temporary data folder). Returns the function that unregisters it.
 */
export function registerExitCleanup(cleanup: () => void): () => void {
  exitCleanups.add(cleanup);
  updateHooks();
  return () => {
    exitCleanups.delete(cleanup);
    updateHooks();
  };
}

function cleanUpNow(): void {
  for (const { child, guard } of trackedChildren) {
    guard.kill('SIGKILL');
    child.kill('SIGTERM');
  }
  trackedChildren.clear();
  for (const cleanup of exitCleanups) {
    try {
      cleanup();
    } catch {
      // Best effort while the process is going away: one failed cleanup must not skip the others.
    }
  }
  exitCleanups.clear();
}

function updateHooks(): void {
  const needed = trackedChildren.size > 0 || exitCleanups.size > 0;
  if (needed && signalHandlers.size === 0) installHooks();
  if (!needed && signalHandlers.size > 0) removeHooks();
}

function installHooks(): void {
  process.on('exit', cleanUpNow);
  for (const signal of HANDLED_SIGNALS) {
    const handler = (): void => {
      cleanUpNow();
      removeHooks();
      // Nobody else handles this signal: end the process the way the signal would have.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    signalHandlers.set(signal, handler);
    process.on(signal, handler);
  }
}

function removeHooks(): void {
  process.off('exit', cleanUpNow);
  for (const [signal, handler] of signalHandlers) process.off(signal, handler);
  signalHandlers.clear();
}
