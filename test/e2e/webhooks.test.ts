import { afterEach, describe, expect, it } from 'vitest';
import {
  dropCallRecording,
  type LocalRuntime,
  portsFromBase,
  type RuntimeEvent,
  recordingsWithKeys,
  startLocalRuntime,
} from '../../local/runtime/index.ts';
import type { ScenarioInput } from '../../local/zoom-simulator/index.ts';
import { EVALUATION_UPDATED_MESSAGE_TYPE } from '../../shared/notify/messages.ts';
import type { Recording } from '../../shared/recordings/recording.ts';
import { isTerminal } from '../../shared/recordings/state-machine.ts';
import { queueDepth } from '../helpers/local-stack.ts';
import { POLLING_TEST_SCENARIO } from '../helpers/polling-scenario.ts';
import { failOnUnreadable } from '../helpers/unreadable-items.ts';

/**
 * Zoom's webhooks through the local runtime, as a user runs it (`npm start` sends them by
 * default): the simulator validates the runtime's endpoint, then signs and sends each event. The
 * key of each recording chooses its fate in Zoom. With webhooks delivered (each one first signed
 * wrongly, refused with 401 and retried, and sent twice besides), every outcome is reached, the
 * poller never lists automated evaluations, and a manual evaluation completed after the
 * recording finished amends its results and is notified once. With every webhook dropped, the
 * polling safety net still finishes every recording.
 */

/**
 * Zoom's events for one recording of each fate: four analyses, the automated evaluations that
 * complete (evaluated, manual-evaluation; none is sent for a failed one) and the manual one.
 */
const EVENTS = 7;

const FATES = {
  evaluated: 'EVALUATED',
  'fail-evaluation': 'EVALUATION_FAILED',
  'no-evaluation': 'NO_EVALUATION',
  'manual-evaluation': 'EVALUATED',
} as const;

/**
 * The polling tests' scenario (fates chosen by the key, analysis 1 s after the download), with one
 * automated evaluation 1.5 s after the analysis and a manual one completed 6 s after that.
 */
function scenario(webhooks: ScenarioInput['webhooks']): ScenarioInput {
  const processing = POLLING_TEST_SCENARIO.processing ?? {};
  return {
    ...POLLING_TEST_SCENARIO,
    processing: {
      ...processing,
      automatedEvaluations: { min: 1, max: 1, duration: 150 },
      manualEvaluations: { ...processing.manualEvaluations, assignedAfter: 100, completedAfter: 500 },
    },
    webhooks,
  };
}

let runtime: LocalRuntime | undefined;

afterEach(async () => {
  await runtime?.stop();
  runtime = undefined;
});

async function start(
  webhooks: ScenarioInput['webhooks'],
  sendsWebhooks = true,
): Promise<{ runtime: LocalRuntime; events: RuntimeEvent[] }> {
  const started = await startLocalRuntime({
    ports: portsFromBase(0),
    scenario: scenario(webhooks),
    timing: 'demo',
    webhooks: sendsWebhooks,
  });
  runtime = started;
  const events: RuntimeEvent[] = [];
  started.onEvent((event) => events.push(event));
  return { runtime: started, events };
}

/** Drops one recording per fate; returns their keys by fate. */
async function dropEachFate(target: LocalRuntime, run: string): Promise<Map<string, keyof typeof FATES>> {
  const today = new Date().toISOString().slice(0, 10);
  const keys = new Map<string, keyof typeof FATES>();
  for (const [index, fate] of (Object.keys(FATES) as (keyof typeof FATES)[]).entries()) {
    const key = `calls/${today}/e2e-${run}-${index}-${fate}.wav`;
    keys.set(key, fate);
    await dropCallRecording(target, key, 1_500 + index);
  }
  return keys;
}

function recordingsOf(target: LocalRuntime, keys: Map<string, unknown>): Promise<Recording[]> {
  return recordingsWithKeys(target, keys, { withinMs: 600_000, onUnreadable: failOnUnreadable });
}

/** Every dropped recording, once each has reached a terminal status (or the wait is over). */
function allFinished(
  target: LocalRuntime,
  keys: Map<string, unknown>,
  timeoutMs: number,
): Promise<Recording[]> {
  return waitFor(
    () => recordingsOf(target, keys),
    (all) => all.length === keys.size && all.every((recording) => isTerminal(recording.status)),
    timeoutMs,
  );
}

/**
 * Drops one recording per fate, waits for each to finish, then for an evaluation_updated
 * notification of the manual-evaluation one (`updates` reads them as they are now).
 */
async function finishedThenUpdated(
  target: LocalRuntime,
  events: readonly RuntimeEvent[],
  run: string,
  updateTimeoutMs: number,
) {
  const keys = await dropEachFate(target, run);
  const finished = await allFinished(target, keys, 90_000);
  const manual = finished.find((recording) => keys.get(recording.key) === 'manual-evaluation');
  const updates = () => updatesOf(events, manual?.recordingId);
  await waitFor(
    async () => updates(),
    (found) => found.length > 0,
    updateTimeoutMs,
  );
  return { keys, finished, manual, updates };
}

/** The evaluation_updated notifications the runtime's subscription received for one recording. */
function updatesOf(events: readonly RuntimeEvent[], recordingId: string | undefined): RuntimeEvent[] {
  return events.filter(
    (event) =>
      event.kind === 'outcome' &&
      event.message.type === EVALUATION_UPDATED_MESSAGE_TYPE &&
      event.message.recordingId === recordingId,
  );
}

async function waitFor<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    value = await read();
  }
  return value;
}

const statusesByFate = (recordings: readonly Recording[], keys: Map<string, keyof typeof FATES>) =>
  Object.fromEntries(recordings.map((recording) => [keys.get(recording.key), recording.status]));

describe('Zoom webhooks through the local runtime', () => {
  it('reach every outcome with one detail read per check, refuse mis-signed deliveries, and notify a late manual evaluation once', async () => {
    // Prepare
    const { runtime: local, events } = await start({ misSignRate: 1, duplicateRate: 1 });
    expect(local.webhookUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/zoom\/webhook$/);

    // Act
    const { keys, finished, manual, updates } = await finishedThenUpdated(local, events, 'on', 60_000);
    // Zoom's retry of each (mis-signed) event comes 3 s after its duplicate: past them all.
    await new Promise((resolve) => setTimeout(resolve, 8_000));

    // Assess
    expect(statusesByFate(finished, keys)).toEqual(FATES);
    const snapshot = local.simulator.inspect();
    expect(snapshot.calls.listAutomatedEvaluations.total).toBe(0);
    const counters = local.simulator.webhooks.counters();
    expect(counters.events).toBe(EVENTS);
    // Every mis-signed first delivery is refused and retried; a retry that is slow to be acknowledged
    // on a loaded machine may be retried once more, harmlessly (duplicates are dropped).
    expect(counters.retries).toBeGreaterThanOrEqual(counters.events);
    expect(counters.abandoned).toBe(0);
    expect(updates()).toHaveLength(1);
    const amended = (await recordingsOf(local, keys)).find(
      (recording) => recording.recordingId === manual?.recordingId,
    );
    expect(amended?.results?.revision).toBe(2);
    for (const queue of Object.values(local.resources.queues)) {
      expect(await queueDepth(local.clients.sqs, queue.deadLetter.url)).toBe(0);
    }
  }, 180_000);

  it('finishes every recording by the polling safety net when every webhook is dropped', async () => {
    // Prepare
    const { runtime: local } = await start({ dropRate: 1 });

    // Act
    const keys = await dropEachFate(local, 'dropped');
    const finished = await allFinished(local, keys, 120_000);

    // Assess
    expect(statusesByFate(finished, keys)).toEqual(FATES);
    const counters = local.simulator.webhooks.counters();
    expect(counters.dropped).toBe(EVENTS);
    expect(counters.deliveries).toBe(0);
  }, 180_000);

  it('without webhooks, finds a manual evaluation completed after the end by the scheduled check, and notifies it once', async () => {
    // Prepare
    const { runtime: local, events } = await start({}, false);
    expect(local.webhookUrl).toBeUndefined();

    // Act
    // The reconciler runs every minute locally; it queues the check, the poll function reads Zoom.
    const { keys, finished, manual, updates } = await finishedThenUpdated(local, events, 'off', 150_000);
    const settled = await waitFor(
      () => recordingsOf(local, keys),
      (all) => all.every((recording) => recording.lateEvaluationCheck === undefined),
      30_000,
    );

    // Assess
    expect(statusesByFate(finished, keys)).toEqual(FATES);
    expect(manual?.lateEvaluationCheck).toBeDefined();
    expect(updates()).toHaveLength(1);
    expect(
      settled.find((recording) => recording.recordingId === manual?.recordingId)?.results?.revision,
    ).toBe(2);
    expect(settled.map((recording) => recording.lateEvaluationCheck)).toEqual(settled.map(() => undefined));
    expect(local.simulator.webhooks.counters().deliveries).toBe(0);
  }, 300_000);
});
