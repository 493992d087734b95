import { describe, expect, it } from 'vitest';
import { contentIdentityOf, identityFromEvent } from '../../../shared/ingest/content-identity.ts';

const MD5 = '"9e107d9d372bb6826bd81d3542a419d6"';

describe('contentIdentityOf', () => {
  it('prefers a full-object checksum (the strongest when S3 has several)', () => {
    // Act
    const identity = contentIdentityOf({
      ChecksumType: 'FULL_OBJECT',
      ChecksumCRC64NVME: 'Pr6MPBUMZqQ=',
      ChecksumSHA256: 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=',
      ETag: MD5,
      VersionId: 'v1',
    });

    // Assess
    expect(identity).toEqual({
      kind: 'checksum',
      value: 'sha256:n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=',
    });
  });

  it('ignores a COMPOSITE checksum (of the parts: it depends on the part size)', () => {
    // Act
    const identity = contentIdentityOf({ ChecksumType: 'COMPOSITE', ChecksumSHA256: 'abc=-3', ETag: MD5 });

    // Assess
    expect(identity).toEqual({ kind: 'etag', value: 'md5:9e107d9d372bb6826bd81d3542a419d6' });
  });

  it('uses a single-part, unencrypted or SSE-S3 ETag: the MD5 of the bytes', () => {
    // Act
    const plain = contentIdentityOf({ ETag: MD5 });
    const sseS3 = contentIdentityOf({ ETag: MD5, ServerSideEncryption: 'AES256' });

    // Assess
    expect(plain).toEqual({ kind: 'etag', value: 'md5:9e107d9d372bb6826bd81d3542a419d6' });
    expect(sseS3).toEqual(plain);
  });

  it.each([
    ['a multipart upload', { ETag: '"d41d8cd98f00b204e9800998ecf8427e-12"' }],
    ['SSE-KMS', { ETag: MD5, ServerSideEncryption: 'aws:kms' }],
    ['DSSE-KMS', { ETag: MD5, ServerSideEncryption: 'aws:kms:dsse' }],
    ['SSE-C', { ETag: MD5, SSECustomerAlgorithm: 'AES256' }],
  ])('falls back to the version id for %s (its ETag is no digest of the bytes)', (_case, head) => {
    // Act
    const identity = contentIdentityOf({ ...head, VersionId: '3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY' });

    // Assess
    expect(identity).toEqual({ kind: 'versionId', value: '3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY' });
  });

  it('uses the ETag as a per-write identity when nothing better exists (KMS, unversioned)', () => {
    // Act
    const identity = contentIdentityOf({
      ETag: '"abc-2"',
      ServerSideEncryption: 'aws:kms',
      VersionId: 'null',
    });

    // Assess
    expect(identity).toEqual({ kind: 'etag', value: 'write:abc-2' });
  });

  it('has nothing to say without an ETag, a version or a checksum', () => {
    // Act / Assess
    expect(contentIdentityOf({})).toBeUndefined();
  });
});

describe('identityFromEvent', () => {
  it('identifies a gone object by its version, else its ETag, else its sequencer', () => {
    // Act
    const byVersion = identityFromEvent({ versionId: 'v1', eTag: 'ABC' });
    const byETag = identityFromEvent({ eTag: 'ABC' });
    const bySequencer = identityFromEvent({ sequencer: '00AB' });

    // Assess
    expect(byVersion).toEqual({ kind: 'versionId', value: 'v1' });
    expect(byETag).toEqual({ kind: 'etag', value: 'write:abc' });
    expect(bySequencer).toEqual({ kind: 'etag', value: 'sequencer:00AB' });
  });
});
