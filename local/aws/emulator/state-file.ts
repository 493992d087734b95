import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Where an emulator keeps its resources (secrets, topics, rules) between runs when the stack has
 * a data folder. Writes go to a temporary file renamed into place, so a crash mid-write leaves the
 * previous state rather than half a file.
 */
export interface StateFile<State> {
  load(): State | undefined;
  save(state: State): void;
}

/** The state file named `fileName` in the stack's data folder; in memory only without one. */
export function jsonStateFile<State>(dataDir: string | undefined, fileName: string): StateFile<State> {
  const path = dataDir === undefined ? undefined : join(dataDir, fileName);
  return {
    load: () =>
      path !== undefined && existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as State) : undefined,
    save: (state) => {
      if (path === undefined) return;
      mkdirSync(dirname(path), { recursive: true });
      const temporary = `${path}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify(state, null, 2));
      renameSync(temporary, path);
    },
  };
}
