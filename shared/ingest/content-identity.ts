import type { ContentIdentity } from '../recordings/recording.ts';
import { unquote } from './events.ts';

/**
 * What makes two uploads of one key the same recording: the same bytes. The best evidence S3
 * gives, in order:
 * 1. a full-object checksum (HeadObject with checksum mode enabled; `ChecksumType: FULL_OBJECT`).
 *    A COMPOSITE checksum (of a multipart upload's parts) depends on the part size, not only the
 *    bytes, so it is not used;
 * 2. the ETag, where it is the MD5 of the bytes: single-part uploads (no "-" in it) that are not
 *    encrypted with KMS (SSE-KMS and DSSE-KMS ETags are not digests of the data) nor with a
 *    customer key (SSE-C);
 * 3. the version id, when the bucket is versioned: one recording per version;
 * 4. otherwise the ETag as it is: it still tells one write from another, so duplicate events of
 *    one upload stay one recording, but identical bytes uploaded again count as a new recording.
 */

/** The parts of a HeadObject answer identity is decided from. */
export interface HeadForIdentity {
  readonly ETag?: string | undefined;
  readonly VersionId?: string | undefined;
  readonly ServerSideEncryption?: string | undefined;
  readonly SSECustomerAlgorithm?: string | undefined;
  readonly ChecksumType?: string | undefined;
  readonly ChecksumCRC32?: string | undefined;
  readonly ChecksumCRC32C?: string | undefined;
  readonly ChecksumCRC64NVME?: string | undefined;
  readonly ChecksumSHA1?: string | undefined;
  readonly ChecksumSHA256?: string | undefined;
}

/** Strongest first: when S3 has several, the same one is always chosen. */
const CHECKSUMS = [
  ['sha256', 'ChecksumSHA256'],
  ['sha1', 'ChecksumSHA1'],
  ['crc64nvme', 'ChecksumCRC64NVME'],
  ['crc32c', 'ChecksumCRC32C'],
  ['crc32', 'ChecksumCRC32'],
] as const;

const KMS_ENCRYPTION = new Set(['aws:kms', 'aws:kms:dsse']);

export function contentIdentityOf(head: HeadForIdentity): ContentIdentity | undefined {
  if (head.ChecksumType === 'FULL_OBJECT') {
    for (const [algorithm, field] of CHECKSUMS) {
      const value = head[field];
      // A checksum of a part-level kind carries a "-<parts>" suffix: never a full-object digest.
      if (value !== undefined && value !== '' && !value.includes('-')) {
        return { kind: 'checksum', value: `${algorithm}:${value}` };
      }
    }
  }
  const eTag = head.ETag === undefined ? undefined : unquote(head.ETag).toLowerCase();
  if (eTag !== undefined && eTag !== '' && isDigestOfBytes(eTag, head)) {
    return { kind: 'etag', value: `md5:${eTag}` };
  }
  if (head.VersionId !== undefined && head.VersionId !== '' && head.VersionId !== 'null') {
    return { kind: 'versionId', value: head.VersionId };
  }
  return eTag === undefined || eTag === '' ? undefined : { kind: 'etag', value: `write:${eTag}` };
}

function isDigestOfBytes(eTag: string, head: HeadForIdentity): boolean {
  const encryptedWithKms =
    head.ServerSideEncryption !== undefined && KMS_ENCRYPTION.has(head.ServerSideEncryption);
  const customerKey = head.SSECustomerAlgorithm !== undefined && head.SSECustomerAlgorithm !== '';
  return /^[0-9a-f]{32}$/.test(eTag) && !encryptedWithKms && !customerKey;
}

/**
 * The identity of an object that is gone before it could be read: what the event says (its
 * version, else its ETag as a per-write identity), so the REJECTED record is still one per upload.
 */
export function identityFromEvent(object: {
  readonly versionId?: string | undefined;
  readonly eTag?: string | undefined;
  readonly sequencer?: string | undefined;
}): ContentIdentity | undefined {
  if (object.versionId !== undefined) {
    return { kind: 'versionId', value: object.versionId };
  }
  if (object.eTag !== undefined) {
    return { kind: 'etag', value: `write:${object.eTag.toLowerCase()}` };
  }
  return object.sequencer === undefined
    ? undefined
    : { kind: 'etag', value: `sequencer:${object.sequencer}` };
}
