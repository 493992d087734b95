/**
 * Starting and stopping the simulator: a real HTTP server on 127.0.0.1 that speaks Zoom QM, with
 * its programmatic handle for tests (URLs, credentials, inspection, controls, stop).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { type Clock, systemClock } from '../../shared/clock.ts';
import { seedBackgroundInteractions } from './background.ts';
import { createControl, type SimulatorControl, type SimulatorSnapshot } from './control.ts';
import { Counters } from './counters.ts';
import { DownloadQueue } from './download-queue.ts';
import { FaultInjector } from './faults.ts';
import { handleControlRequest } from './http/control-routes.ts';
import { writeJson } from './http/io.ts';
import { apiBasePath, handleZoomRequest, type Sleep, tokenPath } from './http/zoom-routes.ts';
import { InteractionStore } from './interactions.ts';
import { type SimulatorCredentials, TokenAuthority } from './oauth.ts';
import { type OperationName, operations, type RateLimitLabel } from './operations.ts';
import { PageTokens } from './pagination.ts';
import { Participants } from './participants.ts';
import { createRandom } from './random.ts';
import { RateLimitWindows, resolveLimits } from './rate-limits.ts';
import { loadScenarioFile, parseScenario, type Scenario, type ScenarioInput } from './scenario.ts';
import { type WebhookCounters, WebhookSender } from './webhooks.ts';
import { type ApiModes, ZoomQmApi } from './zoom-api.ts';

export interface StartZoomSimulatorOptions {
  /** A scenario object, a scenario file path, or a bundled scenario's name; Zoom-like defaults when absent. */
  readonly scenario?: ScenarioInput | string;
  /** 0 (the default) lets the OS choose a free port. */
  readonly port?: number;
  /** The wall clock for timestamps, token lifetimes, rate-limit windows and processing due times. */
  readonly clock?: Clock;
  /** How injected latency waits; a test can pass one that records instead of sleeping. */
  readonly sleep?: Sleep;
}

export interface ZoomSimulator {
  /** e.g. http://127.0.0.1:4010 */
  readonly origin: string;
  /** The API base URL, with /v2, as a client is configured with. */
  readonly apiBaseUrl: string;
  /** The OAuth token endpoint. */
  readonly oauthUrl: string;
  /** The control and inspection API's base URL. */
  readonly controlUrl: string;
  /** The account and app credentials the simulator accepts (test values, not secrets). */
  readonly credentials: SimulatorCredentials;
  readonly scenario: Scenario;
  readonly control: SimulatorControl;
  /** Zoom's webhooks: the secret token they are signed with, a receiver to subscribe, what was sent. */
  readonly webhooks: {
    readonly secretToken: string;
    /** Validates the receiver's URL as Zoom does, then sends it every event (see webhooks.ts). */
    subscribe(url: string): Promise<void>;
    /** Stops sending (waits for deliveries in flight); `stop` does it too. */
    stop(): Promise<void>;
    counters(): WebhookCounters;
  };
  inspect(): SimulatorSnapshot;
  /** Stops accepting requests, aborts downloads and closes every connection. */
  stop(): Promise<void>;
}

const host = '127.0.0.1';

const defaultSleep: Sleep = async (ms, signal) => {
  await delay(ms, undefined, { signal }).catch(() => undefined);
};

export async function startZoomSimulator(options: StartZoomSimulatorOptions = {}): Promise<ZoomSimulator> {
  const scenario =
    typeof options.scenario === 'string'
      ? await loadScenarioFile(options.scenario)
      : parseScenario(options.scenario ?? {});
  const clock = options.clock ?? systemClock;
  const stopping = new AbortController();
  let origin = '';

  const counters = new Counters();
  const store = new InteractionStore(clock, scenario);
  const apiModes: ApiModes = { quirks: scenario.quirks, idempotency: scenario.idempotency.mode };
  const tokens = new TokenAuthority(clock, scenario.credentials, scenario.oauth.scopes, {
    tokenLifetimeSeconds: scenario.oauth.tokenLifetimeSeconds,
    revokePreviousTokens: scenario.oauth.revokePreviousTokens,
  });
  const rateLimits = new RateLimitWindows(
    clock,
    resolveLimits(scenario.rateLimits.plan, scenario.rateLimits.limits),
  );
  const faults = new FaultInjector(scenario.seed, scenario.faults);
  const downloads = new DownloadQueue({
    clock,
    concurrency: scenario.downloads.concurrency,
    timeoutMs: scenario.downloads.timeoutSeconds * 1000,
    minBytes: scenario.downloads.minBytes,
    onFinished: (interactionId, result, finishedAt) => {
      const record = store.get(interactionId);
      if (record !== undefined) store.completeDownload(record, result, finishedAt);
    },
  });
  const participants = new Participants(scenario);
  const api = new ZoomQmApi({
    clock,
    scenario,
    store,
    participants,
    pageTokens: new PageTokens(
      clock,
      createRandom(scenario.seed, 'page-tokens'),
      scenario.pagination.nextPageTokenTtlSeconds,
    ),
    downloads,
    modes: apiModes,
    onReplay: () => counters.recordReplay(),
  });
  seedBackgroundInteractions(scenario, clock, store, participants);
  const webhooks = new WebhookSender(clock, scenario, store, scenario.credentials.accountId);
  const { control, inspect } = createControl({
    clock,
    counters,
    rateLimits,
    tokens,
    store,
    downloads,
    faults,
    apiModes,
  });

  const zoomDependencies = {
    tokens,
    rateLimits,
    faults,
    counters,
    api,
    labels: resolveLabels(scenario),
    sleep: options.sleep ?? defaultSleep,
    stopping: stopping.signal,
    origin: () => origin,
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', `http://${host}`);
    if (await handleControlRequest(control, inspect, request, response, url)) return;
    if (await handleZoomRequest(zoomDependencies, request, response, url)) return;
    writeJson(response, { status: 404, body: { code: 404, message: 'Not Found.' } });
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      // A simulator bug must be loud in the test output, and still answer like a server would.
      console.error('zoom simulator: unexpected error', error);
      if (!response.headersSent)
        writeJson(response, { status: 500, body: { code: 500, message: 'Internal Server Error' } });
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  origin = `http://${host}:${(server.address() as AddressInfo).port}`;

  let stopped: Promise<void> | undefined;
  return {
    origin,
    apiBaseUrl: `${origin}${apiBasePath}`,
    oauthUrl: `${origin}${tokenPath}`,
    controlUrl: `${origin}/_simulator`,
    credentials: scenario.credentials,
    scenario,
    control,
    webhooks: {
      secretToken: scenario.webhooks.secretToken,
      subscribe: (url) => webhooks.subscribe(url),
      stop: () => webhooks.stop(),
      counters: () => webhooks.counters(),
    },
    inspect,
    stop() {
      stopped ??= (async () => {
        stopping.abort();
        await webhooks.stop();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await downloads.stop();
        await closed;
      })();
      return stopped;
    },
  };
}

/** Each operation's label: the documented one, HEAVY for the undocumented POST, scenario overrides last. */
function resolveLabels(scenario: Scenario): Record<OperationName, RateLimitLabel> {
  return Object.fromEntries(
    operations.map((operation) => [
      operation.name,
      scenario.rateLimits.labels[operation.name] ?? operation.documentedLabel ?? 'HEAVY',
    ]),
  ) as Record<OperationName, RateLimitLabel>;
}
