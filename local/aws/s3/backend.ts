import {
  Agent,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { LOOPBACK_HOST } from '../constants.ts';

/** What reaches s3rver: the path (with its query) and headers, and the body when the front read it. */
export interface ForwardedRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body?: Buffer;
}

/**
 * The s3rver behind the local S3 front, on its own loopback port: requests are proxied to it
 * (with the few header fixes it needs) and the front asks it about buckets and objects directly.
 */
export class S3Backend {
  readonly #port: number;
  readonly #agent = new Agent({ keepAlive: true });

  constructor(port: number) {
    this.#port = port;
  }

  /** Proxies the request to s3rver and s3rver's response back; resolves with the status code once it is sent. */
  forward(request: IncomingMessage, response: ServerResponse, content: ForwardedRequest): Promise<number> {
    return new Promise((resolve, reject) => {
      const headers = { ...content.headers };
      // The front already answered `Expect: 100-continue`; the body follows at once.
      delete headers.expect;
      const copySource = headers['x-amz-copy-source'];
      if (typeof copySource === 'string') headers['x-amz-copy-source'] = copySourceForS3rver(copySource);
      const upstream = httpRequest(
        {
          host: LOOPBACK_HOST,
          port: this.#port,
          method: request.method,
          path: content.path,
          headers,
          agent: this.#agent,
        },
        (backendResponse) => {
          const status = backendResponse.statusCode ?? 500;
          for (const [name, value] of Object.entries(backendResponse.headers)) {
            if (value !== undefined) response.setHeader(name, value);
          }
          response.writeHead(status);
          backendResponse.pipe(response);
          backendResponse.once('end', () => resolve(status));
          backendResponse.once('error', reject);
        },
      );
      upstream.once('error', reject);
      request.once('error', (error) => upstream.destroy(error));
      if (content.body === undefined) request.pipe(upstream);
      else upstream.end(content.body);
    });
  }

  async bucketExists(bucket: string): Promise<boolean> {
    const { status } = await this.#head(`/${encodeURIComponent(bucket)}`);
    return status !== 404;
  }

  /** The size and eTag (unquoted) of a stored object, as creation events report them. */
  async objectDetails(bucket: string, key: string): Promise<{ size?: number; eTag?: string }> {
    const { headers } = await this.#head(
      `/${encodeURIComponent(bucket)}/${key.split('/').map(encodeURIComponent).join('/')}`,
    );
    const length = Number(headers['content-length']);
    const eTag = unquote(headers.etag);
    return { ...(Number.isNaN(length) ? {} : { size: length }), ...(eTag === undefined ? {} : { eTag }) };
  }

  close(): void {
    this.#agent.destroy();
  }

  #head(path: string): Promise<{ status: number; headers: IncomingHttpHeaders }> {
    return new Promise((resolve, reject) => {
      const upstream = httpRequest(
        { host: LOOPBACK_HOST, port: this.#port, method: 'HEAD', path, agent: this.#agent },
        (backendResponse) => {
          backendResponse.resume();
          resolve({ status: backendResponse.statusCode ?? 500, headers: backendResponse.headers });
        },
      );
      upstream.once('error', reject);
      upstream.end();
    });
  }
}

/** An ETag header value without its quotes, as S3 events carry it. */
export function unquote(value: unknown): string | undefined {
  return typeof value === 'string' ? value.replace(/"/g, '') : undefined;
}

/**
 * s3rver reads x-amz-copy-source with `decodeURI`, which leaves `%2B`, `%3D`... encoded, so a
 * source key with `+` or `=` is not found. Re-encoding the decoded source with `encodeURI` gives
 * the exact key back after s3rver's `decodeURI`.
 */
function copySourceForS3rver(header: string): string {
  const [source = '', version] = header.split('?versionId=');
  const reencoded = encodeURI(decodeURIComponent(source));
  return version === undefined ? reencoded : `${reencoded}?versionId=${version}`;
}
