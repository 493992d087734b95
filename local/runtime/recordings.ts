import { RecordingQueries } from '../../shared/recordings/queries.ts';
import type { Recording } from '../../shared/recordings/recording.ts';
import type { OnUnreadableItem } from '../../shared/recordings/unreadable.ts';
import type { LocalRuntime } from './runtime.ts';

/**
 * The recordings of the simulator's account with these keys, received within the last
 * `withinMs`, as the state table holds them now: what a test or the bench follows after dropping
 * objects. `onUnreadable` decides what an unreadable item means (a test fails on it).
 */
export async function recordingsWithKeys(
  runtime: Pick<LocalRuntime, 'clients' | 'config' | 'simulator'>,
  keys: { has(key: string): boolean },
  options: { readonly withinMs: number; readonly onUnreadable: OnUnreadableItem },
): Promise<Recording[]> {
  const queries = new RecordingQueries(runtime.clients.dynamodb, {
    tableName: runtime.config.resources.tableName,
    onUnreadable: options.onUnreadable,
  });
  const now = Date.now();
  const found: Recording[] = [];
  const range = { from: now - options.withinMs, to: now + 60_000 };
  for await (const recording of queries.byAccount(runtime.simulator.credentials.accountId, range)) {
    if (keys.has(recording.key)) found.push(recording);
  }
  return found;
}
