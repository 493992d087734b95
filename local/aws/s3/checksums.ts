import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * The flexible checksums S3 accepts (`x-amz-checksum-<algorithm>`, as a header or an aws-chunked
 * trailer), computed incrementally so the local S3 can reject a corrupted upload with BadDigest as
 * S3 does instead of storing it.
 */

/** The algorithms, by the lower-case suffix of their header name. */
export const CHECKSUM_ALGORITHMS = ['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

/** Feeds bytes in order; `digest()` returns the base64 value S3 puts in the header. */
export interface Checksum {
  update(bytes: Uint8Array): void;
  digest(): string;
}

export function isChecksumAlgorithm(name: string): name is ChecksumAlgorithm {
  return (CHECKSUM_ALGORITHMS as readonly string[]).includes(name);
}

export function createChecksum(algorithm: ChecksumAlgorithm): Checksum {
  switch (algorithm) {
    case 'crc32':
      return crc32Checksum((bytes, value) => crc32(bytes, value));
    case 'crc32c':
      return crc32Checksum(crc32c);
    case 'crc64nvme':
      return crc64Checksum();
    case 'sha1':
    case 'sha256': {
      const hash = createHash(algorithm);
      return { update: (bytes) => hash.update(bytes), digest: () => hash.digest('base64') };
    }
  }
}

/** A 32-bit CRC whose `step` continues from the previous value (0 to start), digested big-endian. */
function crc32Checksum(step: (bytes: Uint8Array, value: number) => number): Checksum {
  let value = 0;
  return {
    update: (bytes) => {
      value = step(bytes, value);
    },
    digest: () => {
      const out = Buffer.alloc(4);
      out.writeUInt32BE(value >>> 0);
      return out.toString('base64');
    },
  };
}

/** CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), table-driven. */
const CRC32C_TABLE = Uint32Array.from({ length: 256 }, (_, index) => {
  let crc = index;
  for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  return crc >>> 0;
});

function crc32c(bytes: Uint8Array, previous: number): number {
  let crc = ~previous >>> 0;
  for (const byte of bytes) crc = (CRC32C_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return ~crc >>> 0;
}

/** CRC-64/NVME (reflected polynomial 0x9A6C9329AC4BC9B5), table-driven on BigInt: fine for local sizes. */
const CRC64_POLYNOMIAL = 0x9a6c9329ac4bc9b5n;
const CRC64_MASK = 0xffffffffffffffffn;
const CRC64_TABLE = Array.from({ length: 256 }, (_, index) => {
  let crc = BigInt(index);
  for (let bit = 0; bit < 8; bit++) crc = crc & 1n ? (crc >> 1n) ^ CRC64_POLYNOMIAL : crc >> 1n;
  return crc;
});

function crc64Checksum(): Checksum {
  let crc = CRC64_MASK;
  return {
    update: (bytes) => {
      for (const byte of bytes) crc = (CRC64_TABLE[Number((crc ^ BigInt(byte)) & 0xffn)] ?? 0n) ^ (crc >> 8n);
    },
    digest: () => {
      const out = Buffer.alloc(8);
      out.writeBigUInt64BE(crc ^ CRC64_MASK);
      return out.toString('base64');
    },
  };
}
