import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../local/aws/index.ts';
import { dataPaths, type RuntimeState, readRuntimeState } from '../../local/runtime/index.ts';
import { type CliRun, runCli, startCli } from '../helpers/local-runtime-process.ts';

/**
 * `qm-ingest resolve --interaction` against `qm-ingest local --scenario hostile` (a Zoom that
 * ignores Idempotency-Key), driven as a user: the POST of a recording is answered by a dropped
 * connection after Zoom created the interaction, and looking it up keeps failing, so ingest ends
 * it NEEDS_REVIEW rather than risk a duplicate; the operator finds the interaction in Zoom and
 * links it, and polling takes the recording to its final status. The simulator's random faults
 * are switched off and these ones forced through its control API, so the run is the same each time.
 */

const dataDir = mkdtempSync(join(tmpdir(), 'qm-e2e-resolve-'));
const paths = dataPaths(dataDir);
let runtime: CliRun | undefined;

function state(): RuntimeState {
  const found = readRuntimeState(paths);
  if (found === undefined) throw new Error('no runtime state');
  return found;
}

async function control(path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${state().endpoints['zoom']}/_simulator${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`simulator control ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

beforeAll(async () => {
  runtime = startCli(['local', '--ports', '0', '--data-dir', dataDir, '--scenario', 'hostile']);
  await runtime.waitForLine(/^Watching recordings/, 90_000);
}, 120_000);

afterAll(async () => {
  if (runtime !== undefined && runtime.child.exitCode === null && runtime.child.signalCode === null) {
    runtime.child.kill('SIGINT');
    await runtime.exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

/** The interactions the pipeline created, once Zoom has analysed every one (it shows them only then). */
async function analysedInteractions(): Promise<{ id: string; source: string; stage: string }[]> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const snapshot = (await control('/inspect')) as {
      interactions: { id: string; source: string; stage: string }[];
    };
    const created = snapshot.interactions.filter((interaction) => interaction.source === 'api');
    if (created.length > 0 && created.every((interaction) => interaction.stage === 'analysed'))
      return created;
    if (Date.now() > deadline) throw new Error(`Zoom did not analyse ${JSON.stringify(created)} in time`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe('qm-ingest resolve --interaction', () => {
  it('settles a NEEDS_REVIEW recording of the hostile scenario by linking the interaction Zoom holds', async () => {
    // Prepare: the ambiguous POST, then a lookup that cannot answer
    const run = runtime as CliRun;
    for (const endpoint of ['*', 'addInteraction']) {
      await control('/faults', { endpoint });
    }
    await control('/faults/force', {
      endpoint: 'addInteraction',
      faults: [{ kind: 'dropConnection', afterHandling: true }],
    });
    await control('/faults/force', {
      endpoint: 'listInteractions',
      faults: Array.from({ length: 30 }, () => ({ kind: 'serverError', status: 503 })),
    });
    const key = `calls/${new Date().toISOString().slice(0, 10)}/resolve/ambiguous.wav`;
    const s3 = new S3Client({
      endpoint: state().endpoints['s3'],
      region: state().region,
      forcePathStyle: true,
      credentials: LOCAL_CREDENTIALS,
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    await s3.send(
      new PutObjectCommand({
        Bucket: state().recordingsBucket,
        Key: key,
        Body: readFileSync(join(paths.samples, 'call.wav')),
        ContentType: 'audio/wav',
        Metadata: { 'agent-email': 'jane.doe@example.com', direction: 'inbound' },
      }),
    );
    s3.destroy();
    await run.waitForLine(new RegExp(`\\sNEEDS_REVIEW\\s+${key.replaceAll('.', '\\.')}\\s`), 180_000);
    // The operator finds the interaction in Zoom: Zoom shows it once it has analysed the recording.
    const created = await analysedInteractions();
    const interactionId = created[0]?.id ?? 'missing';
    const shown = await runCli(['status', key, '--data-dir', dataDir]);

    // Act
    const resolve = (interaction: string, ...options: string[]) =>
      runCli(['resolve', key, '--interaction', interaction, '--data-dir', dataDir, ...options]);
    const unknown = await resolve('NoSuchInteraction00000');
    const dryRun = await resolve(interactionId, '--dry-run');
    const linked = await resolve(interactionId, '--json');
    const final = await run.waitForLine(
      new RegExp(`\\s(EVALUATED|EVALUATION_FAILED|NO_EVALUATION)\\s+${key.replaceAll('.', '\\.')}\\s`),
      300_000,
    );
    const after = await runCli(['status', key, '--data-dir', dataDir, '--json']);

    // Assess
    expect(created).toHaveLength(1);
    expect(shown.stdout).toContain('status    NEEDS_REVIEW');
    expect(shown.stdout).toContain('qm-ingest resolve');
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toContain('Zoom has no interaction NoSuchInteraction00000');
    expect(dryRun.code).toBe(0);
    expect(dryRun.stdout).toMatch(/^would link /);
    expect(linked.code).toBe(0);
    expect(JSON.parse(linked.stdout)).toMatchObject({
      outcome: 'linked',
      status: 'SUBMITTED',
      submission: 2,
    });
    const [found] = JSON.parse(after.stdout) as {
      recording: { status: string; interactionId: string; history: { to: string }[] };
    }[];
    expect(found?.recording.interactionId).toBe(interactionId);
    expect(final).toContain(found?.recording.status);
    expect(found?.recording.history.map((entry) => entry.to).slice(-3, -1)).toEqual([
      'NEEDS_REVIEW',
      'SUBMITTED',
    ]);
  }, 540_000);
});
