import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run as list } from '../../../cli/list.ts';
import { run as status } from '../../../cli/status.ts';
import { STACK_OUTPUTS } from '../../../shared/config/resources.ts';
import { toRecordingItem } from '../../../shared/recordings/recording-item.ts';
import type { RecordingResults } from '../../../shared/results/results.ts';
import { statusIndexEntry } from '../../../shared/table/keys.ts';
import { aRecording } from '../recordings/recording-fixtures.ts';

/**
 * `qm-ingest list` and `status` against a deployed environment, with CloudFormation and DynamoDB
 * faked by aws-sdk-client-mock: the stack is found from its outputs, the table read through its
 * indexes, and the output is what an operator reads. No call leaves the process.
 */

const cloudFormation = mockClient(CloudFormationClient);
const dynamodb = mockClient(DynamoDBDocumentClient);
let printed: string[];
let errors: string[];

const now = Date.now();
const evaluated = aRecording({
  recordingId: 'AYz1vaohcur_4hLVuXoGXg',
  status: 'EVALUATED',
  statusChangedAt: now - 3_600_000,
  receivedAt: now - 3_610_000,
  interactionId: 'int-1',
  key: 'calls/2026-11-25/inbound-1.wav',
  reason: 'The automated evaluation completed',
  results: { revision: 1, updatedAt: now, location: { kind: 'item', sk: 'RESULTS#1' } },
});

const results: RecordingResults = {
  schemaVersion: 1,
  recordingId: evaluated.recordingId,
  submission: 1,
  zoomAccountId: 'acct-1',
  interactionId: 'int-1',
  status: 'EVALUATED',
  collectedAt: now,
  interaction: {
    interactionId: 'int-1',
    summary: { evaluationScore: 90 },
    metrics: {
      talkToListenRatio: [],
      longestMonologSeconds: [],
      talkSpeedWordsPerMinute: [],
      fillerWordsPerMinute: [],
      patienceSeconds: [],
    },
    events: { silence: [], crosstalk: [], hold: [] },
    analysis: { topics: [], indicators: [], nextSteps: [], goodQuestions: [] },
  },
  evaluations: [
    {
      id: 'eval-1',
      type: 'automated',
      status: 'COMPLETED',
      scorecardName: 'Support basics',
      score: 27,
      totalScore: 30,
      sections: [],
      sectionComments: [],
      questionComments: [],
    },
  ],
};

beforeEach(() => {
  printed = [];
  errors = [];
  vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => printed.push(parts.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => errors.push(parts.join(' ')));
  cloudFormation.on(DescribeStacksCommand, { StackName: 'qm-ingest-prod' }).resolves({
    Stacks: [
      {
        StackName: 'qm-ingest-prod',
        StackStatus: 'UPDATE_COMPLETE',
        CreationTime: new Date(),
        Outputs: [
          { OutputKey: STACK_OUTPUTS.table, OutputValue: 'qm-ingest-prod-state' },
          { OutputKey: STACK_OUTPUTS.resultsBucket, OutputValue: 'qm-prod-results' },
          { OutputKey: STACK_OUTPUTS.recordingsBucket, OutputValue: 'qm-prod-recordings' },
          { OutputKey: STACK_OUTPUTS.region, OutputValue: 'eu-west-1' },
        ],
      },
    ],
  });
});

afterEach(() => {
  cloudFormation.reset();
  dynamodb.reset();
});

const item = () => toRecordingItem(evaluated);

describe('qm-ingest list --env', () => {
  it('lists the recordings of a status from the table named by the stack, newest first', async () => {
    // Prepare
    const partition = statusIndexEntry(
      'EVALUATED',
      evaluated.statusChangedAt,
      evaluated.recordingId,
    ).partitionKey;
    dynamodb.on(QueryCommand).callsFake((input: { ExpressionAttributeValues?: Record<string, unknown> }) => ({
      Items: input.ExpressionAttributeValues?.[':pk'] === partition ? [item()] : [],
    }));
    // The indexes project keys only: each entry is read in full from the table.
    dynamodb.on(GetCommand).resolves({ Item: item() });

    // Act
    const code = await list([
      '--env',
      'prod',
      '--region',
      'eu-west-1',
      '--status',
      'evaluated',
      '--since',
      '2h',
    ]);

    // Assess
    expect(code).toBe(0);
    expect(
      dynamodb
        .commandCalls(QueryCommand)
        .every((call) => call.args[0].input.TableName === 'qm-ingest-prod-state'),
    ).toBe(true);
    const output = printed.join('\n');
    expect(output).toContain('in environment prod (stack qm-ingest-prod, eu-west-1)');
    expect(output).toMatch(/EVALUATED\s+AYz1vaohcur_4hLVuXoGXg\s+calls\/2026-11-25\/inbound-1\.wav\s+int-1/);
  });

  it('prints JSON without the metadata', async () => {
    // Prepare
    dynamodb.on(QueryCommand).resolves({ Items: [] });
    dynamodb
      .on(
        QueryCommand,
        {
          ExpressionAttributeValues: {
            ':pk': statusIndexEntry('EVALUATED', evaluated.statusChangedAt, evaluated.recordingId)
              .partitionKey,
          },
        },
        false,
      )
      .resolves({ Items: [item()] });
    dynamodb.on(GetCommand).resolves({ Item: item() });

    // Act
    const code = await list(['--env', 'prod', '--region', 'eu-west-1', '--json']);

    // Assess
    expect(code).toBe(0);
    const json = JSON.parse(printed.join('\n')) as {
      recordings: Record<string, unknown>[];
      truncated: boolean;
    };
    expect(json.truncated).toBe(false);
    expect(json.recordings).toEqual([
      expect.objectContaining({
        recordingId: evaluated.recordingId,
        status: 'EVALUATED',
        interactionId: 'int-1',
      }),
    ]);
    expect(JSON.stringify(json)).not.toContain('example.com');
  });
});

describe('qm-ingest status --env', () => {
  it('finds a recording by key and shows its status, history and scores', async () => {
    // Prepare
    dynamodb.on(ScanCommand).resolves({ Items: [item()] });
    dynamodb
      .on(GetCommand)
      .resolves({ Item: { pk: `REC#${evaluated.recordingId}`, sk: 'RESULTS#1', document: results } });

    // Act
    const code = await status([evaluated.key, '--env', 'prod', '--region', 'eu-west-1']);

    // Assess
    expect(code).toBe(0);
    const scan = dynamodb.commandCalls(ScanCommand)[0]?.args[0].input;
    expect(scan?.TableName).toBe('qm-ingest-prod-state');
    const output = printed.join('\n');
    expect(output).toContain(`Recording ${evaluated.recordingId}`);
    expect(output).toContain('status    EVALUATED since');
    expect(output).toContain('scores    27/30');
    expect(output).toContain('automated eval-1: COMPLETED, Support basics, 27/30');
    expect(output).not.toContain('example.com');
  });

  it('finds a recording by its id with one read, and prints it as JSON with its results', async () => {
    // Prepare
    dynamodb
      .on(GetCommand, { Key: { pk: `REC#${evaluated.recordingId}`, sk: 'RECORDING' } })
      .resolves({ Item: item() });
    dynamodb
      .on(GetCommand, { Key: { pk: `REC#${evaluated.recordingId}`, sk: 'RESULTS#1' } })
      .resolves({ Item: { document: results } });

    // Act
    const code = await status([evaluated.recordingId, '--env', 'prod', '--region', 'eu-west-1', '--json']);

    // Assess
    expect(code).toBe(0);
    expect(dynamodb.commandCalls(ScanCommand)).toHaveLength(0);
    const [found] = JSON.parse(printed.join('\n')) as {
      recording: { status: string };
      results: RecordingResults;
    }[];
    expect(found?.recording.status).toBe('EVALUATED');
    expect(found?.results.evaluations[0]?.score).toBe(27);
  });

  it('says so when nothing matches', async () => {
    // Prepare
    dynamodb.on(GetCommand).resolves({});
    dynamodb.on(ScanCommand).resolves({ Items: [] });

    // Act
    const code = await status(['calls/none.wav', '--env', 'prod', '--region', 'eu-west-1']);

    // Assess
    expect(code).toBe(1);
    expect(errors.join('\n')).toContain('no recording matches "calls/none.wav" in environment prod');
  });
});

describe('the local runtime as the default', () => {
  it('explains how to start one when none has run in the data folder', async () => {
    // Prepare
    const folder = mkdtempSync(join(tmpdir(), 'qm-no-runtime-'));

    // Act
    const code = await list(['--data-dir', folder]);

    // Assess
    rmSync(folder, { recursive: true, force: true });
    expect(code).toBe(2);
    expect(errors.join('\n')).toContain('No local runtime has run with data in');
    expect(errors.join('\n')).toContain('npm start');
  });
});
