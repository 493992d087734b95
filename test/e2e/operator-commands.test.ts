import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, startLocalAws } from '../../local/aws/index.ts';
import { dataPaths, type RuntimeState, readRuntimeState } from '../../local/runtime/index.ts';
import { encodeS3EventKey } from '../../shared/ingest/s3-event-key.ts';
import { type CliRun, runCli, startCli } from '../helpers/local-runtime-process.ts';

/**
 * The operator commands as a user runs them against `qm-ingest local` (a child process), with a
 * plain S3 client: a recording REJECTED for missing metadata is retried once its sidecar is there;
 * objects written while the runtime was stopped come in through a DLQ message and `redrive`, and
 * through `backfill`, each once; `erase --with-object` leaves nothing behind.
 */

const dataDir = mkdtempSync(join(tmpdir(), 'qm-e2e-operator-'));
const paths = dataPaths(dataDir);
const today = new Date().toISOString().slice(0, 10);
const folder = `calls/${today}/operator`;
const wav = (): Buffer => readFileSync(join(paths.samples, 'call.wav'));
let runtime: CliRun | undefined;

/**
 * Starts the runtime on free ports; a restart keeps the simulator's port, which the Zoom token
 * shared in the table names (its api_url).
 */
function startRuntime(): Promise<string> {
  const zoom = readRuntimeState(paths)?.endpoints['zoom'];
  const zoomPort = zoom === undefined ? [] : ['--port-zoom', new URL(zoom).port];
  runtime = startCli(['local', '--ports', '0', ...zoomPort, '--data-dir', dataDir, '--scenario', 'fast']);
  return runtime.waitForLine(/^Watching recordings/, 90_000);
}

async function stopRuntime(): Promise<void> {
  const run = runtime;
  if (run !== undefined && run.child.exitCode === null && run.child.signalCode === null) {
    run.child.kill('SIGINT');
    await run.exited;
  }
}

function state(): RuntimeState {
  const found = readRuntimeState(paths);
  if (found === undefined) throw new Error('no runtime state');
  return found;
}

function s3Of(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: state().region,
    forcePathStyle: true,
    credentials: LOCAL_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
}

/** How many interactions the simulator created through the API (its control API's snapshot). */
async function interactionsCreated(): Promise<number> {
  const response = await fetch(`${state().endpoints['zoom']}/_simulator/inspect`);
  const snapshot = (await response.json()) as { interactions: { source: string }[] };
  return snapshot.interactions.filter((interaction) => interaction.source === 'api').length;
}

/** The outcome line the runtime prints for `key` reaching `status`. */
function outcome(status: string, key: string): RegExp {
  return new RegExp(`\\s${status}\\s+${key.replaceAll('.', '\\.')}\\s`);
}

async function statusOf(
  key: string,
): Promise<{ code: number | null; recordings: Record<string, unknown>[] }> {
  const shown = await runCli(['status', key, '--data-dir', dataDir, '--json']);
  return {
    code: shown.code,
    recordings:
      shown.code === 0
        ? (JSON.parse(shown.stdout) as { recording: Record<string, unknown> }[]).map(
            (found) => found.recording,
          )
        : [],
  };
}

beforeAll(async () => {
  await startRuntime();
}, 120_000);

afterAll(async () => {
  await stopRuntime();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('qm-ingest retry', () => {
  it('takes a recording REJECTED for missing metadata, once its sidecar is there, to EVALUATED with one new interaction', async () => {
    // Prepare: a recording without metadata, rejected once the sidecar wait is over
    const run = runtime as CliRun;
    const key = `${folder}/no-metadata.wav`;
    const s3 = s3Of(state().endpoints['s3'] ?? '');
    await s3.send(
      new PutObjectCommand({
        Bucket: state().recordingsBucket,
        Key: key,
        Body: wav(),
        ContentType: 'audio/wav',
      }),
    );
    await run.waitForLine(outcome('REJECTED', key), 120_000);
    const rejected = await runCli(['status', key, '--data-dir', dataDir]);
    await s3.send(
      new PutObjectCommand({
        Bucket: state().recordingsBucket,
        Key: `${key}.json`,
        Body: JSON.stringify({ agent_email: 'sam.lee@example.com', direction: 'outbound' }),
      }),
    );
    s3.destroy();
    const createdBefore = await interactionsCreated();

    // Act
    const retried = await runCli(['retry', key, '--data-dir', dataDir]);
    await run.waitForLine(outcome('EVALUATED', key), 60_000);
    const after = await statusOf(key);
    const createdAfter = await interactionsCreated();

    // Assess
    expect(rejected.stdout).toContain('status    REJECTED');
    expect(rejected.stdout).toMatch(/remedy .*\n\s+qm-ingest retry \S+\n/);
    expect(retried.code).toBe(0);
    expect(retried.stdout).toMatch(/^retried \S+ \(.*no-metadata\.wav\): RESUBMITTED as submission 2/);
    expect(after.recordings).toHaveLength(1);
    expect(createdAfter - createdBefore).toBe(1);
    const [recording] = after.recordings;
    expect(recording).toMatchObject({
      status: 'EVALUATED',
      submission: 2,
      metadata: { agentEmail: 'sam.lee@example.com' },
    });
    const history = recording?.['history'] as { to: string }[];
    expect(history.map((entry) => entry.to)).toEqual([
      'RECEIVED',
      'REJECTED',
      'RESUBMITTED',
      'SUBMITTING',
      'SUBMITTED',
      'EVALUATED',
    ]);
  }, 240_000);
});

describe('redrive and backfill of objects written while the runtime was stopped', () => {
  const keys = [0, 1, 2].map((index) => `${folder}/archived-${index}.wav`);

  it('redrive brings a message pushed into the ingest DLQ back, and it is processed', async () => {
    // Prepare: the runtime stops; objects are written to its bucket meanwhile (no event reaches it)
    await stopRuntime();
    const offline = await startLocalAws({ services: ['s3'], dataDir: paths.aws, region: state().region });
    const offlineS3 = s3Of(offline.endpoints.s3);
    for (const key of keys) {
      await offlineS3.send(
        new PutObjectCommand({
          Bucket: state().recordingsBucket,
          Key: key,
          Body: wav(),
          ContentType: 'audio/wav',
          Metadata: { 'agent-email': 'jane.doe@example.com', direction: 'inbound' },
        }),
      );
    }
    offlineS3.destroy();
    await offline.stop();
    await startRuntime();
    const sqs = new SQSClient({
      endpoint: state().endpoints['sqs'],
      region: state().region,
      credentials: LOCAL_CREDENTIALS,
    });
    const [first = ''] = keys;
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: state().queues?.ingestDeadLetter,
        MessageBody: JSON.stringify({
          Records: [
            {
              eventSource: 'aws:s3',
              eventName: 'ObjectCreated:Put',
              eventTime: new Date().toISOString(),
              s3: { bucket: { name: state().recordingsBucket }, object: { key: encodeS3EventKey(first) } },
            },
          ],
        }),
      }),
    );
    sqs.destroy();
    const before = await runCli(['redrive', '--data-dir', dataDir, '--dry-run', '--json']);

    // Act
    const refused = await runCli(['redrive', '--data-dir', dataDir]);
    const redriven = await runCli(['redrive', '--data-dir', dataDir, '--yes', '--json']);
    await (runtime as CliRun).waitForLine(outcome('EVALUATED', first), 60_000);
    const after = await runCli(['redrive', '--data-dir', dataDir, '--dry-run', '--json']);

    // Assess
    expect(JSON.parse(before.stdout).queues).toContainEqual(
      expect.objectContaining({ name: 'ingest', waiting: 1 }),
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('No terminal to confirm on: pass --yes');
    expect(redriven.code).toBe(0);
    expect(JSON.parse(redriven.stdout).queues).toContainEqual(
      expect.objectContaining({ name: 'ingest', moved: 1, failed: 0 }),
    );
    expect(JSON.parse(after.stdout).queues).toContainEqual(
      expect.objectContaining({ name: 'ingest', waiting: 0 }),
    );
    expect((await statusOf(first)).recordings).toEqual([expect.objectContaining({ status: 'EVALUATED' })]);
  }, 300_000);

  it('backfill ingests each object that has no record exactly once, and a second run does nothing', async () => {
    // Prepare
    const location = `s3://${state().recordingsBucket}/${folder}/`;
    const dryRun = await runCli(['backfill', location, '--data-dir', dataDir, '--dry-run', '--json']);

    // Act
    const backfilled = await runCli(['backfill', location, '--data-dir', dataDir, '--yes', '--json']);
    for (const key of keys.slice(1)) {
      await (runtime as CliRun).waitForLine(outcome('EVALUATED', key), 60_000);
    }
    const again = await runCli(['backfill', location, '--data-dir', dataDir, '--yes', '--json']);
    const statuses = await Promise.all(keys.map(statusOf));

    // Assess: the two objects without a record (the retried one and the redriven one have theirs)
    expect(JSON.parse(dryRun.stdout)).toMatchObject({
      dryRun: true,
      toIngest: 2,
      announced: 0,
      left: { recorded: 2 },
    });
    expect(dryRun.stdout).not.toContain('EVALUATED');
    expect(backfilled.code).toBe(0);
    expect(JSON.parse(backfilled.stdout)).toMatchObject({
      toIngest: 2,
      announced: 2,
      budget: { perSecond: 5 },
    });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ toIngest: 0, announced: 0, left: { recorded: 4 } });
    for (const found of statuses) {
      expect(found.recordings).toEqual([expect.objectContaining({ status: 'EVALUATED', submission: 1 })]);
    }
    const submitted = (runtime as CliRun).lines.filter((line) => /\sSUBMITTED\s+\S+archived-/.test(line));
    expect(submitted).toHaveLength(3);
  }, 180_000);
});

describe('qm-ingest erase --with-object', () => {
  it('leaves nothing of the recording in the table, the results bucket or the recordings bucket', async () => {
    // Prepare
    const key = `${folder}/no-metadata.wav`;
    const [recording] = (await statusOf(key)).recordings;
    const recordingId = String(recording?.['recordingId']);
    const dynamodb = new DynamoDBClient({
      endpoint: state().endpoints['dynamodb'],
      region: state().region,
      credentials: LOCAL_CREDENTIALS,
    });
    const s3 = s3Of(state().endpoints['s3'] ?? '');
    const items = () =>
      dynamodb.send(
        new QueryCommand({
          TableName: state().tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: `REC#${recordingId}` } },
        }),
      );
    const results = () =>
      s3
        .send(new ListObjectsV2Command({ Bucket: state().resultsBucket, Prefix: '' }))
        .then((listed) => (listed.Contents ?? []).filter((object) => object.Key?.includes(recordingId)));
    const exists = (objectKey: string) =>
      s3.send(new HeadObjectCommand({ Bucket: state().recordingsBucket, Key: objectKey })).then(
        () => true,
        () => false,
      );
    const itemsBefore = (await items()).Count;
    const resultsBefore = (await results()).length;

    // Act
    const erased = await runCli(['erase', key, '--with-object', '--data-dir', dataDir, '--json']);
    const shown = await runCli(['status', key, '--data-dir', dataDir]);

    // Assess
    expect(itemsBefore).toBeGreaterThanOrEqual(2);
    expect(resultsBefore).toBeGreaterThanOrEqual(1);
    expect(erased.code).toBe(0);
    expect(JSON.parse(erased.stdout).erased).toEqual([
      expect.objectContaining({
        recordingId,
        recordingObjects: 2,
        zoom: expect.objectContaining({ interactionId: recording?.['interactionId'] }),
      }),
    ]);
    expect(shown.code).toBe(1);
    expect((await items()).Count).toBe(0);
    expect(await results()).toEqual([]);
    expect(await exists(key)).toBe(false);
    expect(await exists(`${key}.json`)).toBe(false);
    const audit = await dynamodb.send(
      new ScanCommand({
        TableName: state().tableName,
        FilterExpression: '#type = :audit',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':audit': { S: 'AUDIT' } },
      }),
    );
    expect(audit.Items).toEqual([
      expect.objectContaining({ recordingId: { S: recordingId }, action: { S: 'erase' } }),
    ]);
    expect(JSON.stringify(audit.Items)).not.toContain('no-metadata');
    dynamodb.destroy();
    s3.destroy();
  }, 60_000);
});
