import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { LOOPBACK_HOST } from '../constants.ts';
import { closeServer, listen, loopbackUrl } from '../http.ts';

/**
 * The HTTP server of one emulated service on 127.0.0.1, plus a local-only inspection path,
 * `GET /_local/published`, answering what the service published as JSON (tests in other processes
 * and the local runtime read it there). AWS APIs never use that path.
 */
export interface EmulatorServer {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

export const PUBLISHED_PATH = '/_local/published';

export async function startEmulatorServer(options: {
  readonly name: string;
  readonly port: number | undefined;
  readonly handle: (request: IncomingMessage, response: ServerResponse, endpoint: string) => Promise<void>;
  readonly published?: () => unknown;
}): Promise<EmulatorServer> {
  let endpoint = '';
  const server = createServer((request, response) => {
    if (request.method === 'GET' && options.published !== undefined && request.url === PUBLISHED_PATH) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(options.published()));
      return;
    }
    options.handle(request, response, endpoint).catch((error: unknown) => {
      // The handlers answer every expected failure themselves; this is a bug, not a caller's error.
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(`Local ${options.name} emulator failure: ${String(error)}`);
    });
  });
  const port = await listen(server, options.port ?? 0, LOOPBACK_HOST, options.name);
  endpoint = loopbackUrl(port);
  return { endpoint, port, stop: () => closeServer(server) };
}
