import { type ChildProcess, spawn } from 'node:child_process';
import { once as eventOnce } from 'node:events';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type CommandRunner,
  ciCommands,
  classify,
  type DocumentedCommand,
  documentedCommands,
  literalPattern,
  PLACEHOLDERS,
  type PlaceholderSource,
  placeholdersIn,
  REPOSITORY_ROOT,
  runnableForm,
} from '../helpers/documented-commands.ts';
import { type CliRun, followProcess } from '../helpers/local-runtime-process.ts';

/**
 * Runs the local commands README.md and docs/ give, taken from the docs themselves, as a reader
 * types them from a checkout: each server (`npx qm-ingest simulator`, `local-aws`, `local`) until
 * it is ready, then Ctrl-C; then `npm start`, and, while it runs, every other line in a shell per
 * page (so what a line exports, the next lines have), with `<placeholders>` filled from the
 * running pipeline. Each must exit 0 and print what its runner expects; a drop must reach the
 * pipeline. test/unit/docs/documented-commands.test.ts checks that every other command is marked
 * as needing AWS, run by CI or declared not run.
 *
 * The checkout is a temporary folder of links to this repository (copies where the commands
 * write), so `.local` and the files the commands create are the test's own.
 */

const ci = ciCommands();
const RUN_BY_TEST = documentedCommands().flatMap((command) => {
  const found = classify(command, ci);
  return found.kind === 'run-by-test' ? [{ command, runner: found.runner }] : [];
});
type RunByTest = (typeof RUN_BY_TEST)[number];
const byRole = (role: CommandRunner['role']): RunByTest[] =>
  RUN_BY_TEST.filter((entry) => entry.runner.role === role);

/** Paths the documented commands write into: copied, so the repository stays as it is. */
const COPIED = ['docs', 'cdk/environments'];
/** Left out: git's data, and the local runtime's data of whoever works in this checkout. */
const LEFT_OUT = ['.git', '.local'];

const checkout = mkdtempSync(join(tmpdir(), 'qm-e2e-docs-'));
const bin = join(checkout, '.bin');
const STAND_IN = fileURLToPath(new URL('../helpers/aws-cli-stand-in.ts', import.meta.url));

function linkRepository(relative: string): void {
  for (const entry of readdirSync(join(REPOSITORY_ROOT, relative))) {
    const path = relative === '' ? entry : `${relative}/${entry}`;
    if (LEFT_OUT.includes(path)) continue;
    if (COPIED.includes(path)) {
      cpSync(join(REPOSITORY_ROOT, path), join(checkout, path), { recursive: true });
    } else if (COPIED.some((copied) => copied.startsWith(`${path}/`))) {
      mkdirSync(join(checkout, path));
      linkRepository(path);
    } else {
      symlinkSync(join(REPOSITORY_ROOT, path), join(checkout, path));
    }
  }
}
linkRepository('');
mkdirSync(bin);
writeFileSync(join(bin, 'aws'), `#!/bin/sh\nexec '${process.execPath}' '${STAND_IN}' "$@"\n`, {
  mode: 0o755,
});

/**
 * This process's environment without AWS settings (a reader's shell has none of the runtime's),
 * the stand-in first on the PATH, and an npm cache of the checkout's own (npx records there the
 * checkout it runs `qm-ingest` from, and it goes with the checkout).
 */
const environment: NodeJS.ProcessEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_'))),
  PATH: `${bin}:${process.env['PATH'] ?? ''}`,
  npm_config_cache: join(checkout, '.npm'),
};

const started: CliRun[] = [];

/** Starts a command in a shell of its own process group, as a terminal does, so Ctrl-C reaches all of it. */
function startInTerminal(text: string): CliRun {
  const run = followProcess(
    spawn('bash', ['-c', text], {
      cwd: checkout,
      env: environment,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  started.push(run);
  return run;
}

/** A fixed port is taken (by another runtime or benchmark on this machine): wait, never end its owner. */
const PORT_TAKEN = /EADDRINUSE|already in use/i;
const PORT_WAIT_MS = 5_000;
const PORT_PATIENCE_MS = 120_000;

/** Starts a server command and resolves once it printed its ready line; waits for a taken port to free. */
async function startServer(text: string, ready: RegExp): Promise<CliRun> {
  const giveUpAt = Date.now() + PORT_PATIENCE_MS;
  for (;;) {
    const run = startInTerminal(text);
    try {
      await run.waitForLine(ready, 90_000);
      return run;
    } catch (error) {
      if (run.child.exitCode === null && run.child.signalCode === null) {
        await interrupt(run);
        throw error;
      }
      if (!PORT_TAKEN.test(run.stderr()) || Date.now() > giveUpAt) throw error;
      await new Promise((resolve) => setTimeout(resolve, PORT_WAIT_MS));
    }
  }
}

/**
 * Ctrl-C in its terminal: SIGINT to its process group, then waits until every process of the group
 * ended and its output is read. npm and npx end by the signal while the command they ran stops in
 * order, as a shell shows it (status 130).
 */
async function interrupt(run: CliRun): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const group = -(run.child.pid ?? 0);
  process.kill(group, 'SIGINT');
  const exit = await run.exited;
  const giveUpAt = Date.now() + 60_000;
  while (groupRuns(group)) {
    if (Date.now() > giveUpAt)
      throw new Error(`Processes of group ${-group} still run a minute after Ctrl-C`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const stdout = run.child.stdout;
  if (stdout !== null && !stdout.closed) await eventOnce(stdout, 'close');
  return exit;
}

function groupRuns(group: number): boolean {
  try {
    process.kill(group, 0);
    return true;
  } catch {
    return false;
  }
}

const MARKER = '@@documented-command-exit';

/** A reader's shell: lines typed one after the other, each one's exit status and output. */
class ReaderShell {
  private readonly shell: ChildProcess;
  private stdout = '';
  private stderr = '';
  private wake: () => void = () => {};

  constructor() {
    this.shell = spawn('bash', ['--noprofile', '--norc'], {
      cwd: checkout,
      env: environment,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.shell.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk;
      this.wake();
    });
    this.shell.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
    });
  }

  /** Types `text` (stdin from /dev/null: no line may wait for input) and resolves once it ended. */
  async type(text: string, timeoutMs: number): Promise<{ status: number; stdout: string; stderr: string }> {
    this.stdout = '';
    this.stderr = '';
    this.shell.stdin?.write(`{\n${text}\n} </dev/null\nprintf '\\n${MARKER} %s\\n' "$?"\n`);
    const pattern = new RegExp(`\\n${MARKER} (\\d+)\\n`);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = pattern.exec(this.stdout);
      if (found !== null) {
        return {
          status: Number(found[1]),
          stdout: this.stdout.slice(0, found.index).trim(),
          stderr: this.stderr.trim(),
        };
      }
      if (this.shell.exitCode !== null || Date.now() > deadline) {
        throw new Error(`No end within ${timeoutMs} ms of:\n${text}\n${this.stdout}\n${this.stderr}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1_000);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Ends the shell, and whatever a line that did not end left running. */
  close(): void {
    this.shell.stdin?.end();
    const group = -(this.shell.pid ?? 0);
    if (groupRuns(group)) process.kill(group, 'SIGKILL');
  }
}

const shells = new Map<string, ReaderShell>();

function shellOf(file: string): ReaderShell {
  const existing = shells.get(file);
  if (existing !== undefined) return existing;
  const created = new ReaderShell();
  shells.set(file, created);
  return created;
}

afterAll(async () => {
  for (const shell of shells.values()) shell.close();
  // What a failed test left running: each group this file started, by its id.
  for (const run of started) {
    const group = -(run.child.pid ?? 0);
    if (groupRuns(group)) process.kill(group, 'SIGKILL');
  }
  rmSync(checkout, { recursive: true, force: true });
});

function named(command: DocumentedCommand): string {
  return `${command.file}:${command.line}  ${command.text.split('\n')[0]}`;
}

/** A command the docs give more than once is run once, named by every place that gives it. */
function runOnce(entries: readonly RunByTest[]): (readonly [string, RunByTest])[] {
  const byText = new Map<string, RunByTest[]>();
  for (const entry of entries) {
    byText.set(entry.command.text, [...(byText.get(entry.command.text) ?? []), entry]);
  }
  return [...byText.values()].flatMap((same) => {
    const [first] = same;
    if (first === undefined) return [];
    const places = same.map((entry) => `${entry.command.file}:${entry.command.line}`).join(', ');
    return [[`${places}  ${first.command.text.split('\n')[0]}`, first] as const];
  });
}

describe('the servers the docs start', () => {
  it.each(runOnce(byRole('server')))(
    '%s: ready, then stopped by Ctrl-C',
    async (_name, { command, runner }) => {
      // Act
      const run = await startServer(runnableForm(command.text), runner.prints ?? /./);
      const exit = await interrupt(run);

      // Assess: stopped in order (npx itself ends by the signal)
      expect(exit.code === 0 || exit.signal === 'SIGINT', `ended with ${JSON.stringify(exit)}`).toBe(true);
      expect(run.lines, `stderr: ${run.stderr()}`).toContainEqual(
        expect.stringMatching(runner.stopped ?? /./),
      );
    },
    150_000,
  );
});

describe('the local runtime, and the lines the docs type beside it', () => {
  const [[runtimeName, runtimeEntry] = ['npm start', undefined]] = runOnce(byRole('runtime'));
  let runtime: CliRun | undefined;

  function running(): CliRun {
    if (runtime === undefined) throw new Error('The runtime did not start: see the first failure');
    return runtime;
  }

  const FINAL = ['EVALUATED', 'EVALUATION_FAILED', 'NO_EVALUATION', 'REJECTED', 'FAILED', 'TIMED_OUT'];

  /** The runtime's line of a step or outcome: `hh:mm:ss  STATUS  key  ...`. */
  function stepLine(statuses: readonly string[], key?: string): RegExp {
    const keyPattern = key === undefined ? '.+?' : literalPattern(key);
    return new RegExp(`^\\d\\d:\\d\\d:\\d\\d {2}(?:${statuses.join('|')})\\s+(${keyPattern}) {2}`);
  }

  /** The key of the first recording the runtime shows reaching one of `statuses`. */
  async function recordingThat(statuses: readonly string[]): Promise<string> {
    const pattern = stepLine(statuses);
    return pattern.exec(await running().waitForLine(pattern, 120_000))?.[1] ?? '';
  }

  async function placeholderValue(source: PlaceholderSource): Promise<string> {
    switch (source) {
      case 'settled-recording':
        return recordingThat(FINAL);
      case 'rejected-recording':
        return recordingThat(['REJECTED']);
      case 'recordings-bucket':
        return /^Recordings bucket: (\S+)/m.exec(running().lines.join('\n'))?.[1] ?? '';
      case 'recordings-prefix':
        return /keys under (\S+) ending in/m.exec(running().lines.join('\n'))?.[1] ?? '';
    }
  }

  function quoted(value: string): string {
    return `'${value.replaceAll("'", `'\\''`)}'`;
  }

  /** The command as it is typed: its runnable form, each placeholder replaced by a value from the pipeline. */
  async function filledIn({ command, runner }: RunByTest): Promise<string> {
    let text = runnableForm(command.text);
    for (const placeholder of placeholdersIn(text)) {
      const source = runner.placeholders?.[placeholder.name] ?? PLACEHOLDERS[placeholder.name];
      if (source === undefined) {
        throw new Error(
          `${named(command)}: no value for ${placeholder.written}: add it to PLACEHOLDERS in test/helpers/documented-commands.ts`,
        );
      }
      text = text.replace(placeholder.written, quoted(await placeholderValue(source)));
    }
    return text;
  }

  it(`${runtimeName}: the pipeline runs`, async () => {
    // Act
    runtime = await startServer(runtimeEntry?.command.text ?? 'false', runtimeEntry?.runner.prints ?? /./);

    // Assess
    expect(runtime.lines.join('\n')).toMatch(/^export AWS_ENDPOINT_URL_S3=http:\/\/127\.0\.0\.1:4566$/m);
  }, 150_000);

  it.each(byRole('session').map((entry) => [named(entry.command), entry] as const))(
    '%s',
    async (_name, entry) => {
      // Prepare
      const text = await filledIn(entry);

      // Act
      const typed = await shellOf(entry.command.file).type(text, 60_000);

      // Assess
      expect(typed.status, `${named(entry.command)} typed as:\n${text}\nstderr:\n${typed.stderr}`).toBe(0);
      if (entry.runner.prints !== undefined) expect(typed.stdout).toMatch(entry.runner.prints);
      if (entry.runner.writes !== undefined) {
        expect(readFileSync(join(checkout, entry.runner.writes.file), 'utf8')).toMatch(
          entry.runner.writes.holding,
        );
      }
      // A recording dropped reaches the pipeline (the runtime prints its first step).
      const uploaded = /^upload: \S+ to s3:\/\/[^/]+\/(.+)$/m.exec(typed.stdout)?.[1];
      const banner = running().lines.join('\n');
      const suffixes = /ending in ((?:\.\w+ ?)+)/.exec(banner)?.[1]?.trim().split(' ') ?? [];
      if (uploaded !== undefined && suffixes.some((suffix) => uploaded.endsWith(suffix))) {
        await running().waitForLine(stepLine(['RECEIVED'], uploaded), 60_000);
      }
    },
    150_000,
  );

  it(`${runtimeName}: Ctrl-C stops everything`, async () => {
    // Act
    const exit = await interrupt(running());

    // Assess: stopped in order (npm itself ends by the signal)
    expect(exit.code === 0 || exit.signal === 'SIGINT', `ended with ${JSON.stringify(exit)}`).toBe(true);
    expect(running().lines).toContainEqual(expect.stringMatching(runtimeEntry?.runner.stopped ?? /./));
    expect(existsSync(join(checkout, '.local', 'runtime.json'))).toBe(true);
  }, 60_000);
});
