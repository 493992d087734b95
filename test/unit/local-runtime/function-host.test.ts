import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ExecutionEnvironmentError,
  type FunctionHost,
  startFunctionHost,
} from '../../../local/runtime/function-host.ts';
import { FunctionError } from '../../../local/runtime/function-protocol.ts';
import { invokeHandler } from '../../../local/triggers/index.ts';

/**
 * The function host runs handlers as Lambda does: in execution environments (worker threads) with
 * their own variables, kept warm, discarded on a timeout or a crash. These tests start real worker
 * threads on a handler module made for them; nothing listens on the network.
 */

const HANDLERS = fileURLToPath(new URL('../../helpers/local-runtime-handlers.ts', import.meta.url));
const hosts: FunctionHost[] = [];
const folders: string[] = [];

afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.stop()));
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function host(
  handlerName: string,
  options: { logFile?: string; onLogLine?: (line: string) => void } = {},
): FunctionHost {
  const started = startFunctionHost({
    functionName: `test-${handlerName}`,
    entry: HANDLERS,
    handlerName,
    env: { QM_TEST_VARIABLE: 'from the function environment' },
    ...options,
  });
  hosts.push(started);
  return started;
}

const invoke = (target: FunctionHost, event: unknown, timeoutMs = 10_000) =>
  invokeHandler(target.handler, event, { functionName: 'test', timeoutMs });

describe('startFunctionHost', () => {
  it("runs the handler with the event, the Lambda context and the function's own variables only", async () => {
    // Prepare
    process.env['QM_TEST_PARENT_ONLY'] = 'the runtime process';
    const echo = host('echo');

    // Act
    const own = await invoke(echo, { value: 42, variable: 'QM_TEST_VARIABLE' });
    const parents = await invoke(echo, { variable: 'QM_TEST_PARENT_ONLY' });

    // Assess
    delete process.env['QM_TEST_PARENT_ONLY'];
    expect(own).toMatchObject({
      ok: true,
      value: { value: 42, variable: 'from the function environment', functionName: 'test' },
    });
    expect(own.ok && (own.value as { remainingMs: number }).remainingMs).toBeGreaterThan(0);
    expect(parents).toMatchObject({ ok: true, value: { variable: undefined } });
  });

  it('keeps an execution environment warm between invocations, and starts another for an overlapping one', async () => {
    // Prepare
    const slow = host('slow');

    // Act
    const first = await invoke(slow, { ms: 1 });
    const second = await invoke(slow, { ms: 1 });
    const overlapping = await Promise.all([invoke(slow, { ms: 300 }), invoke(slow, { ms: 300 })]);

    // Assess
    expect(first.ok && second.ok && first.value === second.value).toBe(true);
    const environments = new Set(overlapping.map((result) => (result.ok ? result.value : undefined)));
    expect(environments.size).toBe(2);
    expect(slow.environments()).toEqual({ started: 2, alive: 2 });
  });

  it('fails the invocation with the error the handler threw, by name, and keeps the environment', async () => {
    // Prepare
    const failing = host('fail');

    // Act
    const result = await invoke(failing, {});

    // Assess
    expect(result.ok).toBe(false);
    const error = result.ok ? undefined : result.error;
    expect(error).toBeInstanceOf(FunctionError);
    expect(error).toMatchObject({ name: 'TypeError', message: 'the handler failed on purpose' });
    expect(failing.environments()).toEqual({ started: 1, alive: 1 });
  });

  it('discards an environment whose invocation timed out, as Lambda does', async () => {
    // Prepare
    const hanging = host('hang');

    // Act
    const result = await invoke(hanging, {}, 300);

    // Assess
    expect(result).toMatchObject({ ok: false });
    await expect.poll(() => hanging.environments().alive).toBe(0);
    expect(hanging.environments().started).toBe(1);
  });

  it('fails the invocation of an environment that crashes, and discards it', async () => {
    // Prepare
    const crashing = host('crash');

    // Act
    const result = await invoke(crashing, {});

    // Assess
    expect(result.ok).toBe(false);
    expect(result.ok ? undefined : result.error).toBeInstanceOf(ExecutionEnvironmentError);
    expect(crashing.environments().alive).toBe(0);
  });

  it('ends an invocation through context.succeed, as Lambda still does', async () => {
    // Act
    const result = await invoke(host('legacy'), {});

    // Assess
    expect(result).toMatchObject({ ok: true, value: 'done the old way' });
  });

  it("writes the environments' output to the function's log file and hands each line on", async () => {
    // Prepare
    const folder = mkdtempSync(join(tmpdir(), 'qm-function-host-'));
    folders.push(folder);
    const logFile = join(folder, 'fail.log');
    const lines: string[] = [];
    const failing = host('fail', { logFile, onLogLine: (line) => lines.push(line) });

    // Act
    await invoke(failing, {});
    await failing.stop();

    // Assess
    expect(readFileSync(logFile, 'utf8')).toBe('{"level":"ERROR","message":"about to fail"}\n');
    expect(lines).toEqual(['{"level":"ERROR","message":"about to fail"}']);
  });

  it('refuses invocations once stopped', async () => {
    // Prepare
    const echo = host('echo');
    await echo.stop();

    // Act
    const result = await invoke(echo, {});

    // Assess
    expect(result.ok ? undefined : result.error).toBeInstanceOf(ExecutionEnvironmentError);
  });
});
