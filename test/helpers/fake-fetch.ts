/**
 * A scripted stand-in for `fetch`: it records every request and answers from per-route scripts,
 * so unit tests check exactly what a client sent and control exactly what it receives (statuses,
 * headers, bodies, resets, timeouts) without a socket.
 */

/** A request as the fake received it. */
export interface RecordedRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Headers;
  /** The body as text; undefined when none was sent. */
  readonly body: string | undefined;
  readonly signal: AbortSignal | undefined;
}

/** One scripted answer: produces a Response, or rejects like fetch does on a network failure. */
export type FakeReply = (request: RecordedRequest) => Promise<Response>;

interface Route {
  readonly method: string;
  readonly matches: (url: URL) => boolean;
  readonly replies: FakeReply[];
  /** The reply given once the script is used up: the last one, repeated. */
  lastReply: FakeReply | undefined;
}

export class FakeFetch {
  readonly requests: RecordedRequest[] = [];
  readonly #routes: Route[] = [];

  /**
   * Scripts the answers to `method` on `path` (a URL pathname, or a test on the whole URL), given
   * in order; once they are used up the last one repeats. Later routes take precedence.
   */
  route(method: string, path: string | ((url: URL) => boolean), ...replies: FakeReply[]): this {
    if (replies.length === 0) {
      throw new Error('route() needs at least one reply');
    }
    const matches = typeof path === 'string' ? (url: URL) => url.pathname === path : path;
    this.#routes.unshift({
      method: method.toUpperCase(),
      matches,
      replies: [...replies],
      lastReply: undefined,
    });
    return this;
  }

  /** The requests sent to `method` on `pathname`, in order. */
  requestsTo(method: string, pathname: string): RecordedRequest[] {
    return this.requests.filter(
      (request) => request.method === method.toUpperCase() && request.url.pathname === pathname,
    );
  }

  /** The fetch function to inject. */
  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = await record(input, init);
    this.requests.push(request);
    const route = this.#routes.find(
      (candidate) => candidate.method === request.method && candidate.matches(request.url),
    );
    if (route === undefined) {
      throw new Error(`FakeFetch: no route for ${request.method} ${request.url.href}`);
    }
    const reply = route.replies.shift() ?? route.lastReply;
    if (reply === undefined) {
      throw new Error(`FakeFetch: no reply left for ${request.method} ${request.url.href}`);
    }
    route.lastReply = reply;
    return reply(request);
  };
}

async function record(
  input: string | URL | Request,
  init: RequestInit | undefined,
): Promise<RecordedRequest> {
  if (input instanceof Request) {
    return {
      method: input.method.toUpperCase(),
      url: new URL(input.url),
      headers: new Headers(input.headers),
      body: input.body === null ? undefined : await input.text(),
      signal: input.signal,
    };
  }
  const body = init?.body;
  return {
    method: (init?.method ?? 'GET').toUpperCase(),
    url: new URL(String(input)),
    headers: new Headers(init?.headers),
    body: body === undefined || body === null ? undefined : await new Response(body).text(),
    signal: init?.signal ?? undefined,
  };
}

/** Answers `status` with `body` as JSON. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): FakeReply {
  return async () =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'Content-Type': 'application/json', ...headers },
    });
}

/** Answers `status` with a raw text body (e.g. truncated JSON or an HTML error page). */
export function text(status: number, body: string, headers: Record<string, string> = {}): FakeReply {
  return async () => new Response(body, { status, headers });
}

/** Answers with whatever `respond` builds from the request (to check the request and choose the answer). */
export function dynamic(respond: (request: RecordedRequest) => FakeReply): FakeReply {
  return (request) => respond(request)(request);
}

/** Fails like fetch on a dropped connection: a TypeError whose cause carries the system error code. */
export function networkError(code = 'ECONNRESET'): FakeReply {
  return async () => {
    throw new TypeError('fetch failed', { cause: Object.assign(new Error(`socket ${code}`), { code }) });
  };
}

/**
 * Never answers: waits until the request's signal aborts, then rejects with its reason, as fetch
 * does when a timeout signal fires. The outcome does not depend on timing, only on the client
 * having set a timeout.
 */
export function hang(): FakeReply {
  return (request) =>
    new Promise<Response>((_resolve, reject) => {
      const signal = request.signal;
      if (signal === undefined) {
        reject(new Error('FakeFetch.hang(): the request has no signal, so it would hang forever'));
        return;
      }
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
}

/**
 * Answers `status` and headers at once, then never finishes the body until the request's signal
 * aborts: a server that stalls mid-body. The body then fails with the abort reason, as fetch's does.
 */
export function stallBody(status = 200): FakeReply {
  return async (request) => {
    const signal = request.signal;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"interactions": ['));
        signal?.addEventListener('abort', () => controller.error(signal.reason), { once: true });
      },
    });
    return new Response(body, { status, headers: { 'Content-Type': 'application/json' } });
  };
}
