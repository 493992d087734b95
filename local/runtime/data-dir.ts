import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as z from 'zod';
import { ConfigError } from '../../shared/errors.ts';

/**
 * The local runtime's data folder (`.local/` by default, git-ignored): what it keeps between runs,
 * and the state file through which `qm-ingest status` and `list` find the runtime's table.
 *
 * ```
 * <data dir>/aws/          the local AWS servers' data (DynamoDB tables, S3 objects, topics, secrets)
 * <data dir>/logs/         the functions' JSON logs and EMF metrics, one file per function
 * <data dir>/samples/      a generated recording to drop by hand
 * <data dir>/runtime.json  where the runtime runs (endpoints, table, buckets, queues, settings) and whether it does
 * ```
 * `--clean` removes exactly these entries and nothing else, so pointing `--data-dir` at a folder
 * that holds other files never deletes them.
 */

export interface DataPaths {
  readonly root: string;
  readonly aws: string;
  readonly logs: string;
  readonly samples: string;
  readonly stateFile: string;
}

export function dataPaths(dataDir: string): DataPaths {
  const root = resolve(dataDir);
  return {
    root,
    aws: join(root, 'aws'),
    logs: join(root, 'logs'),
    samples: join(root, 'samples'),
    stateFile: join(root, 'runtime.json'),
  };
}

const stateSchema = z.object({
  version: z.literal(1),
  /** The runtime's process while it runs; null once it stopped. */
  pid: z.number().int().positive().nullable(),
  startedAt: z.string(),
  stoppedAt: z.string().optional(),
  region: z.string().min(1),
  environment: z.string().min(1),
  tableName: z.string().min(1),
  recordingsBucket: z.string().min(1),
  resultsBucket: z.string().min(1),
  /** The Zoom accounts of the environment's profiles (for finding a recording by interaction id). */
  zoomAccountIds: z.array(z.string().min(1)),
  /** Base URL of each local server, by service (`s3`, `dynamodb`... and `zoom`). */
  endpoints: z.record(z.string(), z.string()),
  /** The work queues and their DLQs (for `retry`, `redrive`, `backfill`); absent in older state files. */
  queues: z
    .object({
      ingest: z.string().min(1),
      ingestDeadLetter: z.string().min(1),
      poll: z.string().min(1),
      pollDeadLetter: z.string().min(1),
    })
    .optional(),
  /** The environment's settings (Zoom profiles, ingest, polling) the functions run with, as JSON. */
  settings: z.unknown().optional(),
});

/** What `runtime.json` holds. */
export type RuntimeState = z.infer<typeof stateSchema>;

/** Writes the state atomically (a reader never sees half a file). */
export function writeRuntimeState(paths: DataPaths, state: RuntimeState): void {
  mkdirSync(dirname(paths.stateFile), { recursive: true });
  const temporary = `${paths.stateFile}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temporary, paths.stateFile);
}

/** The state written by the last run in this folder, or undefined when there was none. */
export function readRuntimeState(paths: DataPaths): RuntimeState | undefined {
  if (!existsSync(paths.stateFile)) {
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(paths.stateFile, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${paths.stateFile} is not valid JSON: delete it, or start with --clean`, {
      cause: error,
    });
  }
  const parsed = stateSchema.safeParse(json);
  if (!parsed.success) {
    throw new ConfigError(
      `${paths.stateFile} was not written by this version of qm-ingest: delete it, or start with --clean`,
    );
  }
  return parsed.data;
}

/** Whether a process with this id runs (a zombie counts as gone). */
export function isProcessRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2) !== 'Z';
  } catch {
    // No /proc (macOS): signal 0 succeeded, so it runs.
    return true;
  }
}

/** The runtime running on this folder right now, if any (another process's). */
export function runningRuntime(paths: DataPaths): RuntimeState | undefined {
  const state = readRuntimeState(paths);
  return state?.pid !== null && state?.pid !== undefined && isProcessRunning(state.pid) ? state : undefined;
}

/**
 * Prepares the folder for a run: refuses when another runtime runs on it (two would share
 * DynamoDB Local's files and S3's objects), removes the previous run's data when `clean`.
 */
export function prepareDataDir(paths: DataPaths, clean: boolean): void {
  const running = runningRuntime(paths);
  if (running !== undefined && running.pid !== process.pid) {
    throw new ConfigError(
      `Another qm-ingest local runtime (pid ${running.pid}) runs on ${paths.root}: stop it first, or choose another --data-dir`,
    );
  }
  if (clean) {
    for (const entry of [paths.aws, paths.logs, paths.samples, paths.stateFile]) {
      rmSync(entry, { recursive: true, force: true });
    }
  }
  for (const folder of [paths.aws, paths.logs]) {
    mkdirSync(folder, { recursive: true });
  }
}

/** Records that this process's runtime stopped (the state stays, for `status` and `list` to find the table). */
export function markStopped(paths: DataPaths): void {
  const state = readRuntimeState(paths);
  if (state === undefined || state.pid !== process.pid) {
    return;
  }
  writeRuntimeState(paths, { ...state, pid: null, stoppedAt: new Date().toISOString() });
}
