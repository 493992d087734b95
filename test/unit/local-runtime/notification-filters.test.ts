import { describe, expect, it } from 'vitest';
import { recordingNotifications } from '../../../local/runtime/notification-filters.ts';

const queueArn = 'arn:aws:sqs:us-east-1:000000000000:qm-ingest-local-ingest';

describe('recordingNotifications', () => {
  it('announces every prefix x suffix pair, each suffix also in upper case', () => {
    // Act
    const notifications = recordingNotifications(
      { recordingPrefixes: ['calls/'], recordingSuffixes: ['.wav', '.mp3'] },
      queueArn,
    );

    // Assess
    expect(notifications.map(({ prefix, suffix }) => `${prefix}*${suffix}`)).toEqual([
      'calls/*.wav',
      'calls/*.WAV',
      'calls/*.mp3',
      'calls/*.MP3',
    ]);
    expect(notifications.every((notification) => notification.queueArn === queueArn)).toBe(true);
    expect(notifications.every((notification) => notification.events.join() === 's3:ObjectCreated:*')).toBe(
      true,
    );
  });

  it('drops a prefix another one contains (S3 refuses overlapping filters)', () => {
    // Act
    const notifications = recordingNotifications(
      { recordingPrefixes: ['calls/', 'calls/eu/'], recordingSuffixes: ['.wav'] },
      queueArn,
    );

    // Assess
    expect(notifications.map(({ prefix }) => prefix)).toEqual(['calls/', 'calls/']);
  });

  it('leaves the prefix filter out for the whole bucket', () => {
    // Act
    const [notification] = recordingNotifications(
      { recordingPrefixes: [''], recordingSuffixes: ['.wav'] },
      queueArn,
    );

    // Assess
    expect(notification).toEqual({ queueArn, events: ['s3:ObjectCreated:*'], suffix: '.wav' });
  });
});
