import { setTimeout as sleep } from 'node:timers/promises';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RecordingQueries } from '../../shared/recordings/queries.ts';
import { isTerminal } from '../../shared/recordings/state-machine.ts';
import { describeUnreadable } from '../../shared/recordings/unreadable.ts';
import type { RuntimeEvent } from './events.ts';

/**
 * Follows recordings through the state table, for the progress lines: every transition a
 * recording makes (RECEIVED, SUBMITTING, SUBMITTED, its end...) is reported once, in order, from
 * the recording's own history, so transitions made between two reads are not lost. It reads the
 * by-account index (one partition per Zoom account, ordered by drop time) over a window that
 * starts at the oldest recording still in flight, so a read costs one query however many
 * recordings finished earlier.
 */

export interface TableWatcherOptions {
  readonly dynamodb: DynamoDBClient;
  readonly tableName: string;
  /** The Zoom accounts whose recordings are followed. */
  readonly zoomAccountIds: readonly string[];
  readonly emit: (event: RuntimeEvent) => void;
  /** Transitions before this time (epoch ms) are history, not progress: not reported. */
  readonly since: number;
}

export interface TableWatcher {
  /** Reads the table now (after any read in progress): the progress reported so far is then up to date. */
  refresh(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * How far back each read looks beyond the oldest recording in flight: a recording is claimed a
 * moment after its drop time (its S3 event time), later when the ingest queue has a backlog.
 */
const LOOKBACK_MS = 5 * 60_000;
/** How often the table is read: often enough that a person sees each step as it happens. */
const INTERVAL_MS = 500;
/** Drop times come from the local S3's clock, the same machine's: a little slack is enough. */
const FUTURE_SLACK_MS = 60_000;

export function startTableWatcher(options: TableWatcherOptions): TableWatcher {
  const queries = new RecordingQueries(options.dynamodb, {
    tableName: options.tableName,
    onUnreadable: (item) => console.error(describeUnreadable(item)),
  });
  /** Per recording: how many history entries were reported, and its drop time while in flight. */
  const reported = new Map<string, number>();
  const inFlight = new Map<string, number>();
  const stopping = new AbortController();

  const read = async (): Promise<void> => {
    const now = Date.now();
    const oldestInFlight = Math.min(now, ...inFlight.values());
    const range = { from: Math.max(0, oldestInFlight - LOOKBACK_MS), to: now + FUTURE_SLACK_MS };
    for (const accountId of options.zoomAccountIds) {
      for await (const recording of queries.byAccount(accountId, range)) {
        const already = reported.get(recording.recordingId) ?? 0;
        for (const entry of recording.history.slice(already)) {
          if (entry.at >= options.since) {
            options.emit({ kind: 'progress', recording, entry });
          }
        }
        reported.set(recording.recordingId, recording.history.length);
        if (isTerminal(recording.status)) {
          inFlight.delete(recording.recordingId);
        } else {
          inFlight.set(recording.recordingId, recording.receivedAt);
        }
      }
    }
  };

  /** Reads one after the other, whether the loop or a refresh asks. */
  let lastRead: Promise<void> = Promise.resolve();
  const readInTurn = (): Promise<void> => {
    lastRead = lastRead.then(read).catch((error: unknown) => {
      if (!stopping.signal.aborted) {
        options.emit({
          kind: 'problem',
          source: 'watch',
          message: `reading the state table failed: ${String(error)}`,
          at: Date.now(),
        });
      }
    });
    return lastRead;
  };

  const loop = (async () => {
    while (!stopping.signal.aborted) {
      await readInTurn();
      await sleep(INTERVAL_MS, undefined, { signal: stopping.signal }).catch(() => undefined);
    }
  })();

  return {
    refresh: readInTurn,
    stop: async () => {
      stopping.abort();
      await loop;
    },
  };
}
