/**
 * Shared pieces of the simulator's HTTP tests: a clock the test moves, a tiny recording server
 * (a good file, an expired presigned URL answering like S3, a missing one), and plain-fetch
 * helpers. Deliberately not the project's Zoom client: these tests pin the simulator to Zoom's
 * documents, independently of the client they will later judge.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ZoomSimulator } from '../../../local/zoom-simulator/index.ts';
import { ManualClock as SharedManualClock } from '../../helpers/shared-manual-clock.ts';

/** A wall clock that moves only when the test says so, starting on the morning these tests use. */
export class ManualClock extends SharedManualClock {
  constructor(start: number | string = '2026-03-02T09:00:00Z') {
    super(start);
  }
}

export const minutes = (count: number): number => count * 60_000;
export const hours = (count: number): number => count * 3_600_000;

/** S3's answer to an expired presigned GET. */
export const s3ExpiredBody =
  '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Request has expired</Message><X-Amz-Expires>900</X-Amz-Expires></Error>';

export interface RecordingServer {
  /**
   * /ok/... serves `bytes` bytes; /expired/... is S3's 403; /broken/... drops the connection;
   * /stalled/... never answers; /empty/... is an empty 200; anything else is 404.
   */
  url(path: string): string;
  readonly requests: string[];
  stop(): Promise<void>;
}

export async function startRecordingServer(bytes = 64 * 1024): Promise<RecordingServer> {
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    const path = request.url ?? '/';
    requests.push(path);
    if (path.startsWith('/ok/')) {
      response.writeHead(200, { 'Content-Type': 'audio/mpeg', 'Content-Length': String(bytes) });
      response.end(Buffer.alloc(bytes, 7));
    } else if (path.startsWith('/broken/')) {
      request.socket.destroy();
    } else if (path.startsWith('/stalled/')) {
      // Never answers: the caller's timeout has to end it.
    } else if (path.startsWith('/empty/')) {
      response.writeHead(200, { 'Content-Type': 'audio/mpeg', 'Content-Length': '0' });
      response.end();
    } else if (path.startsWith('/expired/')) {
      response.writeHead(403, { 'Content-Type': 'application/xml' });
      response.end(s3ExpiredBody);
    } else {
      response.writeHead(404, { 'Content-Type': 'application/xml' });
      response.end(
        '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>',
      );
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export function basicAuthorization(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
}

/** POST /oauth/token with the simulator's credentials, overridable to test failures. */
export function requestToken(
  simulator: ZoomSimulator,
  overrides: { clientSecret?: string; accountId?: string; grantType?: string } = {},
): Promise<Response> {
  const { clientId, clientSecret, accountId } = simulator.credentials;
  const form = new URLSearchParams({
    grant_type: overrides.grantType ?? 'account_credentials',
    account_id: overrides.accountId ?? accountId,
  });
  return fetch(simulator.oauthUrl, {
    method: 'POST',
    headers: {
      Authorization: basicAuthorization(clientId, overrides.clientSecret ?? clientSecret),
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: form.toString(),
  });
}

export async function accessToken(simulator: ZoomSimulator): Promise<string> {
  const response = await requestToken(simulator);
  if (response.status !== 200) throw new Error(`token request failed: ${response.status}`);
  const body = (await response.json()) as { access_token: string };
  return body.access_token;
}

/** GET (or any method) below the API base URL with a bearer token. */
export function callApi(
  simulator: ZoomSimulator,
  token: string,
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Response> {
  return fetch(`${simulator.apiBaseUrl}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      Authorization: `Bearer ${token}`,
      ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...init.headers,
    },
    ...(init.body === undefined
      ? {}
      : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
  });
}

/** A complete, valid POST body for a recording at `downloadUrl`. */
export function interactionBody(
  downloadUrl: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    download_url: downloadUrl,
    interaction_info: {
      from: '+12053546173',
      to: '+12095422197',
      consumer_name: 'Jill Chill',
      channel_type: 'voice',
      agent_id: 'ycEUjKmDSnuPwF33KLTxJg',
      agent_email: 'ann.lee@example.com',
    },
    start_time: '2026-03-02T08:13:02Z',
    direction: 'inbound',
    queue_id: 'zxcv12m',
    disposition: 'Resolved',
    primary_language: 'en-US',
    ...overrides,
  };
}

/** An evaluation as the lists and the interaction detail show it (the fields these tests read). */
export interface EvaluationItem {
  readonly id: string;
  readonly status: string;
  readonly evaluation_id: string;
  readonly evaluation_type: string;
  readonly evaluation_status_desc: string;
}

/** An item of GET /qm/interactions (the fields these tests read). */
export interface InteractionItem {
  readonly start_time: string;
  readonly direction: string;
  readonly primary_language: string;
  readonly interaction_info: { readonly interaction_id: string; readonly channel_type: string };
}

/**
 * The parts of Zoom's (and the control API's) bodies these tests read. Every field is optional:
 * each body has only some. Assertions compare whole bodies; this type only lets tests navigate.
 */
export interface ZoomBody {
  readonly code?: number;
  readonly message?: string;
  readonly error?: string;
  readonly errors?: ReadonlyArray<{ readonly field: string; readonly message: string }>;
  readonly interaction_id?: string;
  readonly interactions?: readonly InteractionItem[];
  readonly data?: readonly EvaluationItem[];
  readonly total?: number;
  readonly total_records?: number;
  readonly page_size?: number;
  readonly next_page_token?: string;
  readonly interaction_info?: {
    readonly interaction_id: string;
    readonly evaluations: readonly EvaluationItem[];
  };
  readonly transcript_body?: { readonly host_id: string; readonly items: readonly unknown[] };
  readonly access_token?: string;
  readonly api_url?: string;
}

export async function postInteraction(
  simulator: ZoomSimulator,
  token: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: ZoomBody }> {
  return json(callApi(simulator, token, '/qm/interactions', { method: 'POST', body, headers }));
}

/** Reads a JSON body with its status, for compact assertions. */
export async function json(
  response: Response | Promise<Response>,
): Promise<{ status: number; body: ZoomBody }> {
  const resolved = await response;
  return { status: resolved.status, body: (await resolved.json()) as ZoomBody };
}
