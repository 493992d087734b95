/**
 * `qm-ingest local` (what `npm start` runs): the whole pipeline on this machine until Ctrl-C, or
 * with `--demo N` a scripted run that drops N generated recordings and a few bad ones, waits for
 * every outcome, prints the results and exits 0 only when each reached the outcome it declared.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { callLikeWav, DEMO_SCENARIO_FILE, formatDemoReport, runDemo } from '../local/demo/index.ts';
import type { LocalRuntime, RuntimeEvent } from '../local/runtime/index.ts';
import { startLocalRuntime } from '../local/runtime/index.ts';
import { QmIngestError } from '../shared/errors.ts';
import { LOCAL_USAGE, type LocalCommand, parseLocalArgs } from './local-args.ts';
import { formatBanner, formatEvent } from './local-output.ts';
import { listenForStop, type StopSignal } from './stop-signal.ts';

/** How long the demo waits for every outcome before it reports the missing ones. */
const DEMO_TIMEOUT_MS = 90_000;
/** The exit status of a run interrupted by Ctrl-C before it finished (128 + SIGINT). */
const INTERRUPTED = 130;

export async function run(args: readonly string[]): Promise<number> {
  let command: LocalCommand;
  try {
    command = parseLocalArgs(args);
  } catch (error) {
    console.error(`qm-ingest local: ${messageOf(error)}\n\n${LOCAL_USAGE}`);
    return 2;
  }
  if (command.kind === 'help') {
    console.log(LOCAL_USAGE);
    return 0;
  }
  const stop = listenForStop();
  try {
    let runtime: LocalRuntime;
    try {
      runtime = await startLocalRuntime({
        dataDir: command.dataDir,
        clean: command.clean,
        ports: command.ports,
        scenario: command.scenario ?? DEMO_SCENARIO_FILE,
        timing: command.demo === undefined ? 'interactive' : 'demo',
        webhooks: command.webhooks,
      });
    } catch (error) {
      if (error instanceof QmIngestError || isAddressInUse(error)) {
        console.error(`qm-ingest local: could not start: ${messageOf(error)}`);
        return 1;
      }
      throw error;
    }
    const printer = startPrinter(runtime);
    try {
      if (stop.received !== undefined) {
        return INTERRUPTED;
      }
      return command.demo === undefined
        ? await runInteractive(runtime, stop)
        : await runDemoCommand(runtime, command.demo, stop);
    } finally {
      printer();
      console.log('Stopping...');
      await runtime.stop();
      console.log('Stopped: every server, function and process of this run has ended.');
    }
  } finally {
    stop.dispose();
  }
}

async function runInteractive(runtime: LocalRuntime, stop: StopSignal): Promise<number> {
  console.log(formatBanner(bannerInfo(runtime, writeSample(runtime))));
  const signal = await stop.next;
  console.log(`\n${signal} received.`);
  return 0;
}

async function runDemoCommand(runtime: LocalRuntime, count: number, stop: StopSignal): Promise<number> {
  const { ingest } = runtime.config.settings;
  console.log(
    [
      `qm-ingest local --demo ${count}: the pipeline runs on 127.0.0.1 (ready in ${(runtime.startupMs / 1_000).toFixed(1)} s).`,
      `Dropping ${count} generated recordings and 5 bad ones into s3://${runtime.recordingsBucket}/${ingest.recordingPrefixes[0] ?? ''}`,
      'and following each one to its outcome...',
      '',
    ].join('\n'),
  );
  const outcome = await Promise.race([
    runDemo(runtime, { count, timeoutMs: DEMO_TIMEOUT_MS }),
    stop.next.then((signal) => signal),
  ]);
  if (typeof outcome === 'string') {
    console.log(`\n${outcome} received: the demo was interrupted.`);
    return INTERRUPTED;
  }
  console.log(`\n${formatDemoReport(outcome)}`);
  const dataDir = runtime.dataPaths === undefined ? undefined : displayPath(runtime.dataPaths.root);
  if (dataDir !== undefined) {
    console.log(
      `\nThe records stay in ${dataDir}: npx qm-ingest list --data-dir ${dataDir}   (or status <key> --data-dir ${dataDir})`,
    );
  }
  return outcome.passed ? 0 : 1;
}

/** Prints each event as it happens; returns the function that stops printing. */
function startPrinter(runtime: LocalRuntime): () => void {
  const keys = new Map<string, string>();
  const logsDir = runtime.dataPaths === undefined ? undefined : displayPath(runtime.dataPaths.logs);
  return runtime.onEvent((event: RuntimeEvent) => {
    if (event.kind === 'progress') {
      keys.set(event.recording.recordingId, event.recording.key);
    }
    const text = formatEvent(event, { keyOf: (recordingId) => keys.get(recordingId), logsDir });
    if (text !== undefined) {
      console.log(text);
    }
  });
}

/** A recording to drop by hand: a generated WAV in the data folder. */
function writeSample(runtime: LocalRuntime): string | undefined {
  if (runtime.dataPaths === undefined) {
    return undefined;
  }
  const { samples } = runtime.dataPaths;
  mkdirSync(samples, { recursive: true });
  const path = join(samples, 'call.wav');
  writeFileSync(path, callLikeWav(0, 3_000));
  return displayPath(path);
}

function bannerInfo(runtime: LocalRuntime, samplePath: string | undefined) {
  const { definitions, config, simulator } = runtime;
  const { ingest, poll, reconcile } = definitions.functions;
  const consumer = (name: string, trigger: { batchSize: number; maximumConcurrency: number }) =>
    `${name} (batches of ${trigger.batchSize}, up to ${trigger.maximumConcurrency} at once)`;
  return {
    startupMs: runtime.startupMs,
    scenario: simulator.scenario.description ?? 'scenario',
    zoomApiBaseUrl: simulator.apiBaseUrl,
    webhookUrl: runtime.webhookUrl,
    awsEnv: runtime.awsEnv,
    s3Endpoint: runtime.endpoints.s3,
    region: runtime.region,
    bucket: runtime.recordingsBucket,
    existingBucket: runtime.existingBucket,
    prefix: config.settings.ingest.recordingPrefixes[0] ?? '',
    suffixes: config.settings.ingest.recordingSuffixes,
    functions: `${consumer('ingest', ingest.trigger)}, ${consumer('poll', poll.trigger)}, reconcile every ${reconcile.scheduleRateMinutes} min`,
    dataDir: runtime.dataPaths === undefined ? undefined : displayPath(runtime.dataPaths.root),
    logsDir: runtime.dataPaths === undefined ? undefined : displayPath(runtime.dataPaths.logs),
    samplePath,
    today: new Date().toISOString().slice(0, 10),
  };
}

/** A path as the user would type it from here. */
function displayPath(path: string): string {
  const fromHere = relative(process.cwd(), path);
  return fromHere === '' ? '.' : fromHere.startsWith('..') ? path : fromHere;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isAddressInUse(error: unknown): error is Error {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
}
