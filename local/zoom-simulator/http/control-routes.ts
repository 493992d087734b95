/**
 * The control and inspection API over HTTP, under /_simulator: a prefix no Zoom path can take
 * (Zoom's are /oauth and /v2). For tests in other processes and for a developer with curl.
 *
 *   GET  /_simulator/inspect                         the snapshot (calls, 429s, tokens, downloads, interactions)
 *   POST /_simulator/reset-counters
 *   POST /_simulator/reset-rate-limits
 *   POST /_simulator/modes                           {quirks?, idempotency?, revokePreviousTokens?, tokenLifetimeSeconds?}
 *   POST /_simulator/tokens/revoke
 *   POST /_simulator/manual-evaluations/advance      {seconds}
 *   POST /_simulator/manual-evaluations/finish
 *   POST /_simulator/faults                          {endpoint, spec?}   (no spec: remove)
 *   POST /_simulator/faults/force                    {endpoint, faults: [...]}
 *   POST /_simulator/downloads/settled               answers once no download is pending
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as z from 'zod';
import type { SimulatorControl, SimulatorSnapshot } from '../control.ts';
import { modesSchema } from '../control.ts';
import { forcedFaultSchema } from '../faults.ts';
import { endpointNames } from '../operations.ts';
import { faultSpecSchema } from '../scenario.ts';
import { readBody, writeJson } from './io.ts';

const controlPrefix = '/_simulator';

const endpointSchema = z.enum(endpointNames);

type Action = (body: unknown) => unknown;

function routes(control: SimulatorControl, inspect: () => SimulatorSnapshot): Record<string, Action> {
  return {
    'GET /inspect': () => inspect(),
    'POST /reset-counters': () => {
      control.resetCounters();
      return { reset: 'counters' };
    },
    'POST /reset-rate-limits': () => {
      control.resetRateLimits();
      return { reset: 'rate-limits' };
    },
    'POST /modes': (body) => control.setModes(modesSchema.parse(body)),
    'POST /tokens/revoke': () => ({ revoked: control.revokeTokens() }),
    'POST /manual-evaluations/advance': (body) => {
      const { seconds } = z.strictObject({ seconds: z.number().nonnegative() }).parse(body);
      return { moved: control.advanceManualEvaluations(seconds) };
    },
    'POST /manual-evaluations/finish': () => ({ moved: control.finishManualEvaluations() }),
    'POST /faults': (body) => {
      const { endpoint, spec } = z
        .strictObject({
          endpoint: z.union([endpointSchema, z.literal('*')]),
          spec: faultSpecSchema.optional(),
        })
        .parse(body);
      control.setFaults(endpoint, spec);
      return { endpoint, spec: spec ?? null };
    },
    'POST /faults/force': (body) => {
      const { endpoint, faults } = z
        .strictObject({ endpoint: endpointSchema, faults: z.array(forcedFaultSchema).min(1) })
        .parse(body);
      control.forceFaults(endpoint, faults);
      return { endpoint, queued: faults.length };
    },
  };
}

/** Handles /_simulator requests; returns false for other paths. */
export async function handleControlRequest(
  control: SimulatorControl,
  inspect: () => SimulatorSnapshot,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): Promise<boolean> {
  if (url.pathname !== controlPrefix && !url.pathname.startsWith(`${controlPrefix}/`)) return false;
  const route = `${request.method ?? 'GET'} ${url.pathname.slice(controlPrefix.length).replace(/\/$/, '')}`;
  if (route === 'POST /downloads/settled') {
    await control.downloadsSettled();
    writeJson(response, { status: 200, body: { settled: true } });
    return true;
  }
  const action = routes(control, inspect)[route];
  if (action === undefined) {
    writeJson(response, { status: 404, body: { error: `no control route ${route}` } });
    return true;
  }
  const body = await readBody(request);
  let parsed: unknown = {};
  if (body.ok && body.text.trim() !== '') {
    try {
      parsed = JSON.parse(body.text);
    } catch {
      writeJson(response, { status: 400, body: { error: 'the body is not JSON' } });
      return true;
    }
  }
  try {
    writeJson(response, { status: 200, body: action(parsed) ?? {} });
  } catch (error) {
    if (!(error instanceof z.ZodError)) throw error;
    writeJson(response, { status: 400, body: { error: z.prettifyError(error) } });
  }
  return true;
}
