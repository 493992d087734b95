import { describe, expect, it } from 'vitest';
import { classifyS3Request } from '../../../local/aws/s3/operations.ts';
import { nextSequencer } from '../../../local/aws/s3/s3-event.ts';

describe('classifyS3Request', () => {
  it.each([
    ['PUT', '/bucket?notification', {}, { kind: 'PutBucketNotificationConfiguration', bucket: 'bucket' }],
    ['GET', '/bucket?notification=', {}, { kind: 'GetBucketNotificationConfiguration', bucket: 'bucket' }],
    [
      'PUT',
      '/bucket/in/my%20file%2B1.wav?x-id=PutObject',
      {},
      { kind: 'PutObject', bucket: 'bucket', key: 'in/my file+1.wav' },
    ],
    ['PUT', '/bucket/key?partNumber=1&uploadId=u', {}, { kind: 'UploadPart', bucket: 'bucket', key: 'key' }],
    ['PUT', '/bucket/key?partNumber=1&uploadId=u', { 'x-amz-copy-source': 'b/k' }, { kind: 'Other' }],
    [
      'PUT',
      '/bucket/key',
      { 'x-amz-copy-source': 'b/k' },
      { kind: 'CopyObject', bucket: 'bucket', key: 'key' },
    ],
    ['PUT', '/bucket/key?tagging', {}, { kind: 'Other' }],
    ['POST', '/bucket/key?uploadId=u', {}, { kind: 'CompleteMultipartUpload', bucket: 'bucket', key: 'key' }],
    ['POST', '/bucket/key?uploads', {}, { kind: 'Other' }],
    ['POST', '/bucket?delete', {}, { kind: 'DeleteObjects', bucket: 'bucket' }],
    [
      'POST',
      '/bucket',
      { 'content-type': 'multipart/form-data; boundary=x' },
      { kind: 'PostObject', bucket: 'bucket' },
    ],
    ['DELETE', '/bucket/key?x-id=DeleteObject', {}, { kind: 'DeleteObject', bucket: 'bucket', key: 'key' }],
    ['DELETE', '/bucket/key?uploadId=u', {}, { kind: 'Other' }],
    ['DELETE', '/bucket', {}, { kind: 'DeleteBucket', bucket: 'bucket' }],
    ['DELETE', '/bucket?cors', {}, { kind: 'Other' }],
    ['GET', '/bucket/key', {}, { kind: 'Other' }],
    ['GET', '/', {}, { kind: 'Other' }],
    ['PUT', '/bucket/%E0%A4%A', {}, { kind: 'Other' }],
  ])('%s %s is %o', (method, url, headers, expected) => {
    // Prepare
    const request = { method, url, headers };
    // Act
    const operation = classifyS3Request(request.method, request.url, request.headers);
    // Assess
    expect(operation).toEqual(expected);
  });
});

describe('nextSequencer', () => {
  it('grows with every event, even several in the same millisecond or with a clock going back', () => {
    // Prepare
    const times = [
      1_700_000_000_000, 1_700_000_000_000, 1_700_000_000_000, 1_699_999_999_000, 1_700_000_000_500,
    ];
    // Act
    const sequencers = times.map((time) => nextSequencer(time));
    // Assess
    expect(sequencers.every((value) => /^[0-9A-F]{18}$/.test(value))).toBe(true);
    expect([...sequencers].sort()).toEqual(sequencers);
    expect(new Set(sequencers).size).toBe(sequencers.length);
  });
});
