import { startZoomSimulator, type ZoomSimulator } from '../local/zoom-simulator/index.ts';
import { systemClock } from '../shared/clock.ts';
import { effectiveRateLimits, parseZoomProfile } from '../shared/config/zoom-profile.ts';
import { ZoomQmClient } from '../shared/zoom/client.ts';
import { staticCredentials } from '../shared/zoom/credentials.ts';
import { InMemoryTokenStore } from '../shared/zoom/in-memory-token-store.ts';
import { InProcessRateLimiter } from '../shared/zoom/in-process-rate-limiter.ts';
import { type LatencySummary, summarize, timed } from './stats.ts';
import { fixed, ratio, type Table } from './table.ts';

/**
 * What the real Zoom client costs on top of the HTTP round trip: the same requests, one at a time,
 * through ZoomQmClient (rate limiter, shared token, timeout, zod validation of the body) and through
 * plain fetch with a static bearer token (body parsed, not validated), against the Zoom simulator
 * with its rate limits lifted. The two paths alternate in blocks, so drift hits both alike.
 */

export interface ZoomClientBenchOptions {
  /** Measured calls per operation and path. */
  readonly calls: number;
  /** Unmeasured calls per operation and path first (connection pool, JIT). */
  readonly warmupCalls: number;
}

const BLOCK_SIZE = 50;
const UNLIMITED = { perSecond: null, perDay: null };
/** Far above anything one process sends, so the client's own limiter never throttles. */
const NEVER_THROTTLING = { perSecond: 1_000_000 };

type Call = () => Promise<unknown>;

interface Operation {
  readonly name: string;
  readonly viaClient: Call;
  readonly viaFetch: Call;
}

export async function benchZoomClient(options: ZoomClientBenchOptions): Promise<Table> {
  const simulator = await startZoomSimulator({
    scenario: {
      seed: 11,
      backgroundInteractions: { count: 20, spanDays: 1 },
      rateLimits: { limits: { LIGHT: UNLIMITED, MEDIUM: UNLIMITED, HEAVY: UNLIMITED } },
    },
  });
  try {
    const operations = await operationsAgainst(simulator);
    const rows: string[][] = [];
    for (const operation of operations) {
      const { client, baseline } = await measure(operation, options);
      rows.push(
        row(`${operation.name}  ZoomQmClient`, client, baseline),
        row(`${operation.name}  plain fetch (baseline)`, baseline, baseline),
      );
    }
    return {
      title: `Zoom client overhead (${options.calls} sequential calls per row, simulator on 127.0.0.1)`,
      header: ['path', 'calls/s', 'p50 ms', 'p95 ms', 'p50 overhead ms', 'p50 vs baseline'],
      rows,
      notes: [
        'baseline: the same request with fetch and a static bearer token, body parsed but not validated',
        'overhead: rate limiter + token store + timeout + zod validation of the response',
      ],
    };
  } finally {
    await simulator.stop();
  }
}

function row(label: string, figure: LatencySummary, baseline: LatencySummary): string[] {
  return [
    label,
    fixed(figure.callsPerSecond, 0),
    fixed(figure.p50Ms, 3),
    fixed(figure.p95Ms, 3),
    fixed(figure.p50Ms - baseline.p50Ms, 3),
    ratio(figure.p50Ms, baseline.p50Ms),
  ];
}

async function operationsAgainst(simulator: ZoomSimulator): Promise<readonly Operation[]> {
  const interaction = simulator.inspect().interactions.find((candidate) => candidate.source === 'background');
  if (interaction === undefined) {
    throw new Error('the simulator has no background interaction to read');
  }
  const profile = parseZoomProfile({
    name: 'bench',
    secretName: 'bench',
    apiBaseUrl: simulator.apiBaseUrl,
    oauthUrl: simulator.oauthUrl,
    planLimits: { LIGHT: NEVER_THROTTLING, MEDIUM: NEVER_THROTTLING, HEAVY: NEVER_THROTTLING },
    limitFraction: 1,
  });
  const client = new ZoomQmClient({
    profile,
    credentials: staticCredentials(simulator.credentials),
    tokenStore: new InMemoryTokenStore(systemClock),
    rateLimiter: new InProcessRateLimiter(effectiveRateLimits(profile), systemClock),
  });
  const token = await bearerToken(simulator);
  const get =
    (path: string): Call =>
    async () => {
      const response = await fetch(`${simulator.apiBaseUrl}${path}`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      if (!response.ok) {
        throw new Error(`baseline GET ${path} answered ${response.status}`);
      }
      return response.json();
    };
  const id = interaction.id;
  return [
    {
      name: 'getInteraction',
      viaClient: () => client.getInteraction(id),
      viaFetch: get(`/qm/interactions/${encodeURIComponent(id)}`),
    },
    {
      name: 'listAutomatedEvaluations',
      viaClient: () => client.listAutomatedEvaluationsPage({ interaction_id: id, page_size: 30 }),
      viaFetch: get(
        `/qm/automated_evaluations?${new URLSearchParams({ interaction_id: id, page_size: '30' })}`,
      ),
    },
  ];
}

/** The baseline's token: fetched once, by hand, as the simplest possible client would. */
async function bearerToken(simulator: ZoomSimulator): Promise<string> {
  const { accountId, clientId, clientSecret } = simulator.credentials;
  const response = await fetch(simulator.oauthUrl, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'account_credentials', account_id: accountId }),
  });
  const body: unknown = await response.json();
  if (!response.ok || typeof body !== 'object' || body === null || !('access_token' in body)) {
    throw new Error(`the simulator's token endpoint answered ${response.status}`);
  }
  const token = body.access_token;
  if (typeof token !== 'string') {
    throw new Error("the simulator's token answer has no access_token string");
  }
  return token;
}

async function measure(
  operation: Operation,
  options: ZoomClientBenchOptions,
): Promise<{ client: LatencySummary; baseline: LatencySummary }> {
  for (let call = 0; call < options.warmupCalls; call++) {
    await operation.viaClient();
    await operation.viaFetch();
  }
  const clientDurations: number[] = [];
  const baselineDurations: number[] = [];
  while (clientDurations.length < options.calls) {
    const block = Math.min(BLOCK_SIZE, options.calls - clientDurations.length);
    for (let call = 0; call < block; call++) {
      baselineDurations.push(await timed(operation.viaFetch));
    }
    for (let call = 0; call < block; call++) {
      clientDurations.push(await timed(operation.viaClient));
    }
  }
  return { client: summarize(clientDurations), baseline: summarize(baselineDurations) };
}
