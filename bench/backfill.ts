import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  GetBucketNotificationConfigurationCommand,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { callLikeWav } from '../local/demo/wav.ts';
import { type LocalRuntime, portsFromBase, startLocalRuntime } from '../local/runtime/index.ts';
import { bundledScenarioDirectory, type SimulatorSnapshot } from '../local/zoom-simulator/index.ts';
import { systemClock } from '../shared/clock.ts';
import { S3RecordingObjects } from '../shared/ingest/object-store.ts';
import { announceObjects, planBackfill, submitBudgetOf } from '../shared/operator/backfill.ts';
import { scanRecordings } from '../shared/recordings/scan.ts';
import { fixed, type Table } from './table.ts';

/**
 * `qm-ingest backfill` at scale: objects put in the recordings bucket while it announced nothing
 * (its event notifications switched off, as for a bucket adopted after deployment) are planned and
 * announced on the ingest queue as the command does, then ingested by the whole local runtime
 * against the Zoom simulator. The simulator applies Zoom's Pro plan (HEAVY 10/s) and the profile
 * lets qm-ingest use half of it, so Zoom's limit, not this machine, bounds the run: the elapsed time
 * from the first announcement to the last interaction Zoom created is set beside that bound
 * (objects / allowed POST rate). Goal: at most 1.15x, no 429, no object lost, none posted twice.
 */

export interface BackfillBenchOptions {
  readonly objects: number;
  /** Give up waiting after this many times the rate-limit bound. */
  readonly timeoutFactor: number;
}

const GOAL = 1.15;

export async function benchBackfill(options: BackfillBenchOptions): Promise<Table> {
  const fast = JSON.parse(readFileSync(join(bundledScenarioDirectory, 'fast.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const runtime = await startLocalRuntime({
    ports: portsFromBase(0),
    scenario: { ...fast, description: 'bench: backfill under Pro limits', rateLimits: { plan: 'pro' } },
    // The interactive schedule polls less often than the demo's: the machine's share goes to ingest.
    timing: 'interactive',
  });
  try {
    const { s3, sqs, dynamodb } = runtime.clients;
    const bucket = runtime.recordingsBucket;
    const prefix = `calls/${new Date().toISOString().slice(0, 10)}/bench-backfill/`;
    await putWithoutEvents(runtime, bucket, prefix, options.objects);
    const { settings } = runtime.config;
    const planDeps = {
      s3,
      dynamodb,
      tableName: runtime.config.resources.tableName,
      objects: new S3RecordingObjects(s3),
      settings,
    };
    const plan = await planBackfill(planDeps, { bucket, prefix });
    const budget = submitBudgetOf(settings, bucket, plan.objects);
    const boundSeconds = plan.objects.length / budget.perSecond;
    const baseline = runtime.simulator.inspect();
    const createdBefore = apiInteractions(baseline);
    const started = performance.now();
    await announceObjects(
      {
        sqs,
        ingestQueueUrl: runtime.config.resources.ingestQueueUrl,
        region: runtime.region,
        clock: systemClock,
        sleep: (ms) => sleep(ms),
      },
      plan,
      budget.perSecond,
      () => undefined,
    );
    const deadline = started + boundSeconds * options.timeoutFactor * 1_000;
    let created = 0;
    let elapsedMs = Number.NaN;
    while (performance.now() < deadline) {
      created = apiInteractions(runtime.simulator.inspect()) - createdBefore;
      if (created >= plan.objects.length) {
        elapsedMs = performance.now() - started;
        break;
      }
      await sleep(250);
    }
    const snapshot = runtime.simulator.inspect();
    const recordings: { key: string; interactionId: string | undefined }[] = [];
    for await (const recording of scanRecordings(dynamodb, runtime.config.resources.tableName, {
      expression: 'begins_with(#key, :prefix)',
      names: { '#key': 'key' },
      values: { ':prefix': prefix },
      purpose: 'counting the backfilled recordings',
    })) {
      recordings.push({ key: recording.key, interactionId: recording.interactionId });
    }
    const submitted = new Set(
      recordings.filter((recording) => recording.interactionId !== undefined).map((r) => r.key),
    );
    const lost = plan.objects.filter((object) => !submitted.has(object.key)).length;
    const postedTwice = created - submitted.size;
    const again = await planBackfill(planDeps, { bucket, prefix });
    const factor = elapsedMs / 1_000 / boundSeconds;
    const rateLimited = snapshot.rateLimited.total - baseline.rateLimited.total;
    return {
      title: `Backfill of ${plan.objects.length} objects through the ingest path, Zoom's limit the bottleneck`,
      header: ['figure', 'value'],
      rows: [
        ['objects planned (no record yet)', String(plan.objects.length)],
        ['allowed POST rate (profile budget, Pro HEAVY 10/s x 0.5)', `${budget.perSecond}/s`],
        ['rate-limit bound (objects / allowed rate)', `${fixed(boundSeconds, 1)} s`],
        [
          'elapsed: first announcement to last interaction created',
          Number.isNaN(elapsedMs) ? 'timed out' : `${fixed(elapsedMs / 1_000, 1)} s`,
        ],
        [
          'elapsed vs bound (goal <= 1.15x)',
          Number.isNaN(factor) ? '-' : `${fixed(factor, 3)}x ${factor <= GOAL ? 'ok' : 'over the goal'}`,
        ],
        ["Zoom's 429 answers", String(rateLimited)],
        ['objects lost (no interaction)', String(lost)],
        ['interactions beyond one per object', String(postedTwice)],
        ['a second run would announce', String(again.objects.length)],
      ],
      notes: [
        "the objects were put with the bucket's event notifications off, so only the backfill announces them",
        "elapsed is measured on this machine's clock from the first announcement to the simulator counting the last POST",
      ],
    };
  } finally {
    await runtime.stop();
  }
}

function apiInteractions(snapshot: SimulatorSnapshot): number {
  return snapshot.interactions.filter((interaction) => interaction.source === 'api').length;
}

/** Puts `count` recordings under `prefix` with the bucket's event notifications off, then restores them. */
async function putWithoutEvents(
  runtime: LocalRuntime,
  bucket: string,
  prefix: string,
  count: number,
): Promise<void> {
  const { s3 } = runtime.clients;
  const saved = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket }));
  await s3.send(
    new PutBucketNotificationConfigurationCommand({ Bucket: bucket, NotificationConfiguration: {} }),
  );
  try {
    const body = callLikeWav(0);
    const keys = Array.from(
      { length: count },
      (_, index) => `${prefix}${String(index).padStart(5, '0')}.wav`,
    );
    for (let start = 0; start < keys.length; start += 25) {
      await Promise.all(
        keys.slice(start, start + 25).map((key) =>
          s3.send(
            new PutObjectCommand({
              Bucket: bucket,
              Key: key,
              Body: body,
              ContentType: 'audio/wav',
              Metadata: { 'agent-email': 'jane.doe@example.com', direction: 'inbound' },
            }),
          ),
        ),
      );
    }
  } finally {
    const { $metadata: _metadata, ...configuration } = saved;
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: bucket,
        NotificationConfiguration: configuration,
      }),
    );
  }
}
