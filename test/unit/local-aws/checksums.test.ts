import { describe, expect, it } from 'vitest';
import {
  CHECKSUM_ALGORITHMS,
  type ChecksumAlgorithm,
  createChecksum,
} from '../../../local/aws/s3/checksums.ts';

/** The standard check values of each algorithm for the ASCII bytes "123456789", as hex. */
const CHECK_VALUES: Readonly<Record<ChecksumAlgorithm, string>> = {
  crc32: 'cbf43926',
  crc32c: 'e3069283',
  crc64nvme: 'ae8b14860a799888',
  sha1: 'f7c3bc1d808e04732adf679965ccc34ca7ae3441',
  sha256: '15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225',
};

describe('createChecksum', () => {
  it.each(CHECKSUM_ALGORITHMS)(
    'computes %s incrementally, as the base64 S3 puts in x-amz-checksum-*',
    (algorithm) => {
      // Prepare
      const checksum = createChecksum(algorithm);
      // Act
      checksum.update(Buffer.from('1234'));
      checksum.update(Buffer.from('56789'));
      const digest = checksum.digest();
      // Assess
      expect(Buffer.from(digest, 'base64').toString('hex')).toBe(CHECK_VALUES[algorithm]);
    },
  );
});
