/**
 * Decodes the `aws-chunked` content encoding the SDK uses for streamed uploads:
 *
 *     <hex size>[;chunk-signature=<sig>]\r\n<bytes>\r\n ... 0[;chunk-signature=<sig>]\r\n
 *     [<trailer-name>:<value>\r\n ...]\r\n
 *
 * The current SDK sends it for PutObject/UploadPart with a body of unknown length, with the
 * checksum (`x-amz-checksum-crc32` by default) as a trailer. s3rver does not understand it and
 * would store the framing as object bytes; the local S3 decodes it first.
 */

/** The body was not valid aws-chunked data. */
export class AwsChunkedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AwsChunkedError';
  }
}

type State = 'size' | 'data' | 'data-end' | 'trailers' | 'done';

const CRLF = Buffer.from('\r\n');
/** A size line or trailer longer than this is not aws-chunked data. */
const MAX_LINE_BYTES = 16 * 1024;

/** An incremental decoder: feed the raw body with `write`, then call `end`. */
export class AwsChunkedDecoder {
  #state: State = 'size';
  #pending: Buffer = Buffer.alloc(0);
  #remaining = 0;
  readonly #trailers: Record<string, string> = {};

  /** Consumes the next raw bytes and returns the payload bytes they complete, in order. */
  write(chunk: Uint8Array): Buffer[] {
    const payload: Buffer[] = [];
    let input = this.#pending.length > 0 ? Buffer.concat([this.#pending, chunk]) : Buffer.from(chunk);
    this.#pending = Buffer.alloc(0);
    while (input.length > 0 && this.#state !== 'done') {
      if (this.#state === 'data') {
        const take = Math.min(this.#remaining, input.length);
        payload.push(input.subarray(0, take));
        input = input.subarray(take);
        this.#remaining -= take;
        if (this.#remaining === 0) this.#state = 'data-end';
        continue;
      }
      const lineEnd = input.indexOf(CRLF);
      if (lineEnd === -1) {
        if (input.length > MAX_LINE_BYTES) throw new AwsChunkedError('Chunk header or trailer line too long');
        this.#pending = input;
        break;
      }
      const line = input.subarray(0, lineEnd).toString('latin1');
      input = input.subarray(lineEnd + CRLF.length);
      this.#readLine(line);
    }
    if (this.#state === 'done' && input.length > 0) throw new AwsChunkedError('Data after the final chunk');
    return payload;
  }

  /** Checks the body ended where it should and returns its trailers, by lower-case name. */
  end(): Readonly<Record<string, string>> {
    if (this.#state !== 'done' || this.#pending.length > 0) throw new AwsChunkedError('Body ended mid-chunk');
    return this.#trailers;
  }

  #readLine(line: string): void {
    switch (this.#state) {
      case 'size': {
        const sizeText = line.split(';', 1)[0]?.trim() ?? '';
        if (!/^[0-9a-fA-F]+$/.test(sizeText)) throw new AwsChunkedError(`Invalid chunk size line "${line}"`);
        this.#remaining = Number.parseInt(sizeText, 16);
        this.#state = this.#remaining === 0 ? 'trailers' : 'data';
        return;
      }
      case 'data-end':
        if (line !== '') throw new AwsChunkedError('Chunk data longer than its declared size');
        this.#state = 'size';
        return;
      case 'trailers': {
        if (line === '') {
          this.#state = 'done';
          return;
        }
        const colon = line.indexOf(':');
        if (colon <= 0) throw new AwsChunkedError(`Invalid trailer "${line}"`);
        this.#trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
        return;
      }
      default:
        throw new AwsChunkedError(`Unexpected line in state ${this.#state}`);
    }
  }
}
