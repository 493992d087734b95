import { describe, expect, it } from 'vitest';
import {
  effectiveRateLimits,
  PRO_PLAN_LIMITS,
  parseZoomProfile,
} from '../../../shared/config/zoom-profile.ts';
import { ConfigError } from '../../../shared/errors.ts';
import { SPEC_OPERATION_LABELS, ZOOM_OPERATIONS } from '../../../shared/zoom/operations.ts';
import { documentedLabel, SPEC_ROUTES, specOperation } from './support/openapi.ts';
import { referenceOperations } from './support/reference-text.ts';

function configErrorOf(input: unknown): ConfigError {
  try {
    parseZoomProfile(input, 'zoom.profiles.main');
  } catch (error) {
    if (error instanceof ConfigError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('Zoom profile configuration', () => {
  it('fills every default from a minimal profile', () => {
    // Act
    const profile = parseZoomProfile({ name: 'main', secretName: 'qm-ingest/zoom/main' });

    // Assess
    expect(profile).toEqual({
      name: 'main',
      secretName: 'qm-ingest/zoom/main',
      apiBaseUrl: 'https://api.zoom.us/v2',
      oauthUrl: 'https://zoom.us/oauth/token',
      planLimits: PRO_PLAN_LIMITS,
      limitFraction: 0.5,
      operationLabels: SPEC_OPERATION_LABELS,
      requestTimeoutMs: 10_000,
      getRetries: 2,
      retryBaseDelayMs: 200,
      tokenRefreshMarginMs: 300_000,
      maxLimiterWaitMs: 0,
      maxPageTokenRestarts: 3,
      credentialsCacheTtlMs: 300_000,
      honoursIdempotencyKey: false,
      webhooks: { enabled: false, safetyIntervalSeconds: 1800 },
    });
  });

  it('the default labels are the ones Zoom documents, and HEAVY for the POST that documents none', () => {
    // Prepare
    const reference = referenceOperations();

    // Act
    const documented = ZOOM_OPERATIONS.map((operation) => {
      const route = SPEC_ROUTES[operation];
      const text = reference.find(
        (entry) => entry.method === route.method.toUpperCase() && entry.path === route.path,
      );
      return [operation, text?.rateLimitLabel ?? 'HEAVY'] as const;
    });

    // Assess
    expect(Object.fromEntries(documented)).toEqual(SPEC_OPERATION_LABELS);
    expect(reference.find((entry) => entry.method === 'POST')?.rateLimitLabel).toBeUndefined();
    expect(documentedLabel(specOperation('post', '/qm/interactions'))).toBe('1');
    expect(documentedLabel(specOperation('get', '/qm/evaluation'))).toBe(
      SPEC_OPERATION_LABELS.listEvaluations,
    );
  });

  it('takes overrides of labels, limits and URLs (e.g. the local simulator)', () => {
    // Act
    const profile = parseZoomProfile({
      name: 'local',
      secretName: 'local/zoom',
      apiBaseUrl: 'http://127.0.0.1:4010/v2/',
      oauthUrl: 'http://localhost:4010/oauth/token',
      operationLabels: { createInteraction: 'MEDIUM' },
      planLimits: {
        LIGHT: { perSecond: 80 },
        MEDIUM: { perSecond: 60 },
        HEAVY: { perSecond: 40, perDay: 60_000 },
      },
      limitFraction: 1,
    });

    // Assess
    expect(profile.apiBaseUrl).toBe('http://127.0.0.1:4010/v2');
    expect(profile.operationLabels).toEqual({ ...SPEC_OPERATION_LABELS, createInteraction: 'MEDIUM' });
    expect(effectiveRateLimits(profile)).toEqual({
      LIGHT: { perSecond: 80, perDay: undefined },
      MEDIUM: { perSecond: 60, perDay: undefined },
      HEAVY: { perSecond: 40, perDay: 60_000 },
    });
  });

  it.each([
    ['limitFraction 0', { limitFraction: 0 }, 'zoom.profiles.main.limitFraction'],
    ['limitFraction above 1', { limitFraction: 1.5 }, 'zoom.profiles.main.limitFraction'],
    [
      'a negative per-second limit',
      { planLimits: { ...PRO_PLAN_LIMITS, HEAVY: { perSecond: -1 } } },
      'zoom.profiles.main.planLimits.HEAVY.perSecond',
    ],
    [
      'an unknown label',
      { operationLabels: { getInteraction: 'EXTRA_HEAVY' } },
      'zoom.profiles.main.operationLabels.getInteraction',
    ],
    [
      'an unknown operation',
      { operationLabels: { deleteInteraction: 'LIGHT' } },
      'zoom.profiles.main.operationLabels',
    ],
    ['plain http to a remote host', { apiBaseUrl: 'http://api.zoom.us/v2' }, 'zoom.profiles.main.apiBaseUrl'],
    ['a non-URL OAuth endpoint', { oauthUrl: 'zoom.us/oauth/token' }, 'zoom.profiles.main.oauthUrl'],
    ['a zero timeout', { requestTimeoutMs: 0 }, 'zoom.profiles.main.requestTimeoutMs'],
    ['a misspelt field', { secretname: 'x' }, 'zoom.profiles.main'],
  ])('refuses %s, naming the field', (_name, override, field) => {
    // Act
    const error = configErrorOf({ name: 'main', secretName: 'qm-ingest/zoom/main', ...override });

    // Assess
    expect(error.message).toContain(`${field}:`);
  });

  it('does not echo the invalid value (a secret pasted in the wrong field stays out of logs)', () => {
    // Act
    const error = configErrorOf({ name: 'main', secretName: 'x', apiBaseUrl: 'not a url but a Secret-1234' });

    // Assess
    expect(error.message).not.toContain('Secret-1234');
  });

  it('a small fraction never makes a daily cap zero', () => {
    // Prepare
    const profile = parseZoomProfile({
      name: 'tiny',
      secretName: 's',
      limitFraction: 0.00001,
      planLimits: { ...PRO_PLAN_LIMITS, HEAVY: { perSecond: 10, perDay: 30_000 } },
    });

    // Act
    const limits = effectiveRateLimits(profile);

    // Assess
    expect(limits.HEAVY.perDay).toBe(1);
    expect(limits.HEAVY.perSecond).toBeCloseTo(0.0001);
  });
});
