import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callLikeWav } from '../../local/demo/index.ts';
import { type LocalRuntime, portsFromBase, startLocalRuntime } from '../../local/runtime/index.ts';
import { RecordingQueries } from '../../shared/recordings/queries.ts';
import type { Recording } from '../../shared/recordings/recording.ts';
import { isTerminal } from '../../shared/recordings/state-machine.ts';
import { queueDepth } from '../helpers/local-stack.ts';
import { s3ClientOf } from '../helpers/runtime-s3.ts';
import { failOnUnreadable } from '../helpers/unreadable-items.ts';

/**
 * "One recording, one Zoom interaction" against a Zoom having a bad day: the bundled `hostile`
 * scenario ignores Idempotency-Key (as Zoom's documents allow), fails 5xx, drops connections and
 * sends malformed JSON on every endpoint, some of it after the POST has created the interaction,
 * and analyses with a long tail. Sixty recordings, each with an agent and a start time in its key,
 * are dropped into the local runtime with a plain S3 client. Every one must end in a terminal
 * state, no object may have more than one interaction in Zoom, and every POST whose answer was
 * lost must be settled by looking the interaction up, never by NEEDS_REVIEW.
 */

const RECORDINGS = 60;
const AGENTS = ['ana', 'ben', 'chen', 'dora', 'emil'];

let runtime: LocalRuntime;
let s3: S3Client;

beforeAll(async () => {
  runtime = await startLocalRuntime({ ports: portsFromBase(0), scenario: 'hostile', timing: 'interactive' });
  s3 = s3ClientOf(runtime);
});

afterAll(async () => {
  s3?.destroy();
  await runtime?.stop();
});

/** Key `index`: the key template gives it an agent and a start time, one second apart from the others. */
function keyOf(index: number, start: Date): string {
  const at = new Date(start.getTime() + index * 1_000).toISOString();
  const agent = AGENTS[index % AGENTS.length];
  return `calls/${at.slice(0, 10)}/${agent}@example.com/inbound-${at.slice(11, 19).replaceAll(':', '')}.wav`;
}

/** The object key a simulator download URL points at (path style: /bucket/key; the query is redacted). */
function objectKeyOf(downloadUrl: string): string {
  const path = decodeURIComponent(new URL(downloadUrl.replace('?<redacted>', '')).pathname);
  return path.slice(path.indexOf('/', 1) + 1);
}

describe('60 recordings against the hostile Zoom scenario', () => {
  it('all end terminal, each object with at most one interaction, uncertain POSTs settled by lookup', async () => {
    // Prepare
    const start = new Date(Date.now() - 2 * 3_600_000);
    const keys = Array.from({ length: RECORDINGS }, (_, index) => keyOf(index, start));
    const queries = new RecordingQueries(runtime.clients.dynamodb, {
      tableName: runtime.config.resources.tableName,
      onUnreadable: failOnUnreadable,
    });
    const droppedAt = Date.now();
    const recordings = async (): Promise<Recording[]> => {
      const found: Recording[] = [];
      const range = { from: droppedAt - 60_000, to: Date.now() + 60_000 };
      for await (const recording of queries.byAccount(runtime.simulator.credentials.accountId, range)) {
        found.push(recording);
      }
      return found;
    };

    // Act
    for (const [index, key] of keys.entries()) {
      await s3.send(
        new PutObjectCommand({
          Bucket: runtime.recordingsBucket,
          Key: key,
          Body: callLikeWav(900 + index),
          ContentType: 'audio/wav',
        }),
      );
    }
    let finished: Recording[] = [];
    const deadline = Date.now() + 420_000;
    while (Date.now() < deadline) {
      finished = (await recordings()).filter((recording) => isTerminal(recording.status));
      if (finished.length >= RECORDINGS) break;
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }

    // Assess
    const all = await recordings();
    const byStatus = Object.fromEntries(
      [...new Set(all.map((recording) => recording.status))].map((status) => [
        status,
        all.filter((recording) => recording.status === status).length,
      ]),
    );
    const snapshot = runtime.simulator.inspect();
    const interactionsPerObject = new Map<string, number>();
    for (const interaction of snapshot.interactions) {
      if (interaction.source !== 'api' || interaction.downloadUrl === undefined) continue;
      const key = objectKeyOf(interaction.downloadUrl);
      interactionsPerObject.set(key, (interactionsPerObject.get(key) ?? 0) + 1);
    }
    const needsReview = all.filter((recording) => recording.status === 'NEEDS_REVIEW');
    console.log(
      `hostile scenario: ${all.length} recordings ${JSON.stringify(byStatus)}; ` +
        `${snapshot.calls.addInteraction.total} POSTs, ${interactionsPerObject.size} objects in Zoom, ` +
        `${snapshot.calls.listInteractions.total} listings (lookups of uncertain POSTs); NEEDS_REVIEW: ${needsReview.length}`,
    );
    expect(all).toHaveLength(RECORDINGS);
    expect(finished).toHaveLength(RECORDINGS);
    expect([...interactionsPerObject.values()].filter((count) => count > 1)).toEqual([]);
    expect(needsReview.map((recording) => `${recording.key}: ${recording.reason}`)).toEqual([]);
    for (const queue of Object.values(runtime.resources.queues)) {
      expect(await queueDepth(runtime.clients.sqs, queue.deadLetter.url)).toBe(0);
    }
  }, 480_000);
});
