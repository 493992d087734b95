import { describe, expect, it } from 'vitest';
import {
  outermostPrefixes,
  recordingNotificationFilters,
  recordingsEventPattern,
} from '../../../shared/config/resources.ts';

describe('outermostPrefixes', () => {
  it.each([
    [
      ['calls/', 'calls/2026/', 'other/'],
      ['calls/', 'other/'],
    ],
    [['', 'calls/'], ['']],
    [['a/', 'a/'], ['a/']],
    [
      ['calls/eu/', 'calls/us/'],
      ['calls/eu/', 'calls/us/'],
    ],
  ])('keeps %j as %j', (prefixes, expected) => {
    // Act
    const outermost = outermostPrefixes(prefixes);

    // Assess
    expect(outermost).toEqual(expected);
  });
});

describe('recordingNotificationFilters', () => {
  it('makes one filter per prefix and suffix, each suffix also in upper case', () => {
    // Act
    const filters = recordingNotificationFilters(['calls/', 'archive/'], ['.mp3', '.wav']);

    // Assess
    expect(filters).toEqual([
      { prefix: 'calls/', suffix: '.mp3' },
      { prefix: 'calls/', suffix: '.MP3' },
      { prefix: 'calls/', suffix: '.wav' },
      { prefix: 'calls/', suffix: '.WAV' },
      { prefix: 'archive/', suffix: '.mp3' },
      { prefix: 'archive/', suffix: '.MP3' },
      { prefix: 'archive/', suffix: '.wav' },
      { prefix: 'archive/', suffix: '.WAV' },
    ]);
  });

  it('filters on the suffix alone for the whole bucket', () => {
    // Act
    const filters = recordingNotificationFilters([''], ['.m4a']);

    // Assess
    expect(filters).toEqual([{ suffix: '.m4a' }, { suffix: '.M4A' }]);
  });
});

describe('recordingsEventPattern', () => {
  it('matches the bucket’s Object Created events under the outermost prefixes', () => {
    // Act
    const pattern = recordingsEventPattern('calls-bucket', ['calls/', 'calls/2026/', 'archive/']);

    // Assess
    expect(pattern).toEqual({
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: {
        bucket: { name: ['calls-bucket'] },
        object: { key: [{ prefix: 'calls/' }, { prefix: 'archive/' }] },
      },
    });
  });

  it('matches every key of the bucket when one prefix is empty', () => {
    // Act
    const pattern = recordingsEventPattern('calls-bucket', ['', 'calls/']);

    // Assess
    expect(pattern.detail).toEqual({ bucket: { name: ['calls-bucket'] } });
  });
});
