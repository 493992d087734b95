import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { AwsChunkedDecoder, AwsChunkedError } from './aws-chunked.ts';
import { type ChecksumAlgorithm, createChecksum, isChecksumAlgorithm } from './checksums.ts';
import { S3RequestError } from './s3-errors.ts';

/**
 * Reads the body of a PutObject/UploadPart the way S3 does before storing it: aws-chunked framing
 * removed, the declared decoded length and the flexible checksum (header or trailer) checked.
 * Uploads that need neither are not read here: the front streams them straight to s3rver.
 */

/** The body as s3rver must receive it, and the headers that go with it. */
export interface DecodedUpload {
  readonly body: Buffer;
  readonly headers: IncomingHttpHeaders;
  /** The verified checksum, echoed in the response as S3 does. */
  readonly checksum: { readonly algorithm: ChecksumAlgorithm; readonly value: string } | undefined;
}

/** Whether the front has to read this upload (aws-chunked framing or a checksum to verify). */
export function needsDecoding(headers: IncomingHttpHeaders): boolean {
  return isAwsChunked(headers) || declaredChecksumHeader(headers) !== undefined;
}

export async function readUpload(request: IncomingMessage, maxBytes: number): Promise<DecodedUpload> {
  const headers = request.headers;
  const chunked = isAwsChunked(headers);
  const decoder = chunked ? new AwsChunkedDecoder() : undefined;
  const parts: Buffer[] = [];
  let size = 0;
  const keep = (bytes: Buffer): void => {
    size += bytes.length;
    if (size > maxBytes) {
      throw new S3RequestError('EntityTooLarge', `The local S3 accepts uploads up to ${maxBytes} bytes`);
    }
    parts.push(bytes);
  };
  try {
    for await (const chunk of request) {
      const bytes = chunk as Buffer;
      if (decoder === undefined) keep(bytes);
      else for (const payload of decoder.write(bytes)) keep(payload);
    }
  } catch (error) {
    if (error instanceof AwsChunkedError) throw new S3RequestError('IncompleteBody', error.message);
    throw error;
  }
  let trailers: Readonly<Record<string, string>> = {};
  if (decoder !== undefined) {
    try {
      trailers = decoder.end();
    } catch (error) {
      if (error instanceof AwsChunkedError) throw new S3RequestError('IncompleteBody', error.message);
      throw error;
    }
  }
  const body = Buffer.concat(parts, size);
  const declaredLength = headerText(headers, 'x-amz-decoded-content-length');
  if (chunked && declaredLength !== '' && Number(declaredLength) !== body.length) {
    throw new S3RequestError(
      'IncompleteBody',
      `The request body decoded to ${body.length} bytes, not the declared ${declaredLength}`,
    );
  }
  const checksum = verifyChecksum(body, headers, trailers);
  return { body, headers: forwardedHeaders(headers, body.length, chunked), checksum };
}

function isAwsChunked(headers: IncomingHttpHeaders): boolean {
  const encodings = (headers['content-encoding'] ?? '').split(',').map((value) => value.trim().toLowerCase());
  return (
    encodings.includes('aws-chunked') || headerText(headers, 'x-amz-content-sha256').startsWith('STREAMING-')
  );
}

/** A header's value as one string ('' when absent). */
function headerText(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : (value ?? '');
}

function declaredChecksumHeader(headers: IncomingHttpHeaders): ChecksumAlgorithm | undefined {
  for (const name of Object.keys(headers)) {
    const algorithm = name.startsWith('x-amz-checksum-') ? name.slice('x-amz-checksum-'.length) : undefined;
    if (algorithm !== undefined && isChecksumAlgorithm(algorithm)) return algorithm;
  }
  return undefined;
}

function verifyChecksum(
  body: Buffer,
  headers: IncomingHttpHeaders,
  trailers: Readonly<Record<string, string>>,
): DecodedUpload['checksum'] {
  const declared = { ...trailers, ...pickChecksumHeaders(headers) };
  const entry = Object.entries(declared).find(([name]) => name.startsWith('x-amz-checksum-'));
  if (entry === undefined) return undefined;
  const [name, expected] = entry;
  const algorithm = name.slice('x-amz-checksum-'.length);
  if (!isChecksumAlgorithm(algorithm)) {
    throw new S3RequestError('InvalidRequest', `Unsupported checksum algorithm in ${name}`);
  }
  const checksum = createChecksum(algorithm);
  checksum.update(body);
  const actual = checksum.digest();
  if (actual !== expected) {
    throw new S3RequestError(
      'BadDigest',
      `The ${algorithm.toUpperCase()} you specified did not match the calculated checksum.`,
    );
  }
  return { algorithm, value: actual };
}

function pickChecksumHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith('x-amz-checksum-') && typeof value === 'string' && name !== 'x-amz-checksum-type') {
      picked[name] = value;
    }
  }
  return picked;
}

/** The headers of a plain upload of `length` bytes: the framing headers go, the rest stays. */
function forwardedHeaders(
  headers: IncomingHttpHeaders,
  length: number,
  chunked: boolean,
): IncomingHttpHeaders {
  const forwarded: IncomingHttpHeaders = { ...headers, 'content-length': String(length) };
  delete forwarded['transfer-encoding'];
  delete forwarded.expect;
  if (chunked) {
    delete forwarded['x-amz-decoded-content-length'];
    delete forwarded['x-amz-trailer'];
    forwarded['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
    const remaining = (headers['content-encoding'] ?? '')
      .split(',')
      .map((value) => value.trim())
      .filter((value) => value !== '' && value.toLowerCase() !== 'aws-chunked');
    if (remaining.length > 0) forwarded['content-encoding'] = remaining.join(',');
    else delete forwarded['content-encoding'];
  }
  return forwarded;
}
