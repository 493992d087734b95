import { setTimeout as sleep } from 'node:timers/promises';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { RecordingFinishedMessage } from '../../shared/notify/messages.ts';
import { isAlertStatus } from '../../shared/notify/messages.ts';
import { isTerminal, type TerminalStatus } from '../../shared/recordings/state-machine.ts';
import type { LocalRuntime, RuntimeEvent } from '../runtime/index.ts';
import { type EvaluationScore, outcomeDetails } from '../runtime/outcome-details.ts';
import { type DemoBody, type DemoRecording, demoPlan } from './plan.ts';
import { callLikeWav } from './wav.ts';

/**
 * Runs the demo on a started local runtime: drops the plan's recordings into the recordings bucket
 * with a plain S3 client (sidecars before or after their recording), then follows each one to its
 * end through what a user sees: its status in the state table, its notification and, for a failure,
 * its alert. The report says, per recording, whether it reached exactly the outcome it declared.
 */

export interface DemoOptions {
  /** How many valid recordings (the bad drops come on top). */
  readonly count: number;
  /** How long to wait for every outcome before giving up. */
  readonly timeoutMs: number;
  /** A late sidecar lands this long after its recording (the recording waits for it meanwhile). */
  readonly lateSidecarDelayMs?: number | undefined;
}

export interface DemoResult {
  readonly recording: DemoRecording;
  /** When its upload completed (epoch ms). */
  readonly droppedAt: number;
  readonly recordingId: string | undefined;
  /** Its terminal status in the state table, undefined while it had none. */
  readonly status: TerminalStatus | undefined;
  /** The reason code its notification carries (REJECTED, FAILED). */
  readonly code: string | undefined;
  readonly reason: string | undefined;
  readonly scores: readonly EvaluationScore[];
  /** When it reached its terminal status (epoch ms). */
  readonly finishedAt: number | undefined;
  readonly notified: boolean;
  readonly alerted: boolean;
  /** Why it did not pass; undefined when it reached exactly the expected outcome, notified (and alerted). */
  readonly problem: string | undefined;
}

export interface DemoReport {
  readonly results: readonly DemoResult[];
  readonly passed: boolean;
  /** From the first drop to the last outcome (or the timeout). */
  readonly elapsedMs: number;
}

const DEFAULT_LATE_SIDECAR_DELAY_MS = 2_000;

interface Tracked {
  recordingId?: string;
  status?: TerminalStatus;
  reason?: string;
  finishedAt?: number;
  droppedAt?: number;
}

export async function runDemo(runtime: LocalRuntime, options: DemoOptions): Promise<DemoReport> {
  const { settings } = runtime.config;
  const plan = demoPlan({
    count: options.count,
    now: new Date(),
    prefix: settings.ingest.recordingPrefixes[0] ?? '',
    sidecarSuffix: settings.ingest.sidecar.suffix,
  });
  const tracked = new Map<string, Tracked>(plan.map((recording) => [recording.key, {}]));
  const outcomes = new Map<string, RecordingFinishedMessage>();
  const alerts = new Set<string>();
  let changed: (() => void) | undefined;
  const stopListening = runtime.onEvent((event) => {
    record(event, runtime.recordingsBucket, tracked, outcomes, alerts);
    changed?.();
  });
  const startedAt = Date.now();
  const lateSidecars: Promise<void>[] = [];
  try {
    for (const recording of plan) {
      const entry = tracked.get(recording.key) ?? {};
      const sidecar = recording.sidecar;
      if (sidecar?.timing === 'before') {
        await put(
          runtime,
          sidecar.key,
          Buffer.from(JSON.stringify(sidecar.document)),
          'application/json',
          {},
        );
      }
      await put(runtime, recording.key, bodyOf(recording.body), recording.contentType, recording.metadata);
      entry.droppedAt = Date.now();
      if (sidecar?.timing === 'after') {
        lateSidecars.push(
          sleep(options.lateSidecarDelayMs ?? DEFAULT_LATE_SIDECAR_DELAY_MS).then(() =>
            put(runtime, sidecar.key, Buffer.from(JSON.stringify(sidecar.document)), 'application/json', {}),
          ),
        );
      }
    }
    await Promise.all(lateSidecars);
    const deadline = startedAt + options.timeoutMs;
    while (
      !plan.every((recording) => complete(recording, tracked, outcomes, alerts)) &&
      Date.now() < deadline
    ) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        changed = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      changed = undefined;
    }
  } finally {
    stopListening();
  }
  const results = plan.map((recording) =>
    resultOf(recording, tracked.get(recording.key) ?? {}, outcomes, alerts),
  );
  return {
    results,
    passed: results.every((result) => result.problem === undefined),
    elapsedMs: Date.now() - startedAt,
  };
}

function record(
  event: RuntimeEvent,
  bucket: string,
  tracked: Map<string, Tracked>,
  outcomes: Map<string, RecordingFinishedMessage>,
  alerts: Set<string>,
): void {
  if (event.kind === 'progress') {
    const { recording, entry } = event;
    const state = recording.bucket === bucket ? tracked.get(recording.key) : undefined;
    if (state === undefined) {
      return;
    }
    state.recordingId = recording.recordingId;
    if (isTerminal(entry.to)) {
      state.status = entry.to;
      state.reason = entry.reason;
      state.finishedAt = entry.at;
    }
  } else if (event.kind === 'outcome') {
    outcomes.set(event.message.recordingId, event.message);
  } else if (event.kind === 'alert') {
    alerts.add(event.recordingId);
  }
}

/** Done: a terminal status, its notification, and its alert when the status calls for one. */
function complete(
  recording: DemoRecording,
  tracked: Map<string, Tracked>,
  outcomes: Map<string, RecordingFinishedMessage>,
  alerts: Set<string>,
): boolean {
  const state = tracked.get(recording.key);
  const id = state?.recordingId;
  if (state?.status === undefined || id === undefined || !outcomes.has(id)) {
    return false;
  }
  return !isAlertStatus(state.status) || alerts.has(id);
}

function resultOf(
  recording: DemoRecording,
  state: Tracked,
  outcomes: Map<string, RecordingFinishedMessage>,
  alerts: Set<string>,
): DemoResult {
  const id = state.recordingId;
  const message = id === undefined ? undefined : outcomes.get(id);
  const { code, scores } = outcomeDetails(message?.details);
  const notified = message !== undefined;
  const alerted = id !== undefined && alerts.has(id);
  const { expected } = recording;
  const problems: string[] = [];
  if (state.status === undefined) {
    problems.push(id === undefined ? 'never reached the state table' : 'did not finish in time');
  } else if (state.status !== expected.status) {
    problems.push(`ended ${state.status}, expected ${expected.status}`);
  } else if (expected.code !== undefined && code !== expected.code) {
    problems.push(`was ${expected.status} for ${code ?? 'no stated reason'}, expected ${expected.code}`);
  }
  if (state.status !== undefined && !notified) {
    problems.push('no notification arrived');
  }
  if (state.status !== undefined && isAlertStatus(state.status) && !alerted) {
    problems.push('no alert arrived');
  }
  return {
    recording,
    droppedAt: state.droppedAt ?? 0,
    recordingId: id,
    status: state.status,
    code,
    reason: state.reason,
    scores,
    finishedAt: state.finishedAt,
    notified,
    alerted,
    problem: problems.length === 0 ? undefined : problems.join('; '),
  };
}

function bodyOf(body: DemoBody): Buffer {
  switch (body.kind) {
    case 'audio':
      return callLikeWav(body.variant);
    case 'empty':
      return Buffer.alloc(0);
    case 'text':
      return Buffer.from(body.text, 'utf8');
  }
}

async function put(
  runtime: LocalRuntime,
  key: string,
  body: Buffer,
  contentType: string,
  metadata: Readonly<Record<string, string>>,
): Promise<void> {
  await runtime.clients.s3.send(
    new PutObjectCommand({
      Bucket: runtime.recordingsBucket,
      Key: key,
      Body: body,
      ContentType: contentType,
      Metadata: { ...metadata },
    }),
  );
}
