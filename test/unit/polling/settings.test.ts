import { describe, expect, it } from 'vitest';
import { parseEnvironmentSettings } from '../../../shared/config/environment.ts';

function withPolling(polling: unknown) {
  return parseEnvironmentSettings({
    name: 'dev',
    zoomProfiles: [{ name: 'main', secretName: 'qm/main' }],
    defaultProfile: 'main',
    polling,
  });
}

describe('the polling settings', () => {
  it('default to a production schedule', () => {
    // Act
    const { polling } = withPolling(undefined);

    // Assess
    expect(polling).toEqual({
      firstDelaySeconds: 60,
      deadlineSeconds: 86_400,
      backoff: { baseSeconds: 30, factor: 2, capSeconds: 900, jitter: 'equal' },
      rateLimitJitterSeconds: 5,
      noEvaluationGraceSeconds: 3_600,
      notFoundGraceSeconds: 7_200,
      leaseSeconds: 300,
      reconciler: {
        intervalMinutes: 5,
        overdueSlackSeconds: 120,
        maxPollsPerRun: 200,
        maxNotificationsPerRun: 200,
        notificationMinAgeSeconds: 60,
        stuck: { afterSeconds: 21_600, maxExaminedPerRun: 1_000, maxEndedPerRun: 100 },
      },
      results: {
        inlineMaxBytes: 300_000,
        keyPrefix: 'results/',
        fetchManualEvaluationDetails: true,
        export: { enabled: true, keyPrefix: 'export/results/', includePersonalData: false },
      },
      lateEvaluations: {
        enabled: true,
        windowSeconds: 14 * 86_400,
        intervalSeconds: 6 * 3_600,
        maxPerRun: 100,
      },
    });
  });

  it('accept the short timings of a test environment', () => {
    // Act
    const { polling } = withPolling({
      firstDelaySeconds: 1,
      deadlineSeconds: 20,
      noEvaluationGraceSeconds: 2,
      notFoundGraceSeconds: 5,
      backoff: { baseSeconds: 1, factor: 1.5, capSeconds: 2, jitter: 'none' },
    });

    // Assess
    expect(polling.backoff).toEqual({ baseSeconds: 1, factor: 1.5, capSeconds: 2, jitter: 'none' });
  });

  it.each([
    [
      'a grace period as long as the deadline',
      { deadlineSeconds: 3_600 },
      'environment.polling.notFoundGraceSeconds',
    ],
    [
      'a cap below the base',
      { backoff: { baseSeconds: 60, capSeconds: 30 } },
      'environment.polling.backoff.capSeconds',
    ],
    ['an unknown jitter', { backoff: { jitter: 'some' } }, 'environment.polling.backoff.jitter'],
    ['a first delay beyond SQS', { firstDelaySeconds: 901 }, 'environment.polling.firstDelaySeconds'],
    [
      'an item threshold above DynamoDB',
      { results: { inlineMaxBytes: 400_000 } },
      'environment.polling.results.inlineMaxBytes',
    ],
    [
      'a key prefix without its slash',
      { results: { keyPrefix: 'results' } },
      'environment.polling.results.keyPrefix',
    ],
    [
      'a stuck threshold shorter than one SQS delay and one function run',
      { reconciler: { stuck: { afterSeconds: 600 } } },
      'environment.polling.reconciler.stuck.afterSeconds',
    ],
    [
      'the retired look-back limit (the sweep has none now)',
      { reconciler: { stuck: { lookbackDays: 14 } } },
      'environment.polling.reconciler.stuck: Unrecognized key',
    ],
    ['an unknown field', { pollEvery: 5 }, 'environment.polling: Unrecognized key'],
  ])('refuse %s, naming the field', (_label, polling, field) => {
    // Act / Assess
    expect(() => withPolling(polling)).toThrow(field);
  });
});
