/**
 * Fault injection per endpoint: 5xx answers, latency, malformed JSON and dropped connections,
 * drawn from a seeded stream per endpoint (so a scenario replays the same faults for the same
 * call sequence), plus faults forced one by one by a test through the control API, among them any
 * status with any JSON body (an answer of Zoom's the simulator's own logic never gives, such as a
 * 400 for a request it accepts).
 */
import { STATUS_CODES } from 'node:http';
import * as z from 'zod';
import type { EndpointName } from './operations.ts';
import { createRandom, type Random } from './random.ts';
import type { FaultSpec } from './scenario.ts';
import type { JsonResponse } from './zoom-errors.ts';

export type FaultKind = 'serverError' | 'malformedJson' | 'dropConnection' | 'latency' | 'status';

export const forcedFaultSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('serverError'),
    status: z.number().int().min(500).max(599).default(503),
    afterHandling: z.boolean().default(false),
  }),
  // A malformed body is always one the server produced, so the request always takes effect.
  z.strictObject({ kind: z.literal('malformedJson') }),
  z.strictObject({ kind: z.literal('dropConnection'), afterHandling: z.boolean().default(false) }),
  z.strictObject({ kind: z.literal('latency'), ms: z.number().int().nonnegative() }),
  z.strictObject({
    kind: z.literal('status'),
    status: z.number().int().min(400).max(599),
    /** The JSON body; Zoom's `{code, message}` for the status when absent. */
    body: z.json().optional(),
    headers: z.record(z.string(), z.string()).default({}),
    /** Whether the request takes effect before this answer replaces Zoom's (a 4xx never does). */
    afterHandling: z.boolean().default(false),
  }),
]);

export type ForcedFault = z.input<typeof forcedFaultSchema>;

export type Failure =
  | { readonly kind: 'serverError'; readonly status: number }
  | { readonly kind: 'malformedJson' }
  | { readonly kind: 'dropConnection' }
  | { readonly kind: 'status'; readonly response: JsonResponse };

/** What to do to one request: wait, then maybe replace its answer. */
export interface FaultPlan {
  readonly latencyMs: number;
  readonly failure: Failure | undefined;
  /**
   * The request takes effect (e.g. the POST creates its interaction) before its answer is lost:
   * Zoom did the work but the caller cannot know. Always so for malformed JSON.
   */
  readonly afterHandling: boolean;
}

const noFault: FaultPlan = { latencyMs: 0, failure: undefined, afterHandling: false };

export class FaultInjector {
  readonly #seed: number | string;
  readonly #specs = new Map<EndpointName | '*', FaultSpec>();
  readonly #streams = new Map<EndpointName, Random>();
  readonly #forced = new Map<EndpointName, Array<z.output<typeof forcedFaultSchema>>>();

  constructor(seed: number | string, specs: Partial<Record<EndpointName | '*', FaultSpec>>) {
    this.#seed = seed;
    for (const [endpoint, spec] of Object.entries(specs) as Array<[EndpointName | '*', FaultSpec]>) {
      this.#specs.set(endpoint, spec);
    }
  }

  /** Replaces (or with undefined removes) the random faults of one endpoint, or of all ('*'). */
  setSpec(endpoint: EndpointName | '*', spec: FaultSpec | undefined): void {
    if (spec === undefined) this.#specs.delete(endpoint);
    else this.#specs.set(endpoint, spec);
  }

  /** Queues faults that the next requests to `endpoint` get, in order, before any random one. */
  force(endpoint: EndpointName, faults: readonly ForcedFault[]): void {
    const queue = this.#forced.get(endpoint) ?? [];
    queue.push(...faults.map((fault) => forcedFaultSchema.parse(fault)));
    this.#forced.set(endpoint, queue);
  }

  plan(endpoint: EndpointName): FaultPlan {
    const forced = this.#forced.get(endpoint)?.shift();
    if (forced !== undefined) {
      if (forced.kind === 'latency')
        return { latencyMs: forced.ms, failure: undefined, afterHandling: false };
      if (forced.kind === 'malformedJson')
        return { latencyMs: 0, failure: { kind: 'malformedJson' }, afterHandling: true };
      if (forced.kind === 'status')
        return {
          latencyMs: 0,
          failure: { kind: 'status', response: forcedResponse(forced) },
          afterHandling: forced.afterHandling,
        };
      const failure: Failure =
        forced.kind === 'serverError'
          ? { kind: 'serverError', status: forced.status }
          : { kind: forced.kind };
      return { latencyMs: 0, failure, afterHandling: forced.afterHandling };
    }
    const spec = this.#specs.get(endpoint) ?? this.#specs.get('*');
    if (spec === undefined) return noFault;
    const random = this.#stream(endpoint);
    // Always four draws per request, so changing one rate does not shift the other faults' draws.
    const failureDraw = random.next();
    const latencyDraw = random.next();
    const latencyFraction = random.next();
    const statusDraw = random.next();
    const latencyMs =
      latencyDraw < spec.latencyRate
        ? Math.round(spec.latencyMs.min + latencyFraction * (spec.latencyMs.max - spec.latencyMs.min))
        : 0;
    const failure = pickFailure(spec, failureDraw, statusDraw);
    return { latencyMs, failure, afterHandling: spec.afterHandling || failure?.kind === 'malformedJson' };
  }

  #stream(endpoint: EndpointName): Random {
    const existing = this.#streams.get(endpoint);
    if (existing !== undefined) return existing;
    const created = createRandom(this.#seed, 'faults', endpoint);
    this.#streams.set(endpoint, created);
    return created;
  }
}

/** The answer a forced status fault gives: its body, or Zoom's `{code, message}` for the status. */
function forcedResponse(
  fault: Extract<z.output<typeof forcedFaultSchema>, { kind: 'status' }>,
): JsonResponse {
  return {
    status: fault.status,
    body: fault.body ?? { code: fault.status, message: STATUS_CODES[fault.status] ?? 'Error' },
    headers: fault.headers,
  };
}

function pickFailure(spec: FaultSpec, draw: number, statusDraw: number): Failure | undefined {
  if (draw < spec.dropConnectionRate) return { kind: 'dropConnection' };
  if (draw < spec.dropConnectionRate + spec.serverErrorRate) {
    const status = spec.serverErrorStatuses[Math.floor(statusDraw * spec.serverErrorStatuses.length)] ?? 500;
    return { kind: 'serverError', status };
  }
  if (draw < spec.dropConnectionRate + spec.serverErrorRate + spec.malformedJsonRate)
    return { kind: 'malformedJson' };
  return undefined;
}

const reasons: Readonly<Record<number, string>> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/**
 * A 5xx as Zoom's edge serves it: the application's 500 is JSON; the gateway's 502/503/504 are
 * HTML pages, so a client must not assume an error body is JSON.
 */
export function serverErrorBody(status: number): { contentType: string; body: string } {
  const reason = reasons[status] ?? 'Server Error';
  if (status === 500) {
    return {
      contentType: 'application/json;charset=UTF-8',
      body: JSON.stringify({ code: 500, message: reason }),
    };
  }
  return {
    contentType: 'text/html',
    body: `<html>\r\n<head><title>${status} ${reason}</title></head>\r\n<body>\r\n<center><h1>${status} ${reason}</h1></center>\r\n</body>\r\n</html>\r\n`,
  };
}

/** The first part of a valid body: the JSON is cut, as when a connection breaks mid-response. */
export function truncateJson(body: string): string {
  return body.slice(0, Math.max(1, Math.floor(body.length / 2)));
}
