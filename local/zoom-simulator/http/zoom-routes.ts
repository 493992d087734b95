/**
 * The Zoom-facing HTTP surface: POST /oauth/token and the six operations under /v2, each request
 * going through what Zoom's edge does in order: route, authenticate (401 code 124), check scopes
 * (4711), rate-limit (429), then (in the simulator) injected faults, then the operation itself.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Counters } from '../counters.ts';
import { type FaultInjector, type FaultPlan, serverErrorBody, truncateJson } from '../faults.ts';
import type { TokenAuthority } from '../oauth.ts';
import { type EndpointName, matchOperation, type OperationName, type RateLimitLabel } from '../operations.ts';
import type { RateLimitWindows } from '../rate-limits.ts';
import type { ZoomQmApi } from '../zoom-api.ts';
import { type JsonResponse, zoomErrors } from '../zoom-errors.ts';
import { jsonContentType, readBody, writeJson, writeText } from './io.ts';

export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

export interface ZoomRoutesDependencies {
  readonly tokens: TokenAuthority;
  readonly rateLimits: RateLimitWindows;
  readonly faults: FaultInjector;
  readonly counters: Counters;
  readonly api: ZoomQmApi;
  readonly labels: Readonly<Record<OperationName, RateLimitLabel>>;
  readonly sleep: Sleep;
  /** Aborted when the simulator stops, so injected latency does not hold it open. */
  readonly stopping: AbortSignal;
  /** The server's origin, e.g. http://127.0.0.1:4010 (known once it listens). */
  readonly origin: () => string;
}

export const apiBasePath = '/v2';
export const tokenPath = '/oauth/token';

/** Handles the request if it is Zoom's; returns false for paths that are not. */
export async function handleZoomRequest(
  deps: ZoomRoutesDependencies,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): Promise<boolean> {
  if (url.pathname === tokenPath) {
    await handleTokenRequest(deps, request, response, url);
    return true;
  }
  if (url.pathname !== apiBasePath && !url.pathname.startsWith(`${apiBasePath}/`)) return false;
  const route = matchOperation(request.method ?? 'GET', url.pathname.slice(apiBasePath.length));
  if (route === undefined) {
    writeJson(response, zoomErrors.unknownRoute());
    return true;
  }
  if ('methodMismatch' in route) {
    writeJson(response, zoomErrors.methodNotAllowed());
    return true;
  }
  const operation = route.operation;
  const body = await readBody(request);
  const answer = (status: JsonResponse) => {
    deps.counters.recordCall(operation.name, status.status);
    writeJson(response, status);
  };
  if (!body.ok) return answerWith(answer, zoomErrors.invalidJsonBody());

  const authentication = deps.tokens.authenticate(request.headers.authorization);
  if (!authentication.authenticated) return answerWith(answer, authentication.response);
  if (!operation.scopes.some((scope) => authentication.scopes.includes(scope))) {
    return answerWith(answer, zoomErrors.missingScopes(operation.scopes));
  }
  const label = deps.labels[operation.name];
  deps.counters.recordLabel(label);
  const verdict = deps.rateLimits.take(label);
  if (!verdict.allowed) {
    deps.counters.recordRateLimited(operation.name, label, verdict.type);
    return answerWith(answer, verdict.response);
  }

  const idempotencyKey = request.headers['idempotency-key'];
  await serveWithFaults(deps, operation.name, response, () => {
    const result = deps.api.handle(operation.name, {
      pathParameter: route.pathParameter,
      query: url.searchParams,
      body: body.text,
      idempotencyKey: Array.isArray(idempotencyKey) ? idempotencyKey[0] : idempotencyKey,
      origin: deps.origin(),
    });
    return { ...result, headers: { ...verdict.headers, ...result.headers } };
  });
  return true;
}

function answerWith(answer: (response: JsonResponse) => void, response: JsonResponse): true {
  answer(response);
  return true;
}

async function handleTokenRequest(
  deps: ZoomRoutesDependencies,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): Promise<void> {
  if (request.method !== 'POST') {
    deps.counters.recordCall('requestToken', 405);
    writeJson(response, zoomErrors.methodNotAllowed());
    return;
  }
  const body = await readBody(request);
  await serveWithFaults(deps, 'requestToken', response, () =>
    deps.tokens.issue({
      authorization: request.headers.authorization,
      body: body.ok ? body.text : '',
      query: url.searchParams,
      apiUrl: deps.origin(),
    }),
  );
}

/**
 * Runs `handle` under the endpoint's fault plan: wait the injected latency, then either answer
 * normally or replace the answer with the fault, before or after `handle` took effect.
 */
async function serveWithFaults(
  deps: ZoomRoutesDependencies,
  endpoint: EndpointName,
  response: ServerResponse,
  handle: () => JsonResponse,
): Promise<void> {
  const plan: FaultPlan = deps.faults.plan(endpoint);
  if (plan.latencyMs > 0) {
    deps.counters.recordFault(endpoint, 'latency');
    await deps.sleep(plan.latencyMs, deps.stopping);
    if (deps.stopping.aborted || response.destroyed) return;
  }
  const failure = plan.failure;
  if (failure === undefined) {
    const answer = handle();
    deps.counters.recordCall(endpoint, answer.status);
    writeJson(response, answer);
    return;
  }
  deps.counters.recordFault(endpoint, failure.kind);
  if (failure.kind === 'malformedJson') {
    // A mangled body is a body the server produced: the request has taken effect.
    const produced = handle();
    deps.counters.recordCall(endpoint, produced.status);
    writeText(
      response,
      produced.status,
      jsonContentType,
      truncateJson(JSON.stringify(produced.body)),
      produced.headers,
    );
    return;
  }
  if (plan.afterHandling) handle();
  if (failure.kind === 'status') {
    deps.counters.recordCall(endpoint, failure.response.status);
    writeJson(response, failure.response);
    return;
  }
  if (failure.kind === 'dropConnection') {
    deps.counters.recordCall(endpoint, 'dropped');
    response.socket?.destroy();
    return;
  }
  deps.counters.recordCall(endpoint, failure.status);
  const error = serverErrorBody(failure.status);
  writeText(response, failure.status, error.contentType, error.body);
}
