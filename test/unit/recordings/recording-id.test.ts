import { describe, expect, it } from 'vitest';
import { type RecordingIdentity, recordingIdOf } from '../../../shared/recordings/recording-id.ts';

const identity: RecordingIdentity = {
  zoomAccountId: 'acct-1',
  bucket: 'recordings',
  key: 'calls/2026-11-24/jane.doe@example.com/inbound-123.mp3',
  contentIdentity: { kind: 'etag', value: '"9b2cf535f27731c974343645a3985328"' },
};

describe('recordingIdOf', () => {
  it('derives the same short, key-safe id from the same identity', () => {
    // Prepare
    const again = { ...identity, contentIdentity: { ...identity.contentIdentity } };

    // Act
    const ids = [recordingIdOf(identity), recordingIdOf(again)];

    // Assess
    expect(ids[0]).toBe(ids[1]);
    expect(ids[0]).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it.each([
    ['another account', { zoomAccountId: 'acct-2' }],
    ['another bucket', { bucket: 'recordings-eu' }],
    ['another key', { key: 'calls/2026-11-24/jane.doe@example.com/inbound-124.mp3' }],
    ['other bytes', { contentIdentity: { kind: 'etag', value: '"00000000000000000000000000000000"' } }],
    [
      'another kind of identity',
      { contentIdentity: { kind: 'versionId', value: identity.contentIdentity.value } },
    ],
  ] as const)('derives a different id for %s', (_, change) => {
    // Prepare
    const other = { ...identity, ...change };

    // Act
    const ids = [recordingIdOf(identity), recordingIdOf(other)];

    // Assess
    expect(ids[0]).not.toBe(ids[1]);
  });

  it('cannot be fooled by moving a separator between bucket and key', () => {
    // Prepare
    const left = { ...identity, bucket: 'a', key: 'b/c' };
    const right = { ...identity, bucket: 'a/b', key: 'c' };

    // Act
    const ids = [recordingIdOf(left), recordingIdOf(right)];

    // Assess
    expect(ids[0]).not.toBe(ids[1]);
  });
});
