import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { dataPaths, readRuntimeState } from '../../local/runtime/index.ts';
import {
  type CliRun,
  descendantsOf,
  isRunning,
  portOf,
  refusesConnections,
  runCli,
  startCli,
} from '../helpers/local-runtime-process.ts';

/**
 * `qm-ingest local` as a user runs it, in a child process: it prints the endpoints, the bucket and
 * a ready command; a recording dropped the way that command drops it is shown as it progresses
 * and ends; `qm-ingest status` and `list` find it while the runtime runs and after it stopped;
 * Ctrl-C (SIGINT) stops everything it started, leaving no process and no open port.
 */

const dataDir = mkdtempSync(join(tmpdir(), 'qm-e2e-cli-'));
const runs: CliRun[] = [];

/** Starts `qm-ingest local` on this file's data folder; afterAll kills whatever a failed test left running. */
function startLocal(): CliRun {
  const run = startCli(['local', '--ports', '0', '--data-dir', dataDir, '--scenario', 'fast']);
  runs.push(run);
  return run;
}

afterAll(async () => {
  for (const run of runs) {
    if (run.child.exitCode === null && run.child.signalCode === null) {
      run.child.kill('SIGKILL');
      await run.exited;
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
});

describe('qm-ingest local', () => {
  it('runs the pipeline until Ctrl-C, shows a dropped recording to its end, and leaves nothing behind', async () => {
    // Prepare
    const run = startLocal();
    await run.waitForLine(/^Watching recordings/, 60_000);
    const banner = run.lines.join('\n');
    const variable = (name: string): string => {
      const value = new RegExp(`^export ${name}=(.+)$`, 'm').exec(banner)?.[1];
      if (value === undefined) throw new Error(`The banner has no ${name}:\n${banner}`);
      return value;
    };
    const bucket = /^Recordings bucket: (\S+)/m.exec(banner)?.[1] ?? '';
    const command = /aws --endpoint-url (\S+) s3 cp (\S+) \\/.exec(banner);
    const today = new Date().toISOString().slice(0, 10);
    const key = `calls/${today}/e2e-cli-call.wav`;

    // Act: drop the sample with what the banner gives, as the AWS CLI would
    const s3 = new S3Client({
      endpoint: variable('AWS_ENDPOINT_URL_S3'),
      region: variable('AWS_REGION'),
      credentials: {
        accessKeyId: variable('AWS_ACCESS_KEY_ID'),
        secretAccessKey: variable('AWS_SECRET_ACCESS_KEY'),
      },
      forcePathStyle: true,
    });
    const sample = readFileSync(resolve(process.cwd(), command?.[2] ?? 'missing'));
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: sample,
        ContentType: 'audio/wav',
        Metadata: { 'agent-email': 'jane.doe@example.com', direction: 'inbound' },
      }),
    );
    s3.destroy();
    const outcome = await run.waitForLine(
      new RegExp(`EVALUATED\\s+${key.replaceAll('.', '\\.')}\\s+scores`),
      60_000,
    );
    const statusWhileRunning = await runCli(['status', key, '--data-dir', dataDir]);
    const interactionId = /\(interaction (\S+)\)$/.exec(outcome)?.[1] ?? 'missing';
    const byInteraction = await runCli(['status', interactionId, '--data-dir', dataDir, '--json']);
    const listWhileRunning = await runCli(['list', '--data-dir', dataDir, '--json']);
    const state = readRuntimeState(dataPaths(dataDir));
    const children = descendantsOf(run.child.pid ?? 0);
    const ports = Object.values(state?.endpoints ?? {}).map(portOf);
    run.child.kill('SIGINT');
    const exit = await run.exited;

    // Assess: the banner
    expect(bucket).toBe('qm-local-recordings-000000000000-us-east-1');
    expect(command?.[1]).toBe(variable('AWS_ENDPOINT_URL_S3'));
    expect(sample.toString('ascii', 0, 4)).toBe('RIFF');
    expect(banner).toContain(`AWS_ACCESS_KEY_ID=${variable('AWS_ACCESS_KEY_ID')} AWS_SECRET_ACCESS_KEY=`);
    for (const service of ['S3', 'SQS', 'DYNAMODB', 'SECRETS_MANAGER', 'SNS', 'EVENTBRIDGE']) {
      expect(variable(`AWS_ENDPOINT_URL_${service}`)).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    }
    // the progress, then the outcome
    const lines = run.lines;
    const progress = ['RECEIVED', 'SUBMITTING', 'SUBMITTED'].map((status) =>
      lines.findIndex((line) => new RegExp(`\\s${status}\\s+${key.replaceAll('.', '\\.')}`).test(line)),
    );
    expect(progress.every((index) => index >= 0)).toBe(true);
    expect(lines.indexOf(outcome)).toBeGreaterThan(Math.max(...progress));
    // the operator commands while it ran
    expect(statusWhileRunning.code).toBe(0);
    expect(statusWhileRunning.stdout).toContain('status    EVALUATED since');
    expect(byInteraction.code).toBe(0);
    expect(JSON.parse(byInteraction.stdout)).toEqual([
      expect.objectContaining({
        recording: expect.objectContaining({ key, interactionId, status: 'EVALUATED' }),
        results: expect.objectContaining({ interactionId }),
      }),
    ]);
    expect(listWhileRunning.code).toBe(0);
    expect(JSON.parse(listWhileRunning.stdout)).toMatchObject({
      source: expect.stringContaining(`(running, pid ${run.child.pid})`),
      recordings: [expect.objectContaining({ key, status: 'EVALUATED' })],
    });
    // the stop
    expect(exit).toEqual({ code: 0, signal: null });
    expect(lines).toContain('Stopped: every server, function and process of this run has ended.');
    expect(children.length).toBeGreaterThan(0);
    expect(children.filter(isRunning)).toEqual([]);
    expect(ports).toHaveLength(7);
    expect(await Promise.all(ports.map(refusesConnections))).toEqual(ports.map(() => true));
    expect(readRuntimeState(dataPaths(dataDir))?.pid).toBeNull();
    expect(existsSync(join(dataDir, 'logs', 'ingest.log'))).toBe(true);
  });

  it('still lists and shows the recordings once the runtime stopped, reading its data from disk', async () => {
    // Act
    const listed = await runCli(['list', '--data-dir', dataDir, '--status', 'evaluated']);
    const shown = await runCli([
      'status',
      `calls/${new Date().toISOString().slice(0, 10)}/e2e-cli-call.wav`,
      '--data-dir',
      dataDir,
    ]);

    // Assess
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('(stopped; its data read from disk)');
    expect(listed.stdout).toMatch(/EVALUATED\s+\S+\s+calls\/\S+\/e2e-cli-call\.wav/);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/scores\s+\S+\/\S+/);
  });

  it('refuses a second runtime on the same data folder while one runs', async () => {
    // Prepare
    const first = startLocal();
    await first.waitForLine(/^Watching recordings/, 60_000);

    // Act
    const second = await runCli(['local', '--ports', '0', '--data-dir', dataDir]);
    first.child.kill('SIGINT');
    const exit = await first.exited;

    // Assess
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`Another qm-ingest local runtime (pid ${first.child.pid})`);
    expect(exit.code).toBe(0);
  });
});
