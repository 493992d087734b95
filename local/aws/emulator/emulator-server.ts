import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { LOOPBACK_HOST } from '../constants.ts';
import { closeServer, listen, loopbackUrl } from '../http.ts';
import type { QueueSender } from '../queue-sender.ts';

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

/** A running emulator's server with the emulator itself, for tests and the local runtime to inspect. */
export interface RunningEmulator<Emulator> extends EmulatorServer {
  readonly emulator: Emulator;
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

/** How the stack starts an emulator that delivers to local queues (SNS, EventBridge). */
export interface DeliveringServerOptions {
  readonly port?: number | undefined;
  readonly region: string;
  /** Where the emulator keeps its resources between runs; in memory only when absent. */
  readonly dataDir?: string | undefined;
  readonly queues: QueueSender | undefined;
  readonly log: (message: string) => void;
}

/** An emulator that records what it published and delivers it after answering. */
export interface PublishingEmulator {
  published(): unknown;
  /** Resolves once every delivery started so far has finished. */
  flush(): Promise<void>;
}

/**
 * Starts the server of an emulator that publishes: the inspection path answers its records, and
 * stopping waits for the deliveries still running, so none outlives the stack.
 */
export async function startPublishingServer<Emulator extends PublishingEmulator>(options: {
  readonly name: string;
  readonly port: number | undefined;
  readonly emulator: Emulator;
  readonly handle: (request: IncomingMessage, response: ServerResponse, endpoint: string) => Promise<void>;
}): Promise<RunningEmulator<Emulator>> {
  const { emulator } = options;
  const server = await startEmulatorServer({
    name: options.name,
    port: options.port,
    handle: options.handle,
    published: () => emulator.published(),
  });
  return {
    ...server,
    emulator,
    stop: async () => {
      await server.stop();
      await emulator.flush();
    },
  };
}
