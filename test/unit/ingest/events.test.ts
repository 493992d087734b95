import { describe, expect, it } from 'vitest';
import { parseQueueMessage } from '../../../shared/ingest/events.ts';
import { decodeEventKey, scrubPersonalData } from '../../../shared/ingest/object-key.ts';
import { RETRY_MESSAGE_KIND } from '../../../shared/ingest/retry-message.ts';
import { anObject, eventBridgeBody, s3EventBody } from '../../helpers/ingest-fakes.ts';

describe('decodeEventKey', () => {
  it.each([
    ['calls/my+file.mp3', 'calls/my file.mp3'],
    ['calls/caf%C3%A9.wav', 'calls/café.wav'],
    ['calls/a%2Bb.mp3', 'calls/a+b.mp3'],
    ['calls/jane.doe%40example.com/in.mp3', 'calls/jane.doe@example.com/in.mp3'],
  ])('decodes %s as S3 encodes keys in events', (encoded, key) => {
    // Act
    const decoded = decodeEventKey(encoded);

    // Assess
    expect(decoded).toBe(key);
  });

  it('refuses malformed percent-encoding instead of guessing', () => {
    // Act
    const decoded = decodeEventKey('calls/%E0%A4%A.mp3');

    // Assess
    expect(decoded).toBeUndefined();
  });
});

describe('scrubPersonalData', () => {
  it('hides emails and phone numbers in a key', () => {
    // Act
    const scrubbed = scrubPersonalData('calls/2026-11-24/jane.doe@example.com/+12053546173-out.mp3');

    // Assess
    expect(scrubbed).toBe('calls/2026-11-24/[email]/[number]-out.mp3');
  });
});

describe('parseQueueMessage', () => {
  it('reads an S3 ObjectCreated notification with its key decoded', () => {
    // Prepare
    const body = s3EventBody({ bucket: 'recordings', key: 'calls/my file é.mp3', eTag: 'abc', size: 42 });

    // Act
    const message = parseQueueMessage(body);

    // Assess
    expect(message).toEqual({
      kind: 'object-created',
      objects: [
        {
          source: 's3',
          eventName: 'ObjectCreated:Put',
          bucket: 'recordings',
          key: 'calls/my file é.mp3',
          size: 42,
          eTag: 'abc',
          sequencer: '0064D3901D00059242',
          eventTime: Date.parse('2026-11-24T09:59:58.000Z'),
        },
      ],
    });
  });

  it.each(['ObjectCreated:Post', 'ObjectCreated:Copy', 'ObjectCreated:CompleteMultipartUpload'])(
    'accepts %s',
    (eventName) => {
      // Act
      const message = parseQueueMessage(s3EventBody({ bucket: 'b', key: 'k.mp3', eventName }));

      // Assess
      expect(message.kind).toBe('object-created');
    },
  );

  it('reads an EventBridge "Object Created" event the same way', () => {
    // Prepare
    const body = eventBridgeBody({
      bucket: 'recordings',
      key: 'calls/a+b c.mp3',
      eTag: 'abc',
      versionId: 'v1',
    });

    // Act
    const message = parseQueueMessage(body);

    // Assess
    expect(message).toEqual({
      kind: 'object-created',
      objects: [
        {
          source: 'eventbridge',
          eventName: 'PutObject',
          bucket: 'recordings',
          key: 'calls/a+b c.mp3',
          size: 2048,
          eTag: 'abc',
          versionId: 'v1',
          sequencer: '0064D3901D00059242',
          eventTime: Date.parse('2026-11-24T09:59:58Z'),
        },
      ],
    });
  });

  const ODD_KEYS = [
    'calls/eb/inbound call+42 100%.wav',
    'calls/a%2Bb literal.mp3',
    'calls/12:30:59 meeting.mp3',
    'calls/Zoë ünïcödé 电话.wav',
    'calls/jane.doe@example.com/+12053546173.mp3',
  ];

  it.each(ODD_KEYS)('takes the EventBridge key %s as it is, never URL-decoded', (key) => {
    // Act
    const message = parseQueueMessage(eventBridgeBody({ bucket: 'b', key }));

    // Assess
    expect(message.kind === 'object-created' && message.objects[0]?.key).toBe(key);
  });

  it.each(ODD_KEYS)('decodes the S3 notification key of %s back to the object key', (key) => {
    // Act
    const message = parseQueueMessage(s3EventBody({ bucket: 'b', key }));

    // Assess
    expect(message.kind === 'object-created' && message.objects[0]?.key).toBe(key);
  });

  it('reads the ETag of an EventBridge event under either spelling (AWS: etag, moto: eTag)', () => {
    // Prepare
    const event = JSON.parse(eventBridgeBody({ bucket: 'b', key: 'k.mp3' }));
    event.detail.object.eTag = 'from-moto';

    // Act
    const message = parseQueueMessage(JSON.stringify(event));

    // Assess
    expect(message.kind === 'object-created' && message.objects[0]?.eTag).toBe('from-moto');
  });

  it('treats S3\'s version id "null" (an unversioned bucket) as no version', () => {
    // Act
    const message = parseQueueMessage(s3EventBody({ bucket: 'b', key: 'k.mp3', versionId: 'null' }));

    // Assess
    expect(message.kind === 'object-created' && message.objects[0]?.versionId).toBeUndefined();
  });

  it('recognises the s3:TestEvent', () => {
    // Prepare
    const body = JSON.stringify({
      Service: 'Amazon S3',
      Event: 's3:TestEvent',
      Time: '2026-11-24T09:00:00.000Z',
      Bucket: 'recordings',
      RequestId: 'R',
      HostId: 'H',
    });

    // Act
    const message = parseQueueMessage(body);

    // Assess
    expect(message).toEqual({ kind: 'test-event', bucket: 'recordings' });
  });

  it.each([
    ['not JSON', '{oops', 'the body is not JSON'],
    ['an array', '[1]', 'the body is not a JSON object'],
    [
      'an S3 removal',
      s3EventBody({ bucket: 'b', key: 'k.mp3', eventName: 'ObjectRemoved:Delete' }),
      'S3 ObjectRemoved:Delete',
    ],
    ['something else', '{"hello":"world"}', 'neither an S3 notification nor an EventBridge event'],
    [
      'another EventBridge event',
      JSON.stringify({
        source: 'aws.s3',
        'detail-type': 'Object Deleted',
        time: '2026-11-24T09:00:00Z',
        detail: {},
      }),
      'EventBridge "Object Deleted" from aws.s3',
    ],
  ])('calls %s not a recording event', (_what, body, description) => {
    // Act
    const message = parseQueueMessage(body);

    // Assess
    expect(message).toEqual({ kind: 'not-a-recording-event', description });
  });

  it('keeps the created objects of a notification that also holds other records', () => {
    // Prepare
    const created = JSON.parse(s3EventBody({ bucket: 'b', key: 'a.mp3' })).Records[0];
    const removed = JSON.parse(s3EventBody({ bucket: 'b', key: 'x.mp3', eventName: 'ObjectRemoved:Delete' }))
      .Records[0];

    // Act
    const message = parseQueueMessage(JSON.stringify({ Records: [removed, created] }));

    // Assess
    expect(message.kind === 'object-created' && message.objects.map((object) => object.key)).toEqual([
      'a.mp3',
    ]);
  });

  it('reads its own re-send, and refuses one that does not match its schema', () => {
    // Prepare
    const retry = {
      kind: RETRY_MESSAGE_KIND,
      version: 1,
      origin: 'message-1',
      object: anObject(),
      dueAt: 1_000,
      cause: 'rate-limited',
      transientFailures: 0,
      rateLimited: 1,
      recordingId: 'rec-1',
    };

    // Act
    const valid = parseQueueMessage(JSON.stringify(retry));
    const invalid = parseQueueMessage(JSON.stringify({ ...retry, dueAt: 'tomorrow' }));

    // Assess
    expect(valid).toEqual({ kind: 'retry', retry });
    expect(invalid.kind).toBe('not-a-recording-event');
    expect(invalid.kind === 'not-a-recording-event' && invalid.description).toMatch(
      /invalid ingest re-send.*dueAt/,
    );
  });
});
