import { describe, expect, it } from 'vitest';
import { classifyKey, sidecarKeyOf } from '../../../shared/ingest/object-filter.ts';
import { profileFor } from '../../../shared/ingest/routing.ts';
import { testSettings } from '../../helpers/ingest-fakes.ts';

describe('classifyKey', () => {
  const { ingest } = testSettings({ ingest: { recordingPrefixes: ['calls/', 'video/'] } });

  it.each([
    ['calls/2026-11-24/a.mp3', { recording: true }],
    ['video/b.MP4', { recording: true }],
    ['calls/2026-11-24/', { recording: false, reason: 'folder-marker' }],
    ['calls/2026-11-24/a.mp3.json', { recording: false, reason: 'sidecar' }],
    ['archive/a.mp3', { recording: false, reason: 'outside-prefixes' }],
    ['calls/notes.txt', { recording: false, reason: 'not-a-recording-suffix' }],
    ['calls/export.json', { recording: false, reason: 'not-a-recording-suffix' }],
  ])('%s -> %o', (key, decision) => {
    // Act
    const result = classifyKey(key, ingest);

    // Assess
    expect(result).toEqual(decision);
  });

  it('puts the sidecar next to the recording', () => {
    // Act
    const key = sidecarKeyOf('calls/a.mp3', ingest);

    // Assess
    expect(key).toBe('calls/a.mp3.json');
  });
});

describe('profileFor', () => {
  const settings = testSettings({
    zoomProfiles: [
      { name: 'main', secretName: 's/main' },
      { name: 'emea', secretName: 's/emea' },
      { name: 'emea-bucket', secretName: 's/emea-bucket' },
      { name: 'sales', secretName: 's/sales' },
    ],
    defaultProfile: 'main',
    routes: [
      { prefix: 'calls/emea/', profile: 'emea' },
      { bucket: 'special', prefix: 'calls/emea/', profile: 'emea-bucket' },
      { prefix: 'calls/emea/sales/', profile: 'sales' },
    ],
  });

  it.each([
    ['recordings', 'calls/emea/a.mp3', 'emea'],
    ['special', 'calls/emea/a.mp3', 'emea-bucket'],
    ['special', 'calls/emea/sales/a.mp3', 'sales'],
    ['recordings', 'calls/apac/a.mp3', 'main'],
  ])('routes %s/%s to %s: longest prefix, then bucket-specific, else the default', (bucket, key, profile) => {
    // Act
    const chosen = profileFor(bucket, key, settings);

    // Assess
    expect(chosen).toBe(profile);
  });
});
