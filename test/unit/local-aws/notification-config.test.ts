import { describe, expect, it } from 'vitest';
import {
  normalizeNotificationConfiguration,
  notificationConfigurationXml,
  notificationMatches,
  parseNotificationConfigurationXml,
} from '../../../local/aws/s3/notification-config.ts';
import { S3RequestError } from '../../../local/aws/s3/s3-errors.ts';

const QUEUE_ARN = 'arn:aws:sqs:us-east-1:000000000000:ingest';

describe('S3 notification configuration', () => {
  it('reads the XML the SDK sends and writes it back the same way', () => {
    // Prepare
    const xml =
      '<NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><QueueConfiguration><Id>ingest</Id>' +
      `<Queue>${QUEUE_ARN}</Queue><Event>s3:ObjectCreated:*</Event><Event>s3:ObjectRemoved:Delete</Event>` +
      '<Filter><S3Key><FilterRule><Name>Prefix</Name><Value>in/</Value></FilterRule>' +
      '<FilterRule><Name>suffix</Name><Value>.wav</Value></FilterRule></S3Key></Filter></QueueConfiguration></NotificationConfiguration>';
    // Act
    const configuration = normalizeNotificationConfiguration(parseNotificationConfigurationXml(xml));
    const written = notificationConfigurationXml(configuration);
    // Assess
    expect(configuration.eventBridge).toBe(false);
    expect(configuration.queues).toEqual([
      {
        id: 'ingest',
        queueArn: QUEUE_ARN,
        events: ['s3:ObjectCreated:*', 's3:ObjectRemoved:Delete'],
        prefix: 'in/',
        suffix: '.wav',
      },
    ]);
    expect(normalizeNotificationConfiguration(parseNotificationConfigurationXml(written))).toEqual(
      configuration,
    );
  });

  it.each([
    ['self-closing', '<EventBridgeConfiguration/>'],
    ['with a closing tag', '<EventBridgeConfiguration></EventBridgeConfiguration>'],
  ])('reads EventBridgeConfiguration (%s) beside queues, and writes it back', (_, element) => {
    // Prepare
    const xml =
      `<NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${element}` +
      `<QueueConfiguration><Id>ingest</Id><Queue>${QUEUE_ARN}</Queue><Event>s3:ObjectCreated:*</Event></QueueConfiguration>` +
      '</NotificationConfiguration>';
    // Act
    const configuration = normalizeNotificationConfiguration(parseNotificationConfigurationXml(xml));
    const written = notificationConfigurationXml(configuration);
    // Assess
    expect(configuration).toEqual({
      queues: [{ id: 'ingest', queueArn: QUEUE_ARN, events: ['s3:ObjectCreated:*'] }],
      eventBridge: true,
    });
    expect(written).toContain('<EventBridgeConfiguration></EventBridgeConfiguration>');
    expect(normalizeNotificationConfiguration(parseNotificationConfigurationXml(written))).toEqual(
      configuration,
    );
  });

  it('reads an empty configuration as no notifications at all', () => {
    // Act
    const configuration = normalizeNotificationConfiguration(
      parseNotificationConfigurationXml('<NotificationConfiguration/>'),
    );
    // Assess
    expect(configuration).toEqual({ queues: [], eventBridge: false });
    expect(notificationConfigurationXml(configuration)).not.toContain('EventBridgeConfiguration');
  });

  it('gives a configuration without an id a generated one', () => {
    // Prepare
    const configuration = { queues: [{ queueArn: QUEUE_ARN, events: ['s3:ObjectCreated:Put'] }] };
    // Act
    const {
      queues: [queue],
    } = normalizeNotificationConfiguration(configuration);
    // Assess
    expect(queue?.id).toMatch(/^[A-Za-z0-9]{20,}$/);
  });

  it.each([
    [
      'a topic destination',
      '<NotificationConfiguration><TopicConfiguration/></NotificationConfiguration>',
      'InvalidArgument',
    ],
    [
      'a filter rule that is neither prefix nor suffix',
      `<NotificationConfiguration><QueueConfiguration><Queue>${QUEUE_ARN}</Queue><Event>s3:ObjectCreated:*</Event><Filter><S3Key><FilterRule><Name>middle</Name><Value>x</Value></FilterRule></S3Key></Filter></QueueConfiguration></NotificationConfiguration>`,
      'InvalidArgument',
    ],
    ['malformed XML', '<NotificationConfiguration><QueueConfiguration>', 'MalformedXML'],
  ])('refuses %s', (_, xml, code) => {
    // Prepare
    const body = xml;
    // Act
    const parse = () => parseNotificationConfigurationXml(body);
    // Assess
    expect(parse).toThrow(expect.objectContaining({ code }));
  });

  it.each([
    ['an unknown event', { queueArn: QUEUE_ARN, events: ['s3:ObjectCreated:Renamed'] }],
    ['no event', { queueArn: QUEUE_ARN, events: [] }],
    [
      'a queue ARN that is not one',
      { queueArn: 'arn:aws:sns:us-east-1:000000000000:topic', events: ['s3:ObjectCreated:*'] },
    ],
    ['an empty prefix', { queueArn: QUEUE_ARN, events: ['s3:ObjectCreated:*'], prefix: '' }],
  ])('refuses %s', (_, queue) => {
    // Prepare
    const configuration = { queues: [queue] };
    // Act
    const normalize = () => normalizeNotificationConfiguration(configuration);
    // Assess
    expect(normalize).toThrow(S3RequestError);
  });

  it('matches by exact event, by category wildcard and by the encoded key prefix and suffix', () => {
    // Prepare
    const queue = {
      queueArn: QUEUE_ARN,
      events: ['s3:ObjectCreated:*', 's3:ObjectRemoved:Delete'],
      prefix: 'in/my+',
      suffix: '.wav',
    };
    // Act
    const outcomes = [
      notificationMatches(queue, 'ObjectCreated:Copy', 'in/my+file.wav'),
      notificationMatches(queue, 'ObjectRemoved:Delete', 'in/my+file.wav'),
      notificationMatches(queue, 'ObjectRemoved:DeleteMarkerCreated', 'in/my+file.wav'),
      notificationMatches(queue, 'ObjectCreated:Put', 'out/my+file.wav'),
      notificationMatches(queue, 'ObjectCreated:Put', 'in/my+file.mp3'),
    ];
    // Assess
    expect(outcomes).toEqual([true, true, false, false, false]);
  });
});
