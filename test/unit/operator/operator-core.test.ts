import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { confirm, startProgress, type Terminal } from '../../../cli/operator-io.ts';
import { parseEnvironmentSettings } from '../../../shared/config/environment.ts';
import { pollSettingsSchema } from '../../../shared/config/polling.ts';
import { ConfigError } from '../../../shared/errors.ts';
import { contentIdentityOf } from '../../../shared/ingest/content-identity.ts';
import { parseQueueMessage } from '../../../shared/ingest/events.ts';
import { S3RecordingObjects } from '../../../shared/ingest/object-store.ts';
import {
  announceObjects,
  type BackfillPlan,
  estimateSeconds,
  planBackfill,
  submitBudgetOf,
} from '../../../shared/operator/backfill.ts';
import { eraseRecording } from '../../../shared/operator/erase.ts';
import { remedyFor } from '../../../shared/operator/remedies.ts';
import { linkInteraction } from '../../../shared/operator/resolve.ts';
import { RETRYABLE_STATUSES, retryRecording } from '../../../shared/operator/retry.ts';
import type { Recording } from '../../../shared/recordings/recording.ts';
import { toRecordingItem } from '../../../shared/recordings/recording-item.ts';
import { ZoomNotFoundError } from '../../../shared/zoom/errors.ts';
import { aRecording } from '../recordings/recording-fixtures.ts';

const s3 = mockClient(S3Client);
const sqs = mockClient(SQSClient);
const documents = mockClient(DynamoDBDocumentClient);

afterEach(() => {
  s3.reset();
  sqs.reset();
  documents.reset();
});

const settings = parseEnvironmentSettings({
  name: 'dev',
  zoomProfiles: [{ name: 'main', secretName: 'zoom/main' }],
  defaultProfile: 'main',
  ingest: { recordingPrefixes: ['calls/'] },
});

describe('retry', () => {
  it('starts from exactly the statuses the state machine lets move to RESUBMITTED', () => {
    // Act / Assess
    expect([...RETRYABLE_STATUSES].sort()).toEqual(['FAILED', 'NEEDS_REVIEW', 'REJECTED', 'TIMED_OUT']);
  });

  it('refuses a recording that is not retryable, and changes nothing on a dry run', async () => {
    // Prepare
    const sent: unknown[] = [];
    const deps = {
      recordings: {
        transition: async (): Promise<Recording> => Promise.reject(new Error('no write expected')),
      },
      requeue: { send: async (message: unknown) => void sent.push(message) },
      clock: { now: () => 1 },
    };

    // Act
    const evaluated = await retryRecording(deps, aRecording({ status: 'EVALUATED' }), {
      reason: 'r',
      dryRun: false,
    });
    const dry = await retryRecording(deps, aRecording({ status: 'FAILED' }), { reason: 'r', dryRun: true });

    // Assess
    expect(evaluated).toMatchObject({
      kind: 'not-retryable',
      why: expect.stringContaining('EVALUATED is not retried'),
    });
    expect(dry.kind).toBe('would-retry');
    expect(sent).toEqual([]);
  });

  it('hands a recording left RESUBMITTED over again, as the same delivery', async () => {
    // Prepare
    const sent: { origin: string }[] = [];
    const deps = {
      recordings: {
        transition: async (): Promise<Recording> => Promise.reject(new Error('no write expected')),
      },
      requeue: { send: async (message: { origin: string }) => void sent.push(message) },
      clock: { now: () => 1 },
    };

    // Act
    const outcome = await retryRecording(deps, aRecording({ status: 'RESUBMITTED', submission: 4 }), {
      reason: 'r',
      dryRun: false,
    });

    // Assess
    expect(outcome.kind).toBe('handed-over-again');
    expect(sent.map((message) => message.origin)).toEqual(['operator-retry-rec-0001-4']);
  });
});

describe('resolve --interaction', () => {
  const needsReview = aRecording({ status: 'NEEDS_REVIEW', submission: 1 });
  const polling = pollSettingsSchema.parse({ firstDelaySeconds: 30 });

  it('links the interaction Zoom holds: SUBMITTED with it, first poll scheduled', async () => {
    // Prepare
    const scheduled: Recording[] = [];
    const written: unknown[] = [];

    // Act
    const outcome = await linkInteraction(
      {
        recordings: {
          findByInteraction: async () => undefined,
          transition: async (current, transition) => {
            written.push(transition);
            return { ...current, status: 'SUBMITTED', submission: 2 };
          },
        },
        zoom: () => ({ getInteraction: async () => ({}) as never }),
        pollScheduler: { schedule: async (recording) => void scheduled.push(recording) },
        polling,
        clock: { now: () => 10_000 },
      },
      needsReview,
      'int-1',
      false,
    );

    // Assess
    expect(outcome.kind).toBe('linked');
    expect(written).toEqual([
      expect.objectContaining({
        to: 'SUBMITTED',
        interactionId: 'int-1',
        poll: { nextPollDueAt: 40_000, deadlineAt: 86_410_000 },
      }),
    ]);
    expect(scheduled).toHaveLength(1);
  });

  it('refuses an interaction Zoom does not know, or one that belongs to another recording', async () => {
    // Prepare
    const deps = (owner: Recording | undefined, found: boolean) => ({
      recordings: {
        findByInteraction: async () => owner,
        transition: async (): Promise<Recording> => Promise.reject(new Error('no write expected')),
      },
      zoom: () => ({
        getInteraction: async () => {
          if (!found)
            throw new ZoomNotFoundError('not found', { operation: 'getInteraction', httpStatus: 404 });
          return {} as never;
        },
      }),
      pollScheduler: { schedule: async () => undefined },
      polling,
      clock: { now: () => 10_000 },
    });

    // Act
    const unknown = await linkInteraction(deps(undefined, false), needsReview, 'int-x', false);
    const taken = await linkInteraction(
      deps(aRecording({ recordingId: 'rec-other' }), true),
      needsReview,
      'int-y',
      false,
    );

    // Assess
    expect(unknown.kind).toBe('interaction-not-found');
    expect(taken).toMatchObject({ kind: 'interaction-taken', owner: 'rec-other' });
  });
});

describe('backfill', () => {
  const md5ETag = '"217122742becfaaed71cca5b22ac9bdd"';
  const recorded = aRecording({
    bucket: 'archive',
    key: 'calls/old/a.wav',
    contentIdentity: contentIdentityOf({ ETag: md5ETag }) ?? { kind: 'versionId', value: 'none' },
  });

  it('announces the recordings without a record, oldest first, leaving out sidecars, the window and recorded bytes', async () => {
    // Prepare
    s3.on(ListObjectsV2Command)
      .resolvesOnce({
        IsTruncated: true,
        NextContinuationToken: 'page-2',
        Contents: [
          { Key: 'calls/old/a.wav', ETag: md5ETag, Size: 10, LastModified: new Date(3_000) },
          { Key: 'calls/old/a.wav.json', ETag: '"etag-s"', Size: 1, LastModified: new Date(3_000) },
        ],
      })
      .resolves({
        Contents: [
          { Key: 'calls/old/c.wav', ETag: '"etag-c"', Size: 30, LastModified: new Date(2_000) },
          { Key: 'calls/old/b.wav', ETag: '"etag-b"', Size: 20, LastModified: new Date(1_000) },
          { Key: 'calls/old/too-old.wav', ETag: '"etag-o"', Size: 5, LastModified: new Date(10) },
        ],
      });
    s3.on(HeadObjectCommand, { Key: 'calls/old/a.wav' }).resolves({ ETag: md5ETag });
    documents.on(ScanCommand).resolves({ Items: [toRecordingItem(recorded)] });

    // Act
    const plan = await planBackfill(
      {
        s3: new S3Client({}),
        dynamodb: new DynamoDBClient({}),
        tableName: 'state',
        objects: new S3RecordingObjects(new S3Client({})),
        settings,
      },
      { bucket: 'archive', prefix: 'calls/old/', since: 500 },
    );

    // Assess
    expect(plan.objects.map((object) => object.key)).toEqual(['calls/old/b.wav', 'calls/old/c.wav']);
    expect(plan.left).toEqual({ notRecordings: 1, outsideWindow: 1, recorded: 1 });
    expect(s3.commandCalls(ListObjectsV2Command)[1]?.args[0].input.ContinuationToken).toBe('page-2');
  });

  it('drips S3 events at the rate, in batches of at most ten, each read by ingest as the object it names', async () => {
    // Prepare
    let now = 0;
    const sleeps: number[] = [];
    const plan: BackfillPlan = {
      request: { bucket: 'archive', prefix: 'calls/' },
      objects: Array.from({ length: 25 }, (_, index) => ({
        key: `calls/old/call ${index}+é.wav`,
        size: 10,
        eTag: `etag-${index}`,
        lastModified: 1_000 + index,
      })),
      left: { notRecordings: 0, outsideWindow: 0, recorded: 0 },
    };
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });

    // Act
    const result = await announceObjects(
      {
        sqs: new SQSClient({}),
        ingestQueueUrl: 'https://queue/ingest',
        region: 'eu-west-1',
        clock: { now: () => now },
        sleep: async (ms) => {
          sleeps.push(ms);
          now += ms;
        },
      },
      plan,
      10,
      () => undefined,
    );

    // Assess
    const batches = sqs.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input.Entries ?? []);
    expect(result).toEqual({ announced: 25, interrupted: false });
    expect(batches.every((entries) => entries.length <= 10)).toBe(true);
    expect(batches.flat()).toHaveLength(25);
    // 25 objects at 10/s: the last is due 2.4 s after the first.
    expect(now).toBeGreaterThanOrEqual(2_400);
    expect(now).toBeLessThan(2_600);
    const first = parseQueueMessage(batches[0]?.[0]?.MessageBody ?? '');
    expect(first).toMatchObject({
      kind: 'object-created',
      objects: [
        {
          bucket: 'archive',
          key: 'calls/old/call 0+é.wav',
          eTag: 'etag-0',
          eventName: 'ObjectCreated:Backfill',
        },
      ],
    });
  });

  it('stops between batches when asked, so a second run announces the rest', async () => {
    // Prepare
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const plan: BackfillPlan = {
      request: { bucket: 'archive', prefix: '' },
      objects: Array.from({ length: 30 }, (_, index) => ({
        key: `calls/${index}.wav`,
        size: 1,
        eTag: undefined,
        lastModified: index,
      })),
      left: { notRecordings: 0, outsideWindow: 0, recorded: 0 },
    };
    let batches = 0;
    let tick = 0;

    // Act
    const result = await announceObjects(
      {
        sqs: new SQSClient({}),
        ingestQueueUrl: 'q',
        region: 'r',
        clock: { now: () => (tick += 1_000) },
        sleep: async () => undefined,
      },
      plan,
      1_000,
      () => {
        batches += 1;
      },
      () => batches >= 1,
    );

    // Assess
    expect(result).toEqual({ announced: 10, interrupted: true });
  });

  it("takes the profile's budget for submissions and estimates days past the daily cap", () => {
    // Act
    const budget = submitBudgetOf(settings, 'archive', []);

    // Assess: Pro's HEAVY 10/s and 30,000/day, half of it qm-ingest's
    expect(budget).toEqual({ perSecond: 5, perDay: 15_000 });
    expect(estimateSeconds(100, 5, 15_000)).toBe(20);
    expect(estimateSeconds(31_000, 5, 15_000)).toBe(2 * 86_400 + 200);
  });
});

describe('erase', () => {
  it('deletes every item of the recording, its results and object versions, the recording item last, then writes an audit entry without the key', async () => {
    // Prepare
    const base = aRecording({ status: 'EVALUATED', interactionId: 'int-9' });
    const recording = {
      ...base,
      history: [
        ...base.history,
        {
          at: Date.parse('2026-11-24T10:05:00Z'),
          from: 'SUBMITTED',
          to: 'EVALUATED',
          reason: 'done',
          submission: 1,
        },
      ],
    } satisfies typeof base;
    documents.on(QueryCommand).resolves({
      Items: [
        { pk: 'REC#rec-0001', sk: 'NOTIFICATION#rec-0001-1' },
        { pk: 'REC#rec-0001', sk: 'RECORDING' },
        { pk: 'REC#rec-0001', sk: 'RESULTS#r1' },
      ],
    });
    s3.on(ListObjectsV2Command, { Bucket: 'results', Prefix: 'results/rec-0001/' }).resolves({
      Contents: [{ Key: 'results/rec-0001/r1/results.json' }],
    });
    // The BI export's row of the recording's ending, in the partition of its date.
    s3.on(ListObjectsV2Command, {
      Bucket: 'results',
      Prefix: 'export/results/dt=2026-11-24/rec-0001-s1-',
    }).resolves({
      Contents: [{ Key: 'export/results/dt=2026-11-24/rec-0001-s1-r1.jsonl.gz' }],
    });
    s3.on(ListObjectVersionsCommand, { Prefix: recording.key }).resolves({
      Versions: [
        { Key: recording.key, VersionId: 'v1' },
        { Key: `${recording.key}.other`, VersionId: 'v9' },
      ],
      DeleteMarkers: [{ Key: recording.key, VersionId: 'm1' }],
    });
    s3.on(ListObjectVersionsCommand, { Prefix: `${recording.key}.json` }).resolves({
      Versions: [{ Key: `${recording.key}.json`, VersionId: 's1' }],
    });
    s3.on(DeleteObjectCommand).resolves({});
    documents.on(DeleteCommand).resolves({});
    documents.on(PutCommand).resolves({});

    // Act
    const report = await eraseRecording(
      {
        dynamodb: new DynamoDBClient({}),
        s3: new S3Client({}),
        tableName: 'state',
        resultsBucket: 'results',
        resultsKeyPrefix: 'results/',
        exportKeyPrefix: 'export/results/',
        clock: { now: () => Date.parse('2026-12-01T10:00:00Z') },
      },
      recording,
      { withObject: true, sidecarKey: `${recording.key}.json`, operator: 'ops@host', dryRun: false },
    );

    // Assess
    expect(report).toEqual({
      recordingId: 'rec-0001',
      items: 3,
      resultsObjects: 2,
      recordingObjects: 3,
      zoom: { accountId: 'acct-1', interactionId: 'int-9' },
      dryRun: false,
    });
    expect(
      s3
        .commandCalls(DeleteObjectCommand)
        .map((call) => [call.args[0].input.Key, call.args[0].input.VersionId]),
    ).toEqual([
      ['results/rec-0001/r1/results.json', undefined],
      ['export/results/dt=2026-11-24/rec-0001-s1-r1.jsonl.gz', undefined],
      [recording.key, 'v1'],
      [recording.key, 'm1'],
      [`${recording.key}.json`, 's1'],
    ]);
    expect(documents.commandCalls(DeleteCommand).map((call) => call.args[0].input.Key?.['sk'])).toEqual([
      'NOTIFICATION#rec-0001-1',
      'RESULTS#r1',
      'RECORDING',
    ]);
    const audit = documents.commandCalls(PutCommand)[0]?.args[0].input.Item;
    expect(audit).toMatchObject({
      pk: 'AUDIT',
      sk: 'ERASE#2026-12-01T10:00:00.000Z#rec-0001',
      operator: 'ops@host',
      recordingId: 'rec-0001',
      interactionId: 'int-9',
    });
    expect(JSON.stringify(audit)).not.toContain('jane.doe');
  });

  it('changes nothing on a dry run', async () => {
    // Prepare
    documents.on(QueryCommand).resolves({ Items: [{ pk: 'REC#rec-0001', sk: 'RECORDING' }] });
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });

    // Act
    const report = await eraseRecording(
      {
        dynamodb: new DynamoDBClient({}),
        s3: new S3Client({}),
        tableName: 'state',
        resultsBucket: 'results',
        resultsKeyPrefix: '',
        exportKeyPrefix: 'export/results/',
        clock: { now: () => 1 },
      },
      aRecording(),
      { withObject: false, sidecarKey: 'x', operator: 'ops', dryRun: true },
    );

    // Assess
    expect(report).toMatchObject({ items: 1, dryRun: true });
    expect(documents.commandCalls(DeleteCommand)).toEqual([]);
    expect(documents.commandCalls(PutCommand)).toEqual([]);
    expect(s3.commandCalls(DeleteObjectCommand)).toEqual([]);
  });
});

describe('remedies', () => {
  it.each([
    ['FAILED', undefined, ['qm-ingest retry rec-0001 --env prod']],
    ['REJECTED', 'invalid-metadata', ['qm-ingest retry rec-0001 --env prod']],
    ['REJECTED', 'unsupported-type', []],
    ['REJECTED', 'object-deleted', []],
    ['EVALUATION_FAILED', undefined, []],
    [
      'NEEDS_REVIEW',
      'stuck',
      [
        'qm-ingest resolve rec-0001 --interaction <interaction-id> --env prod',
        'qm-ingest resolve rec-0001 --resubmit --env prod',
      ],
    ],
  ] as const)('%s (%s): %j', (status, code, commands) => {
    // Act
    const remedy = remedyFor({ recordingId: 'rec-0001', status }, 'prod', code);

    // Assess
    expect(remedy?.commands).toEqual(commands);
    expect(remedy?.advice).not.toBe('');
  });

  it('has none for a recording that is fine', () => {
    // Act / Assess
    expect(remedyFor({ recordingId: 'rec-0001', status: 'EVALUATED' }, 'prod')).toBeUndefined();
  });
});

describe('confirmation and progress', () => {
  const terminal = (tty: boolean, answer = 'y'): Terminal & { written: string[] } => {
    const written: string[] = [];
    return {
      stdinIsTty: tty,
      stderrIsTty: tty,
      ask: async () => answer,
      write: (text) => void written.push(text),
      written,
    };
  };

  it('refuses without a terminal unless --yes, and asks on one', async () => {
    // Act
    const refused = confirm('Retry 3 recordings?', false, terminal(false));
    const forced = await confirm('Retry 3 recordings?', true, terminal(false));
    const declined = await confirm('Retry 3 recordings?', false, terminal(true, 'n'));
    const accepted = await confirm('Retry 3 recordings?', false, terminal(true, 'yes'));

    // Assess
    await expect(refused).rejects.toThrow(ConfigError);
    await expect(refused).rejects.toThrow('pass --yes');
    expect([forced, declined, accepted]).toEqual([true, false, true]);
  });

  it('draws a bar on a terminal and writes a plain line per tenth otherwise', () => {
    // Prepare
    const tty = terminal(true);
    const plain = terminal(false);

    // Act
    for (const output of [tty, plain]) {
      const progress = startProgress('announced', 20, output);
      for (let done = 1; done <= 20; done += 1) progress.update(done);
      progress.finish();
    }

    // Assess
    expect(tty.written[0]).toMatch(/^\r\[#{2}\.{28}\] announced: 1\/20$/);
    expect(tty.written.at(-1)).toBe('\n');
    expect(plain.written.every((line) => /^announced: \d+\/20\n$/.test(line))).toBe(true);
    expect(plain.written).toHaveLength(11);
    expect(plain.written.at(-1)).toBe('announced: 20/20\n');
  });
});
