import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  dataPaths,
  isProcessRunning,
  markStopped,
  prepareDataDir,
  type RuntimeState,
  readRuntimeState,
  runningRuntime,
  writeRuntimeState,
} from '../../../local/runtime/data-dir.ts';
import { ConfigError } from '../../../shared/errors.ts';

const folders: string[] = [];

afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function folder(): string {
  const created = mkdtempSync(join(tmpdir(), 'qm-data-dir-'));
  folders.push(created);
  return created;
}

function state(pid: number | null): RuntimeState {
  return {
    version: 1,
    pid,
    startedAt: '2026-11-25T12:00:00.000Z',
    region: 'us-east-1',
    environment: 'local',
    tableName: 'qm-ingest-local-state',
    recordingsBucket: 'qm-local-recordings-000000000000-us-east-1',
    resultsBucket: 'qm-local-results-000000000000-us-east-1',
    zoomAccountIds: ['acc1'],
    endpoints: { dynamodb: 'http://127.0.0.1:4568' },
  };
}

describe('the runtime state file', () => {
  it('reads back what was written, and none where nothing ran', () => {
    // Prepare
    const paths = dataPaths(folder());

    // Act
    const before = readRuntimeState(paths);
    writeRuntimeState(paths, state(process.pid));

    // Assess
    expect(before).toBeUndefined();
    expect(readRuntimeState(paths)).toEqual(state(process.pid));
  });

  it("records this process's runtime as stopped, keeping where its table is", () => {
    // Prepare
    const paths = dataPaths(folder());
    writeRuntimeState(paths, state(process.pid));

    // Act
    markStopped(paths);

    // Assess
    const stopped = readRuntimeState(paths);
    expect(stopped).toMatchObject({ pid: null, tableName: 'qm-ingest-local-state' });
    expect(stopped?.stoppedAt).toBeDefined();
    expect(runningRuntime(paths)).toBeUndefined();
  });

  it('refuses a file it did not write, saying how to recover', () => {
    // Prepare
    const paths = dataPaths(folder());
    writeFileSync(paths.stateFile, '{"version": 7}');

    // Act / Assess
    expect(() => readRuntimeState(paths)).toThrow(/--clean/);
  });
});

describe('prepareDataDir', () => {
  it("with clean, removes the previous run's data and nothing else", () => {
    // Prepare
    const paths = dataPaths(folder());
    mkdirSync(join(paths.aws, 'dynamodb'), { recursive: true });
    mkdirSync(paths.logs, { recursive: true });
    writeRuntimeState(paths, state(null));
    const unrelated = join(paths.root, 'my-notes.txt');
    writeFileSync(unrelated, 'keep me');

    // Act
    prepareDataDir(paths, true);

    // Assess
    expect(existsSync(join(paths.aws, 'dynamodb'))).toBe(false);
    expect(existsSync(paths.stateFile)).toBe(false);
    expect(existsSync(unrelated)).toBe(true);
    expect(existsSync(paths.aws) && existsSync(paths.logs)).toBe(true);
  });

  it('keeps the data without clean', () => {
    // Prepare
    const paths = dataPaths(folder());
    mkdirSync(join(paths.aws, 'dynamodb'), { recursive: true });

    // Act
    prepareDataDir(paths, false);

    // Assess
    expect(existsSync(join(paths.aws, 'dynamodb'))).toBe(true);
  });

  it('refuses a folder another running runtime uses', () => {
    // Prepare
    const paths = dataPaths(folder());
    writeRuntimeState(paths, state(process.ppid));

    // Act / Assess
    expect(() => prepareDataDir(paths, true)).toThrow(ConfigError);
    expect(() => prepareDataDir(paths, true)).toThrow(`pid ${process.ppid}`);
  });
});

describe('isProcessRunning', () => {
  it('tells a running process from one that is gone', () => {
    // Act / Assess
    expect(isProcessRunning(process.pid)).toBe(true);
    expect(isProcessRunning(2 ** 22 + 1)).toBe(false);
  });
});
