import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { WEBHOOK_PATH } from '../../shared/config/resources.ts';
import type { InvocationResult } from '../triggers/index.ts';

/**
 * The local stand-in for the stack's HTTP API in front of the webhook function: a server on
 * 127.0.0.1 whose one route, POST {@link WEBHOOK_PATH}, becomes the API Gateway payload 2.0 event
 * the function receives in AWS (lower-case headers, the body as the text that was sent), and whose
 * answer is the function's. A failed invocation is a 500, as the HTTP API answers it.
 */

export interface LocalWebhookEndpoint {
  /** The URL the simulator's webhooks are sent to (printed in the banner). */
  readonly url: string;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
/** Zoom's events are small; anything larger is refused before it reaches the function. */
const MAX_BODY_BYTES = 256 * 1024;

export async function startWebhookEndpoint(
  invoke: (event: APIGatewayProxyEventV2) => Promise<InvocationResult<unknown>>,
  port = 0,
): Promise<LocalWebhookEndpoint> {
  const server = createServer((request, response) => {
    handle(request, response, invoke).catch(() => respond(response, { statusCode: 500, body: '' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://${HOST}:${bound}${WEBHOOK_PATH}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  invoke: (event: APIGatewayProxyEventV2) => Promise<InvocationResult<unknown>>,
): Promise<void> {
  const path = new URL(request.url ?? '/', `http://${HOST}`).pathname;
  if (request.method !== 'POST' || path !== WEBHOOK_PATH) {
    respond(response, { statusCode: 404, body: '{"message":"Not Found"}' });
    return;
  }
  const body = await readBody(request);
  if (body === undefined) {
    respond(response, { statusCode: 413, body: '{"message":"Request Entity Too Large"}' });
    return;
  }
  const result = await invoke(payloadEvent(request, path, body));
  respond(
    response,
    result.ok ? (result.value as APIGatewayProxyStructuredResultV2) : { statusCode: 500, body: '' },
  );
}

function payloadEvent(request: IncomingMessage, path: string, body: Buffer): APIGatewayProxyEventV2 {
  const headers = Object.fromEntries(
    Object.entries(request.headers).map(([name, value]) => [
      name.toLowerCase(),
      Array.isArray(value) ? value.join(',') : value,
    ]),
  );
  const now = Date.now();
  return {
    version: '2.0',
    routeKey: `POST ${WEBHOOK_PATH}`,
    rawPath: path,
    rawQueryString: '',
    headers,
    body: body.toString('utf8'),
    isBase64Encoded: false,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: HOST,
      domainPrefix: HOST,
      http: {
        method: 'POST',
        path,
        protocol: 'HTTP/1.1',
        sourceIp: request.socket.remoteAddress ?? HOST,
        userAgent: String(headers['user-agent'] ?? ''),
      },
      requestId: randomUUID(),
      routeKey: `POST ${WEBHOOK_PATH}`,
      stage: '$default',
      time: new Date(now).toISOString(),
      timeEpoch: now,
    },
  };
}

async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function respond(response: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  if (response.headersSent) return;
  response.writeHead(result.statusCode ?? 200, { 'content-type': 'application/json' });
  response.end(result.body ?? '');
}
