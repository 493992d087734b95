import { describe, expect, it } from 'vitest';
import { parseEnvironmentSettings } from '../../../shared/config/environment.ts';
import { ConfigError } from '../../../shared/errors.ts';

const base = { name: 'dev', zoomProfiles: [{ name: 'main', secretName: 'qm/zoom' }], defaultProfile: 'main' };

describe('ingest settings', () => {
  it('has safe documented defaults', () => {
    // Act
    const { ingest } = parseEnvironmentSettings(base);

    // Assess
    expect(ingest).toEqual({
      recordingPrefixes: [''],
      recordingSuffixes: ['.mp3', '.wav', '.m4a', '.mp4', '.ogg', '.webm', '.flac', '.aac', '.mov'],
      sourceTimeZone: 'UTC',
      maxRecordingBytes: 2 * 1024 ** 3,
      requiredMetadata: ['agent'],
      sidecar: { suffix: '.json', required: false, waitSeconds: 300, recheckSeconds: 30, maxBytes: 65_536 },
      presign: { urlExpirySeconds: 3600, signer: { kind: 'role' }, unknownCredentialLifetimeSeconds: 900 },
      retries: {
        transientAttempts: 5,
        baseDelaySeconds: 20,
        maxDelaySeconds: 900,
        rateLimitJitterSeconds: 5,
      },
      lookupWindowSeconds: 300,
      uncertainPost: {
        patienceSeconds: 21_600,
        minRecheckSeconds: 120,
        maxRecheckSeconds: 1_800,
        maxPages: 5,
        maxDetailChecks: 5,
      },
      maxAgeBeforeSubmissionSeconds: 14 * 86_400,
      maxStartTimeAheadSeconds: 300,
    });
  });

  it('accepts a key template and a dedicated URL signer', () => {
    // Act
    const { ingest } = parseEnvironmentSettings({
      ...base,
      ingest: {
        keyTemplate: 'calls/{date}/{agent_email}/{direction}-{any}.{ext}',
        presign: { signer: { kind: 'iamUser', secretName: 'qm/url-signer' }, urlExpirySeconds: 86_400 },
      },
    });

    // Assess
    expect(ingest.keyTemplate).toBe('calls/{date}/{agent_email}/{direction}-{any}.{ext}');
    expect(ingest.presign.signer).toEqual({ kind: 'iamUser', secretName: 'qm/url-signer' });
  });

  it.each([
    [{ keyTemplate: 'calls/{agent}.{ext}' }, 'environment.ingest.keyTemplate: unknown placeholder {agent}'],
    [
      { sidecar: { suffix: '.mp3' } },
      'environment.ingest.sidecar.suffix: must not be one of recordingSuffixes',
    ],
    [
      { retries: { baseDelaySeconds: 60, maxDelaySeconds: 30 } },
      'environment.ingest.retries.maxDelaySeconds: must not be below',
    ],
    [{ presign: { urlExpirySeconds: 8 * 24 * 3600 } }, 'environment.ingest.presign.urlExpirySeconds'],
    [{ requiredMetadata: ['agentEmail'] }, 'environment.ingest.requiredMetadata.0'],
    [{ presign: { signer: { kind: 'assumedRole' } } }, 'environment.ingest.presign.signer'],
  ])('refuses %o, naming the field', (ingest, message) => {
    // Act / Assess
    expect(() => parseEnvironmentSettings({ ...base, ingest })).toThrow(ConfigError);
    expect(() => parseEnvironmentSettings({ ...base, ingest })).toThrow(message);
  });
});
