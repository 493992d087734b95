import { describe, expect, it } from 'vitest';
import { parseDeployment, runtimeTuningSchema } from '../../../shared/config/deployment.ts';
import {
  type EnvironmentSettingsInput,
  parseEnvironmentSettings,
} from '../../../shared/config/environment.ts';
import {
  defineResources,
  IN_FLIGHT_BUDGET_SECONDS,
  queueTrigger,
  type ResourceNames,
  resourceNames,
  sqsDeadLetterQueueAttributes,
  sqsQueueAttributes,
  stackNameOf,
  zoomCallsPerSecond,
} from '../../../shared/config/resources.ts';
import { stateTableDefinition } from '../../../shared/table/definition.ts';

const LOCATION = { account: '123456789012', region: 'eu-west-1' };

function settings(patch: Partial<EnvironmentSettingsInput> = {}) {
  return parseEnvironmentSettings({
    name: 'dev',
    zoomProfiles: [{ name: 'main', secretName: 'qm-ingest/dev/zoom/main' }],
    defaultProfile: 'main',
    ...patch,
  });
}

const defaultTuning = runtimeTuningSchema.parse({});

function everyName(names: ResourceNames): string[] {
  return Object.values(names).flatMap((value) =>
    typeof value === 'string' ? [value] : Object.values(value),
  );
}

describe('resourceNames', () => {
  it('puts the environment name in every physical name', () => {
    // Act
    const names = resourceNames('staging', LOCATION);

    // Assess
    for (const name of everyName(names)) {
      expect(name).toContain('staging');
    }
    expect(names.stack).toBe(stackNameOf('staging'));
    expect(names.recordingsBucket).toBe('qm-staging-recordings-123456789012-eu-west-1');
  });

  it('gives two environments no name in common', () => {
    // Act
    const dev = new Set(everyName(resourceNames('dev', LOCATION)));
    const dev2 = everyName(resourceNames('dev2', LOCATION));

    // Assess
    expect(dev2.filter((name) => dev.has(name))).toEqual([]);
  });

  it('keeps bucket names within 63 characters for the longest environment name and region', () => {
    // Prepare
    const longest = 'a'.repeat(20);

    // Act
    const names = resourceNames(longest, { account: '123456789012', region: 'ap-southeast-22' });

    // Assess
    for (const bucket of [names.recordingsBucket, names.resultsBucket, names.accessLogsBucket]) {
      expect(bucket.length).toBeLessThanOrEqual(63);
    }
  });
});

describe('defineResources', () => {
  it('sets every queue visibility timeout to the factor times its consumer timeout', () => {
    // Prepare
    const tuning = runtimeTuningSchema.parse({
      functions: { ingest: { timeoutSeconds: 90 }, poll: { timeoutSeconds: 45 } },
      queues: { visibilityTimeoutFactor: 7, maxReceiveCount: 3, retentionDays: 2 },
    });

    // Act
    const resources = defineResources(settings(), tuning, LOCATION);

    // Assess
    expect(resources.queues.ingest).toEqual({
      name: 'qm-ingest-dev-ingest',
      visibilityTimeoutSeconds: 630,
      retentionSeconds: 2 * 86_400,
      maxReceiveCount: 3,
      deadLetterQueue: { name: 'qm-ingest-dev-ingest-dlq', retentionSeconds: 14 * 86_400 },
    });
    expect(resources.queues.poll.visibilityTimeoutSeconds).toBe(315);
  });

  it('describes each function, its entry and its trigger', () => {
    // Act
    const resources = defineResources(settings(), defaultTuning, LOCATION);

    // Assess
    expect(resources.functions.ingest).toMatchObject({
      role: 'ingest',
      name: 'qm-ingest-dev-ingest',
      entry: 'functions/ingest.ts',
      handler: 'handler',
      timeoutSeconds: 120,
      memoryMb: 512,
      trigger: { queue: 'ingest', reportBatchItemFailures: true },
    });
    expect(resources.functions.poll.trigger.queue).toBe('poll');
    expect(resources.functions.reconcile).toMatchObject({
      entry: 'functions/reconcile.ts',
      scheduleRateMinutes: 5,
    });
    expect(resources.table).toEqual({ name: 'qm-ingest-dev-state', definition: stateTableDefinition });
  });

  it('follows the reconciler interval of the polling settings', () => {
    // Prepare
    const environment = settings({ polling: { reconciler: { intervalMinutes: 2 } } });

    // Act
    const resources = defineResources(environment, defaultTuning, LOCATION);

    // Assess
    expect(resources.functions.reconcile.scheduleRateMinutes).toBe(2);
  });

  it('reserves each queue consumer the concurrency its trigger may use, and the reconciler one execution', () => {
    // Act
    const { functions } = defineResources(settings(), defaultTuning, LOCATION);

    // Assess
    expect(functions.ingest.reservedConcurrency).toBe(functions.ingest.trigger.maximumConcurrency);
    expect(functions.poll.reservedConcurrency).toBe(functions.poll.trigger.maximumConcurrency);
    expect(functions.reconcile.reservedConcurrency).toBe(1);
  });

  it('keeps the reservation an environment sets, the trigger never using more than is reserved', () => {
    // Prepare
    const tuning = runtimeTuningSchema.parse({
      functions: {
        ingest: { reservedConcurrency: 20 },
        poll: { maximumConcurrency: 40, reservedConcurrency: 3 },
      },
    });

    // Act
    const { functions } = defineResources(settings(), tuning, LOCATION);

    // Assess
    expect(functions.ingest.reservedConcurrency).toBe(20);
    expect(functions.ingest.trigger.maximumConcurrency).toBe(
      defineResources(settings(), defaultTuning, LOCATION).functions.ingest.trigger.maximumConcurrency,
    );
    expect(functions.poll.reservedConcurrency).toBe(3);
    expect(functions.poll.trigger.maximumConcurrency).toBe(3);
  });
});

describe('queueTrigger: sizing from the Zoom rate limits', () => {
  const noOverrides = { maxBatchingWindowSeconds: 0 };

  it.each([
    // Pro plan, half of it: POST (HEAVY) 5/s, automated evaluations (LIGHT) 15/s.
    ['ingest on a Pro account', 'ingest', {}, 5, 10, 5],
    ['poll on a Pro account', 'poll', {}, 15, 10, 15],
    // Business: HEAVY 40/s, all of it.
    [
      'ingest on a Business account',
      'ingest',
      {
        planLimits: { LIGHT: { perSecond: 80 }, MEDIUM: { perSecond: 60 }, HEAVY: { perSecond: 40 } },
        limitFraction: 1,
      },
      40,
      10,
      40,
    ],
    // A tiny budget: 0.25 calls/s -> the minimum in flight (2), small batches, the minimum concurrency.
    [
      'ingest on a tiny budget',
      'ingest',
      { planLimits: { LIGHT: { perSecond: 1 }, MEDIUM: { perSecond: 1 }, HEAVY: { perSecond: 0.5 } } },
      0.25,
      2,
      2,
    ],
    // POST relabelled LIGHT: it then draws on the LIGHT budget.
    [
      'ingest with the POST labelled LIGHT',
      'ingest',
      { operationLabels: { createInteraction: 'LIGHT' } },
      15,
      10,
      15,
    ],
  ] as const)('%s', (_label, queue, profilePatch, callsPerSecond, batchSize, maximumConcurrency) => {
    // Prepare
    const environment = settings({
      zoomProfiles: [{ name: 'main', secretName: 'qm-ingest/dev/zoom/main', ...profilePatch }],
    });

    // Act
    const trigger = queueTrigger(queue, environment, noOverrides);

    // Assess
    expect(trigger).toEqual({
      queue,
      batchSize,
      maximumConcurrency,
      maxBatchingWindowSeconds: 0,
      reportBatchItemFailures: true,
      zoomCallsPerSecond: callsPerSecond,
    });
    // In flight: at least the budget of IN_FLIGHT_BUDGET_SECONDS, and less than one batch more.
    const budget = Math.max(2, Math.ceil(callsPerSecond * IN_FLIGHT_BUDGET_SECONDS));
    const inFlight = trigger.batchSize * trigger.maximumConcurrency;
    expect(inFlight).toBeGreaterThanOrEqual(budget);
    expect(inFlight).toBeLessThan(budget + trigger.batchSize);
  });

  it('adds up the budgets of every Zoom account', () => {
    // Prepare
    const environment = settings({
      zoomProfiles: [
        { name: 'a', secretName: 'qm-ingest/dev/a' },
        { name: 'b', secretName: 'qm-ingest/dev/b', limitFraction: 1 },
      ],
      defaultProfile: 'a',
    });

    // Act
    const callsPerSecond = zoomCallsPerSecond(environment, 'ingest');

    // Assess
    expect(callsPerSecond).toBe(5 + 10);
  });

  it('never goes beyond Lambda’s maximum concurrency', () => {
    // Prepare
    const huge = {
      LIGHT: { perSecond: 100_000 },
      MEDIUM: { perSecond: 100_000 },
      HEAVY: { perSecond: 100_000 },
    };
    const environment = settings({
      zoomProfiles: [{ name: 'main', secretName: 's', planLimits: huge, limitFraction: 1 }],
    });

    // Act
    const trigger = queueTrigger('poll', environment, noOverrides);

    // Assess
    expect(trigger.maximumConcurrency).toBe(1_000);
  });

  it('keeps the batch size and concurrency an environment sets', () => {
    // Prepare
    const deployment = parseDeployment({
      region: 'eu-west-1',
      settings: {
        name: 'dev',
        zoomProfiles: [{ name: 'main', secretName: 'qm-ingest/dev/zoom/main' }],
        defaultProfile: 'main',
      },
      functions: { poll: { batchSize: 3, maximumConcurrency: 4, maxBatchingWindowSeconds: 20 } },
    });

    // Act
    const resources = defineResources(deployment.settings, deployment, LOCATION);

    // Assess
    expect(resources.functions.poll.trigger).toMatchObject({
      batchSize: 3,
      maximumConcurrency: 4,
      maxBatchingWindowSeconds: 20,
    });
  });
});

describe('SQS attributes for the local runtime', () => {
  it('gives a queue its visibility, retention and redrive to its DLQ', () => {
    // Prepare
    const { queues } = defineResources(settings(), defaultTuning, LOCATION);

    // Act
    const attributes = sqsQueueAttributes(
      queues.poll,
      'arn:aws:sqs:us-east-1:000000000000:qm-ingest-dev-poll-dlq',
    );

    // Assess
    expect(attributes).toEqual({
      VisibilityTimeout: '720',
      MessageRetentionPeriod: String(4 * 86_400),
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:qm-ingest-dev-poll-dlq',
        maxReceiveCount: 5,
      }),
    });
    expect(sqsDeadLetterQueueAttributes(queues.poll.deadLetterQueue)).toEqual({
      MessageRetentionPeriod: String(14 * 86_400),
    });
  });
});
