import type { Clock } from '../clock.ts';
import { redactString } from '../redact.ts';
import * as z from '../zod.ts';
import { type ZoomFailedStep, ZoomTransientError } from './errors.ts';

/**
 * The HTTP seam of the Zoom client: a fetch-compatible function (globalThis.fetch in production, a
 * scripted fake in unit tests), one request with a timeout, and the reading of Zoom's error bodies.
 */

/** The part of `fetch` the client uses; `globalThis.fetch` satisfies it. */
export type FetchFn = (url: string, init: RequestInit) => Promise<Response>;

/** An HTTP answer with its body already read (inside the timeout). */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
  readonly durationMs: number;
}

export interface HttpExchange {
  readonly fetch: FetchFn;
  readonly clock: Clock;
  readonly step: ZoomFailedStep;
  readonly url: string;
  readonly init: RequestInit;
  readonly timeoutMs: number;
}

/**
 * Sends one request and reads its whole body, both within `timeoutMs`. A timeout or a network
 * failure (reset, refused, DNS) becomes a {@link ZoomTransientError}; any HTTP status is returned
 * for the caller to classify. Redirects are not followed: Zoom's API does not redirect, and
 * following one could send a presigned URL in a POST body to another host.
 */
export async function exchange(request: HttpExchange): Promise<HttpAnswer> {
  const startedAt = request.clock.now();
  try {
    const response = await request.fetch(request.url, {
      ...request.init,
      redirect: 'manual',
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    const body = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body,
      durationMs: request.clock.now() - startedAt,
    };
  } catch (error) {
    throw transportFailure(request.step, request.timeoutMs, error);
  }
}

function transportFailure(step: ZoomFailedStep, timeoutMs: number, error: unknown): ZoomTransientError {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new ZoomTransientError(
      `no complete answer within ${timeoutMs} ms`,
      { operation: step },
      'timeout',
      {
        cause: error,
      },
    );
  }
  return new ZoomTransientError(
    `request failed: ${describeNetworkError(error)}`,
    { operation: step },
    'network',
    {
      cause: error,
    },
  );
}

/** "fetch failed" says nothing; the useful part (ECONNRESET, ECONNREFUSED...) is in its cause. */
function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) {
    return 'unknown network error';
  }
  const cause: unknown = error.cause;
  const code =
    typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string'
      ? ` (${cause.code})`
      : '';
  return redactString(`${error.message}${code}`);
}

/** Parses a JSON body, or undefined when it is not JSON. */
export function parseJson(
  body: string,
): { readonly ok: true; readonly value: unknown } | { readonly ok: false } {
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch {
    return { ok: false };
  }
}

const zoomErrorBodySchema = z.object({
  code: z.catch(
    z.optional(z.union([z.number(), z.pipe(z.string().check(z.regex(/^\d+$/)), z.transform(Number))])),
    undefined,
  ),
  message: z.catch(z.optional(z.string()), undefined),
  /** The OAuth endpoint says `reason` and `error` instead of `message` and `code`. */
  reason: z.catch(z.optional(z.string()), undefined),
  error: z.catch(z.optional(z.string()), undefined),
  errors: z.catch(
    z.optional(z.array(z.object({ field: z.catch(z.string(), ''), message: z.catch(z.string(), '') }))),
    undefined,
  ),
});

/** What Zoom says in an error body, read leniently: any part may be missing or the body not JSON. */
export interface ZoomErrorBody {
  readonly code?: number | undefined;
  readonly message?: string | undefined;
  readonly oauthError?: string | undefined;
  readonly fieldErrors: readonly { readonly field: string; readonly message: string }[];
}

export function readZoomErrorBody(body: string): ZoomErrorBody {
  const json = parseJson(body);
  const parsed = json.ok ? zoomErrorBodySchema.safeParse(json.value) : undefined;
  if (parsed === undefined || !parsed.success) {
    return { fieldErrors: [] };
  }
  return {
    code: parsed.data.code,
    message: parsed.data.message ?? parsed.data.reason,
    oauthError: parsed.data.error,
    fieldErrors: parsed.data.errors ?? [],
  };
}
