import { gunzipSync } from 'node:zlib';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { Reconciler } from '../../../shared/polling/reconciler.ts';
import type { Recording } from '../../../shared/recordings/recording.ts';
import {
  EXPORT_FAILURES_METRIC,
  exportObjectKey,
  exportRow,
  ResultsExporter,
} from '../../../shared/results/bi-export.ts';
import { EXPORT_COLUMNS } from '../../../shared/results/bi-export-columns.ts';
import type { RecordingResults } from '../../../shared/results/results.ts';
import { DEFAULT_KEY, ingestHarness } from '../../helpers/ingest-harness.ts';
import { RecordingPublisher } from '../../helpers/polling-publisher.ts';
import { RecordingScheduler, TestClock } from '../polling/support/fakes.ts';
import {
  aSubmittedRecording,
  automatedList,
  HOUR,
  interactionDetail,
  MINUTE,
  pollSettings,
  SUBMITTED_AT,
} from '../polling/support/fixtures.ts';
import { InMemoryRecordings } from '../polling/support/in-memory-recordings.ts';
import { pollHarness } from '../polling/support/poll-harness.ts';
import { lateChecksOf, stuckWatchOf } from '../polling/support/status-index.ts';
import { FIXED_RECORDINGS } from '../report/support/finished-recordings.ts';

const s3 = mockClient(S3Client);
beforeEach(() => s3.reset());

function fixed(id: string): { recording: Recording; results: RecordingResults | undefined } {
  const found = FIXED_RECORDINGS.find((entry) => entry.recording.recordingId === id);
  if (found === undefined) throw new Error(`no fixed recording ${id}`);
  return found;
}

describe('the BI export row', () => {
  it('has exactly the columns of the Glue table, in order', () => {
    // Prepare
    const { recording, results } = fixed('a');

    // Act
    const row = exportRow(recording, results, { includePersonalData: false });

    // Assess
    expect(Object.keys(row)).toEqual(EXPORT_COLUMNS.map((column) => column.name));
  });

  it("holds the recording's outcome, timings and each evaluation's score as the report computes it", () => {
    // Prepare
    const { recording, results } = fixed('a');

    // Act
    const row = exportRow(recording, results, { includePersonalData: false });

    // Assess
    expect(row).toMatchObject({
      recording_id: 'a',
      submission: 1,
      results_revision: 1,
      status: 'EVALUATED',
      failure_reason: null,
      agent: 'Jane Doe',
      queue: 'Sales',
      dropped_at: '2026-11-23T09:00:00.000Z',
      submitted_at: '2026-11-23T09:00:10.000Z',
      result_at: '2026-11-23T09:01:40.000Z',
      seconds_to_submitted: 10,
      seconds_to_result: 100,
      zoom_calls_at_least: 3,
    });
    expect(row['evaluations']).toEqual([
      expect.objectContaining({ type: 'automated', scorecard_name: 'Customer Care', score_percent: 80 }),
      expect.objectContaining({ type: 'manual', score: 9, total_score: 10, score_percent: 90 }),
    ]);
  });

  it('masks e-mails and phone numbers unless the environment opts in', () => {
    // Prepare
    const { recording, results } = fixed('e');
    const withAgent = {
      ...recording,
      metadata: { ...recording.metadata, agentEmail: 'sam.lee@example.com' },
    };

    // Act
    const masked = exportRow(withAgent, results, { includePersonalData: false });
    const included = exportRow(withAgent, results, { includePersonalData: true });

    // Assess
    expect(JSON.stringify(masked)).not.toMatch(/sam\.lee@example\.com|33612345678/);
    expect(masked).toMatchObject({
      agent: '[email]',
      agent_email: '[email]',
      from_number: '[phone]',
      failure_reason: 'Missing metadata',
    });
    expect(included).toMatchObject({ agent_email: 'sam.lee@example.com', from_number: '+33612345678' });
  });

  it('goes under the UTC date of the result, named by recording, submission and revision', () => {
    // Act
    const key = exportObjectKey('export/results/', fixed('a').recording);

    // Assess
    expect(key).toBe('export/results/dt=2026-11-23/a-s1-r1.jsonl.gz');
    expect(() => exportObjectKey('export/results/', fixed('f').recording)).toThrow(/only terminal/);
  });
});

describe('the exporter', () => {
  it('writes one gzipped JSON line with SSE-KMS, and the same bytes to the same key when written again', async () => {
    // Prepare
    s3.on(PutObjectCommand).resolves({});
    const exporter = new ResultsExporter(new S3Client({ region: 'eu-west-1' }), {
      bucket: 'qm-results',
      keyPrefix: 'export/results/',
      includePersonalData: false,
      kms: { keyId: 'arn:aws:kms:eu-west-1:111122223333:key/example' },
    });
    const { recording, results } = fixed('b');

    // Act
    await exporter.write(recording, results);
    await exporter.write(recording, results);

    // Assess
    const puts = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    expect(puts).toHaveLength(2);
    expect(puts[0]).toMatchObject({
      Bucket: 'qm-results',
      Key: 'export/results/dt=2026-11-23/b-s1-r1.jsonl.gz',
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: 'arn:aws:kms:eu-west-1:111122223333:key/example',
    });
    const [first, second] = puts.map((put) => Buffer.from(put.Body as Uint8Array));
    expect(first?.equals(second ?? Buffer.alloc(0))).toBe(true);
    const lines = gunzipSync(first ?? Buffer.alloc(0))
      .toString('utf8')
      .split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0] ?? '')).toEqual(exportRow(recording, results, { includePersonalData: false }));
  });
});

/** An exporter that keeps what it was given. */
function capturingExporter() {
  const written: Recording[] = [];
  const results: (RecordingResults | undefined)[] = [];
  return {
    written,
    results,
    exporter: {
      write: async (recording: Recording, given: RecordingResults | undefined) => {
        written.push(recording);
        results.push(given);
        return 'key';
      },
    },
  };
}

describe('the poller exports what it finishes', () => {
  it('writes the finished recording with the results revision it points at', async () => {
    // Prepare
    const { written, results: exported, exporter } = capturingExporter();
    const poller = pollHarness({ exporter });
    poller.zoom.automated = automatedList([{ id: 'aI9HM3ZsEScAa', status: 'COMPLETED' }]);
    poller.zoom.detail = interactionDetail();

    // Act
    await poller.service.poll(poller.message());

    // Assess
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ status: 'EVALUATED', results: { revision: 1 } });
    expect(exported[0]?.evaluations.map((evaluation) => evaluation.id)).toEqual(['aI9HM3ZsEScAa']);
  });

  it('finishes the recording even when the export fails, and counts the failure', async () => {
    // Prepare
    const poller = pollHarness({
      exporter: {
        write: async () => {
          throw new Error('S3 is down');
        },
      },
    });
    poller.zoom.automated = automatedList([{ status: 'COMPLETED' }]);
    poller.zoom.detail = interactionDetail();

    // Act
    const outcome = await poller.service.poll(poller.message());

    // Assess
    expect(outcome).toMatchObject({ kind: 'finished', status: 'EVALUATED', notified: true });
    expect(poller.metrics.total(EXPORT_FAILURES_METRIC)).toBe(1);
    expect(poller.logger.entries.map((entry) => entry.message)).toContain(
      'Result not exported; `qm-ingest export --rebuild` writes it',
    );
  });
});

describe('every other writer of a terminal status exports it too', () => {
  it("ingest's refusal, once its notification is out", async () => {
    // Prepare
    const { written, exporter } = capturingExporter();
    const harness = ingestHarness({ exporter });
    harness.putObject(DEFAULT_KEY, { ContentLength: 0 });

    // Act
    await harness.drop();

    // Assess
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ status: 'REJECTED', key: DEFAULT_KEY });
    expect(harness.publisher.published.map((notification) => notification.status)).toEqual(['REJECTED']);
  });

  it("the reconciler's time-out of a recording past its deadline", async () => {
    // Prepare
    const { written, exporter } = capturingExporter();
    const deadline = SUBMITTED_AT + 24 * HOUR;
    const forgotten = aSubmittedRecording({
      recordingId: 'forgotten',
      poll: { pollSeq: 7, attempts: 3, nextPollDueAt: deadline, deadlineAt: deadline },
    });
    const clock = new TestClock(deadline + 10 * MINUTE);
    const publisher = new RecordingPublisher();
    const reconciler = new Reconciler({
      queries: {
        duePolls: async function* () {
          yield forgotten;
        },
        stuckCandidates: stuckWatchOf([]),
        lateChecksDue: lateChecksOf(() => []),
      },
      lateChecks: { send: async () => {} },
      repository: new InMemoryRecordings(clock, forgotten),
      scheduler: new RecordingScheduler(),
      publisher: Object.assign(publisher, { publishPending: async () => ({ published: 0, failed: 0 }) }),
      exporter,
      settings: pollSettings(),
      clock,
    });

    // Act
    const summary = await reconciler.run();

    // Assess
    expect(summary.timedOut).toBe(1);
    expect(written.map((recording) => [recording.recordingId, recording.status])).toEqual([
      ['forgotten', 'TIMED_OUT'],
    ]);
  });
});
