import { describe, expect, it } from 'vitest';
import { AwsChunkedDecoder, AwsChunkedError } from '../../../local/aws/s3/aws-chunked.ts';

function encode(chunks: readonly string[], trailers: string, signed: boolean): Buffer {
  const signature = signed ? ';chunk-signature=0123456789abcdef' : '';
  const framed = chunks
    .map((chunk) => `${Buffer.byteLength(chunk).toString(16)}${signature}\r\n${chunk}\r\n`)
    .join('');
  return Buffer.from(`${framed}0${signature}\r\n${trailers}\r\n`, 'utf8');
}

function decodeAll(
  raw: Buffer,
  pieceSize: number,
): { payload: string; trailers: Readonly<Record<string, string>> } {
  const decoder = new AwsChunkedDecoder();
  const parts: Buffer[] = [];
  for (let start = 0; start < raw.length; start += pieceSize)
    parts.push(...decoder.write(raw.subarray(start, start + pieceSize)));
  return { payload: Buffer.concat(parts).toString('utf8'), trailers: decoder.end() };
}

describe('AwsChunkedDecoder', () => {
  it.each([1, 2, 7, 1024])(
    'decodes payload and trailers whatever the network split (pieces of %i bytes)',
    (pieceSize) => {
      // Prepare
      const raw = encode(['hello ', 'streamed ', 'wörld'], 'x-amz-checksum-crc32:PQlJGQ==\r\n', false);
      // Act
      const decoded = decodeAll(raw, pieceSize);
      // Assess
      expect(decoded).toEqual({
        payload: 'hello streamed wörld',
        trailers: { 'x-amz-checksum-crc32': 'PQlJGQ==' },
      });
    },
  );

  it('ignores chunk signatures of signed streaming uploads', () => {
    // Prepare
    const raw = encode(
      ['signed ', 'payload'],
      'x-amz-checksum-sha256:abc=\r\nx-amz-trailer-signature:def\r\n',
      true,
    );
    // Act
    const decoded = decodeAll(raw, 5);
    // Assess
    expect(decoded).toEqual({
      payload: 'signed payload',
      trailers: { 'x-amz-checksum-sha256': 'abc=', 'x-amz-trailer-signature': 'def' },
    });
  });

  it('refuses a body that ends in the middle of a chunk', () => {
    // Prepare
    const decoder = new AwsChunkedDecoder();
    decoder.write(Buffer.from('a\r\nonly four'));
    // Act
    const end = () => decoder.end();
    // Assess
    expect(end).toThrow(AwsChunkedError);
  });

  it.each([
    ['a size that is not hexadecimal', 'zz\r\nabc\r\n0\r\n\r\n'],
    ['a chunk longer than its size', '2\r\nabc\r\n0\r\n\r\n'],
    ['data after the final chunk', '0\r\n\r\nextra'],
  ])('refuses %s', (_, body) => {
    // Prepare
    const decoder = new AwsChunkedDecoder();
    // Act
    const write = () => decoder.write(Buffer.from(body));
    // Assess
    expect(write).toThrow(AwsChunkedError);
  });
});
