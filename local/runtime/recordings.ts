import { PutObjectCommand } from '@aws-sdk/client-s3';
import { RecordingQueries } from '../../shared/recordings/queries.ts';
import type { Recording } from '../../shared/recordings/recording.ts';
import type { OnUnreadableItem } from '../../shared/recordings/unreadable.ts';
import { callLikeWav } from '../demo/wav.ts';
import type { LocalRuntime } from './runtime.ts';

/**
 * Drops a generated call recording (`variant` picks its sound, so two drops are two recordings)
 * into the runtime's recordings bucket at `key`, its agent and direction in S3 user metadata.
 */
export async function dropCallRecording(
  runtime: Pick<LocalRuntime, 'clients' | 'recordingsBucket'>,
  key: string,
  variant: number,
): Promise<void> {
  await runtime.clients.s3.send(
    new PutObjectCommand({
      Bucket: runtime.recordingsBucket,
      Key: key,
      Body: callLikeWav(variant),
      ContentType: 'audio/wav',
      Metadata: { 'agent-email': 'jane.doe@example.com', direction: 'inbound' },
    }),
  );
}

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
