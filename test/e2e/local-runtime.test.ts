import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callLikeWav, DEMO_SCENARIO_FILE } from '../../local/demo/index.ts';
import {
  dataPaths,
  type LocalRuntime,
  portsFromBase,
  type RuntimeEvent,
  readRuntimeState,
  startLocalRuntime,
} from '../../local/runtime/index.ts';
import type { RecordingFinishedMessage } from '../../shared/notify/messages.ts';
import { RecordingQueries } from '../../shared/recordings/queries.ts';
import type { Recording } from '../../shared/recordings/recording.ts';
import { RecordingRepository } from '../../shared/recordings/repository.ts';
import { zoomTokenKey } from '../../shared/table/keys.ts';
import { isRunning, portOf, refusesConnections } from '../helpers/local-runtime-process.ts';
import { queueDepth } from '../helpers/local-stack.ts';
import { s3ClientOf } from '../helpers/runtime-s3.ts';
import { failOnUnreadable } from '../helpers/unreadable-items.ts';

/**
 * The local runtime, started through its programmatic API and used as a user uses it: recordings
 * dropped into its bucket with a plain S3 client (object metadata, or a sidecar that arrives after
 * its recording), followed to their end through the state table, the notifications and the alerts
 * its subscription receives. Then stopped: nothing it started may be left. The demo scenario makes
 * every outcome deterministic (the key chooses it).
 */

let runtime: LocalRuntime;
let dataDir: string;
let s3: S3Client;
const events: RuntimeEvent[] = [];
const today = new Date().toISOString().slice(0, 10);
const startTime = `${new Date(Date.now() - 3_600_000).toISOString().slice(0, 19)}Z`;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'qm-e2e-runtime-'));
  runtime = await startLocalRuntime({
    dataDir,
    ports: portsFromBase(0),
    scenario: DEMO_SCENARIO_FILE,
    timing: 'demo',
  });
  runtime.onEvent((event) => events.push(event));
  s3 = s3ClientOf(runtime);
});

afterAll(async () => {
  s3?.destroy();
  await runtime?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Resolves once `find` finds something, asking again every 200 ms; `what` says what was awaited, and what was seen. */
async function eventuallyAsync<T>(
  find: () => Promise<T | undefined>,
  timeoutMs: number,
  what: () => string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`${what()} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Resolves once `find` finds something in the events so far, or in those to come. */
async function eventually<T>(find: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function progressOf(key: string): Extract<RuntimeEvent, { kind: 'progress' }>[] {
  return events.filter(
    (event): event is Extract<RuntimeEvent, { kind: 'progress' }> =>
      event.kind === 'progress' && event.recording.key === key,
  );
}

/** The recording id of `key`, once the pipeline has recorded it. */
function recordingIdOf(key: string): string | undefined {
  return progressOf(key)[0]?.recording.recordingId;
}

function outcomeOf(key: string): RecordingFinishedMessage | undefined {
  const id = recordingIdOf(key);
  for (const event of events) {
    if (event.kind === 'outcome' && event.message.recordingId === id) return event.message;
  }
  return undefined;
}

function alertOf(key: string): Extract<RuntimeEvent, { kind: 'alert' }> | undefined {
  const id = recordingIdOf(key);
  return events.find(
    (event): event is Extract<RuntimeEvent, { kind: 'alert' }> =>
      event.kind === 'alert' && event.recordingId === id,
  );
}

async function recordOf(key: string): Promise<Recording> {
  const id = recordingIdOf(key);
  const recording =
    id === undefined
      ? undefined
      : await new RecordingRepository(runtime.clients.dynamodb, {
          tableName: runtime.config.resources.tableName,
        }).get(id);
  if (recording === undefined) throw new Error(`No record of ${key}`);
  return recording;
}

describe('the local runtime', () => {
  it('creates its resources from the definitions the stack deploys, and records where they are', () => {
    // Assess
    expect(runtime.recordingsBucket).toBe('qm-local-recordings-000000000000-us-east-1');
    expect(runtime.existingBucket).toBe('qm-local-existing-recordings-000000000000-us-east-1');
    expect(runtime.config.resources.tableName).toBe(runtime.definitions.names.table);
    expect(runtime.resources.queues.ingest.url).toContain(runtime.definitions.queues.ingest.name);
    expect(runtime.resources.queues.ingest.deadLetter.url).toContain(
      runtime.definitions.queues.ingest.deadLetterQueue.name,
    );
    expect(readRuntimeState(dataPaths(dataDir))).toMatchObject({
      pid: process.pid,
      tableName: 'qm-ingest-local-state',
      endpoints: { dynamodb: runtime.endpoints.dynamodb, zoom: runtime.simulator.origin },
    });
  });

  it('takes a recording dropped with object metadata to EVALUATED: its record, its download by Zoom and its notification with scores', async () => {
    // Prepare
    const key = `calls/${today}/e2e-metadata.wav`;

    // Act
    await s3.send(
      new PutObjectCommand({
        Bucket: runtime.recordingsBucket,
        Key: key,
        Body: callLikeWav(501),
        ContentType: 'audio/wav',
        Metadata: {
          'agent-email': 'jane.doe@example.com',
          'start-time': startTime,
          direction: 'inbound',
          'queue-id': 'q-support',
        },
      }),
    );
    const notification = await eventually(() => outcomeOf(key), 60_000, `the notification of ${key}`);

    // Assess
    expect(notification.status).toBe('EVALUATED');
    expect(notification.details).toMatchObject({
      evaluations: [expect.objectContaining({ type: 'automated', totalScore: expect.any(Number) })],
    });
    const record = await recordOf(key);
    expect(record).toMatchObject({
      status: 'EVALUATED',
      interactionId: notification.interactionId,
      metadata: { agentEmail: 'jane.doe@example.com', direction: 'inbound', queueId: 'q-support', startTime },
    });
    expect(record.history.map((entry) => entry.to)).toEqual([
      'RECEIVED',
      'SUBMITTING',
      'SUBMITTED',
      'EVALUATED',
    ]);
    // Each step is reported before the end it leads to.
    const progress = progressOf(key);
    expect(progress.map((event) => event.entry.to)).toEqual([
      'RECEIVED',
      'SUBMITTING',
      'SUBMITTED',
      'EVALUATED',
    ]);
    const downloads = runtime.simulator
      .inspect()
      .downloads.filter((download) => download.url.includes('e2e-metadata.wav'));
    expect(downloads).toEqual([
      expect.objectContaining({
        interactionId: notification.interactionId,
        result: expect.objectContaining({ outcome: 'ok' }),
      }),
    ]);
    expect(alertOf(key)).toBeUndefined();
  });

  it('holds a recording without metadata until its sidecar arrives, then evaluates it with the sidecar metadata', async () => {
    // Prepare
    const key = `calls/${today}/e2e-late-sidecar.wav`;
    await s3.send(
      new PutObjectCommand({
        Bucket: runtime.recordingsBucket,
        Key: key,
        Body: callLikeWav(502),
        ContentType: 'audio/wav',
      }),
    );
    await eventually(() => progressOf(key)[0], 20_000, `the claim of ${key}`);

    // Act
    await s3.send(
      new PutObjectCommand({
        Bucket: runtime.recordingsBucket,
        Key: `${key}.json`,
        Body: JSON.stringify({
          agent_email: 'sam.lee@example.com',
          direction: 'outbound',
          queue_id: 'q-sales',
        }),
        ContentType: 'application/json',
      }),
    );
    const notification = await eventually(() => outcomeOf(key), 60_000, `the notification of ${key}`);

    // Assess
    expect(notification.status).toBe('EVALUATED');
    const record = await recordOf(key);
    expect(record.metadata).toMatchObject({
      agentEmail: 'sam.lee@example.com',
      direction: 'outbound',
      queueId: 'q-sales',
    });
    expect(record.history[0]?.to).toBe('RECEIVED');
  });

  it('ends an interaction whose evaluation fails in Zoom EVALUATION_FAILED, with its notification and an alert', async () => {
    // Prepare
    const key = `calls/${today}/e2e-fail-evaluation.wav`;

    // Act
    await s3.send(
      new PutObjectCommand({
        Bucket: runtime.recordingsBucket,
        Key: key,
        Body: callLikeWav(503),
        ContentType: 'audio/wav',
        Metadata: { 'agent-email': 'ana.silva@example.com' },
      }),
    );
    const alert = await eventually(() => alertOf(key), 60_000, `the alert of ${key}`);

    // Assess
    expect(outcomeOf(key)?.status).toBe('EVALUATION_FAILED');
    expect(alert.subject).toBe('qm-ingest local: recording EVALUATION_FAILED');
    expect(alert.body).toContain('Why: ');
    expect((await recordOf(key)).status).toBe('EVALUATION_FAILED');
  });

  it('rejects an empty recording with its reason, a notification and an alert, and never calls Zoom for it', async () => {
    // Prepare
    const key = `calls/${today}/e2e-empty.wav`;

    // Act
    await s3.send(
      new PutObjectCommand({
        Bucket: runtime.recordingsBucket,
        Key: key,
        Body: Buffer.alloc(0),
        ContentType: 'audio/wav',
        Metadata: { 'agent-email': 'jane.doe@example.com' },
      }),
    );
    const alert = await eventually(() => alertOf(key), 30_000, `the alert of ${key}`);

    // Assess
    expect(outcomeOf(key)).toMatchObject({ status: 'REJECTED', details: { code: 'zero-bytes' } });
    expect(alert.body).toContain('The object is empty');
    expect((await recordOf(key)).interactionId).toBeUndefined();
    expect(
      runtime.simulator.inspect().downloads.some((download) => download.url.includes('e2e-empty.wav')),
    ).toBe(false);
  });

  it('takes odd keys (+, %, spaces, :, non-ASCII, a literal %2B) to one record each, by S3 notifications and through EventBridge alike, with nothing in a dead-letter queue', async () => {
    // Prepare
    // EventBridge events carry whole seconds: a recording's drop time may be up to 1 s before now.
    const droppedFrom = Math.floor(Date.now() / 1_000) * 1_000;
    const names = [
      'eb/inbound call+42 100%.wav',
      'a%2Bb literal.wav',
      '12:30:59 meeting.wav',
      'Zoë 电话.wav',
      'x+y %41 a+b.wav',
    ];
    const drops = [runtime.recordingsBucket, runtime.existingBucket].flatMap((bucket, bucketIndex) =>
      names.map((name, nameIndex) => ({
        bucket,
        key: `calls/odd/${name}`,
        body: callLikeWav(600 + bucketIndex * names.length + nameIndex),
      })),
    );
    const queries = new RecordingQueries(runtime.clients.dynamodb, {
      tableName: runtime.config.resources.tableName,
      onUnreadable: failOnUnreadable,
    });
    const dropped = async (): Promise<Recording[]> => {
      const found: Recording[] = [];
      const range = { from: droppedFrom, to: Date.now() + 60_000 };
      for await (const recording of queries.byAccount(runtime.simulator.credentials.accountId, range)) {
        if (recording.key.startsWith('calls/odd/')) found.push(recording);
      }
      return found;
    };

    // Act
    for (const drop of drops) {
      await s3.send(
        new PutObjectCommand({
          Bucket: drop.bucket,
          Key: drop.key,
          Body: drop.body,
          ContentType: 'audio/wav',
          Metadata: { 'agent-email': 'jane.doe@example.com', 'start-time': startTime, direction: 'inbound' },
        }),
      );
    }
    let seen: Recording[] = [];
    const records = await eventuallyAsync(
      async () => {
        seen = await dropped();
        return seen.length >= drops.length && seen.every((record) => record.status === 'EVALUATED')
          ? seen
          : undefined;
      },
      90_000,
      () =>
        `Every odd key EVALUATED (seen: ${JSON.stringify(seen.map((record) => [record.bucket, record.key, record.status, record.reason]))}; problems: ${JSON.stringify(events.filter((event) => event.kind === 'problem'))})`,
    );

    // Assess
    const recordsByObject = (bucket: string, key: string) =>
      records.filter((record) => record.bucket === bucket && record.key === key);
    expect(drops.map((drop) => recordsByObject(drop.bucket, drop.key).length)).toEqual(drops.map(() => 1));
    expect(records).toHaveLength(drops.length);
    const downloadedPaths = runtime.simulator.inspect().downloads.map((download) => ({
      ...download,
      path: decodeURIComponent(new URL(download.url).pathname),
    }));
    for (const drop of drops) {
      const [record] = recordsByObject(drop.bucket, drop.key);
      const interactions = new Set(
        downloadedPaths
          .filter((download) => download.path === `/${drop.bucket}/${drop.key}`)
          .map((download) => download.interactionId),
      );
      expect({ key: drop.key, interactions: [...interactions] }).toEqual({
        key: drop.key,
        interactions: [record?.interactionId],
      });
    }
    const { queues } = runtime.resources;
    const deadLetters = await Promise.all(
      [queues.ingest.deadLetter, queues.poll.deadLetter].map((queue) =>
        queueDepth(runtime.clients.sqs, queue.url),
      ),
    );
    expect(deadLetters).toEqual([0, 0]);
    expect(events.filter((event) => event.kind === 'problem' && event.at >= droppedFrom)).toEqual([]);
  });

  it('stops everything it started, and a later run on the same data finds its records and objects again', async () => {
    // Prepare
    const key = `calls/${today}/e2e-metadata.wav`;
    const recordingId = recordingIdOf(key) ?? '';
    const childPids = [...runtime.childPids];
    const ports = [...Object.values(runtime.endpoints), runtime.simulator.origin].map(portOf);

    // Act
    await runtime.stop();
    const stoppedState = readRuntimeState(dataPaths(dataDir));
    runtime = await startLocalRuntime({
      dataDir,
      ports: portsFromBase(0),
      scenario: DEMO_SCENARIO_FILE,
      timing: 'demo',
    });

    // Assess
    expect(childPids.length).toBeGreaterThan(0);
    expect(childPids.filter(isRunning)).toEqual([]);
    expect(await Promise.all(ports.map(refusesConnections))).toEqual(ports.map(() => true));
    expect(stoppedState?.pid).toBeNull();
    const again = await new RecordingRepository(runtime.clients.dynamodb, {
      tableName: runtime.config.resources.tableName,
    }).get(recordingId);
    expect(again?.status).toBe('EVALUATED');
    const object = await runtime.clients.s3.send(
      new GetObjectCommand({ Bucket: runtime.recordingsBucket, Key: key }),
    );
    expect(object.ContentLength).toBe(callLikeWav(501).length);
    // The previous run's Zoom token named its simulator, now gone: the new run never uses it.
    const token = await runtime.clients.dynamodb.send(
      new GetItemCommand({
        TableName: runtime.config.resources.tableName,
        Key: marshall(zoomTokenKey(runtime.simulator.credentials.accountId)),
      }),
    );
    const apiUrl = token.Item === undefined ? undefined : unmarshall(token.Item)['apiUrl'];
    expect([undefined, runtime.simulator.origin]).toContain(apiUrl);
  });
});
