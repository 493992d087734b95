import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PermanentError } from '../../shared/errors.ts';
import { LOOPBACK_HOST } from './constants.ts';
import { LocalAwsError } from './errors.ts';

/** The base URL of a local server, always by IP: the SDK then uses path-style S3 addressing. */
export function loopbackUrl(port: number): string {
  return `http://${LOOPBACK_HOST}:${port}`;
}

/**
 * Starts `server` on `host:port` (port 0: a free port the OS picks) and returns the bound port.
 * A fixed port that is taken fails with a message naming it instead of an unhandled error event.
 */
export function listen(server: Server, port: number, host: string, name: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      const reason = error.code === 'EADDRINUSE' ? `port ${port} is already in use` : error.message;
      reject(
        new LocalAwsError(`Local ${name} could not listen on ${host}:${port}: ${reason}`, { cause: error }),
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Stops a server and drops its open connections (keep-alive sockets, pending long polls), so the
 * port refuses connections as soon as this resolves instead of whenever idle clients let go.
 */
export function closeServer(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

/** Reads a whole request body, refusing one larger than `maxBytes` rather than exhausting memory. */
export async function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBytes) throw new RequestTooLargeError(maxBytes);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** A request body exceeded what the local server accepts for that call. */
export class RequestTooLargeError extends PermanentError {
  constructor(maxBytes: number) {
    super(`Request body exceeds ${maxBytes} bytes`);
  }
}
