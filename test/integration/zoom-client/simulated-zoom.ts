/**
 * The Zoom QM client of shared/zoom/ against the Zoom QM simulator over real HTTP on 127.0.0.1:
 * a fresh simulator on a free port, driven by a clock the test moves (the same clock the client
 * reads, so token lifetimes, rate-limit windows, page-token expiry and processing all agree), and
 * real clients configured with the simulator's URLs and test credentials. Retry backoffs are
 * recorded instead of slept, so no test waits on a timer.
 */
import {
  type EndpointName,
  type ScenarioInput,
  startZoomSimulator,
  type ZoomSimulator,
} from '../../../local/zoom-simulator/index.ts';
import {
  effectiveRateLimits,
  parseZoomProfile,
  type ZoomProfileInput,
} from '../../../shared/config/zoom-profile.ts';
import { ZoomQmClient } from '../../../shared/zoom/client.ts';
import { staticCredentials, type ZoomCredentials } from '../../../shared/zoom/credentials.ts';
import type { UnknownEnumValueReport } from '../../../shared/zoom/enums.ts';
import type { FetchFn } from '../../../shared/zoom/http.ts';
import { InMemoryTokenStore } from '../../../shared/zoom/in-memory-token-store.ts';
import { InProcessRateLimiter } from '../../../shared/zoom/in-process-rate-limiter.ts';
import type { TokenStore } from '../../../shared/zoom/ports.ts';
import { CapturingLogger } from '../../unit/zoom/support/capturing-logger.ts';
import { ManualClock } from '../zoom-simulator/helpers.ts';

/**
 * Zoom's limits lifted, for tests that are not about rate limits: the test clock stands still, so
 * every call of a test falls into the same second and a Pro plan would refuse the 21st MEDIUM one.
 */
const unlimitedRates = {
  limits: {
    LIGHT: { perSecond: null, perDay: null },
    MEDIUM: { perSecond: null, perDay: null },
    HEAVY: { perSecond: null, perDay: null },
  },
} as const satisfies ScenarioInput['rateLimits'];

/** Client-side limits far above anything a test sends, so the client's own limiter never refuses first. */
const generousPlan = {
  LIGHT: { perSecond: 100_000 },
  MEDIUM: { perSecond: 100_000 },
  HEAVY: { perSecond: 100_000 },
} as const;

export interface ConnectOptions {
  /** Profile fields over the defaults (simulator URLs, generous limits used in full). */
  readonly profile?: Partial<ZoomProfileInput>;
  /** A store shared with another client, as containers sharing one store would; a new one by default. */
  readonly tokenStore?: TokenStore;
  /** Credentials other than the simulator's (to be refused). */
  readonly credentials?: ZoomCredentials;
  /** Replaces the real fetch: a test wraps it to act while a request of the client is on its way. */
  readonly fetch?: FetchFn;
}

/** One client as a container builds it, with what the test observes of it. */
export interface ConnectedClient {
  readonly client: ZoomQmClient;
  /** The backoffs the client waited between retries, in order (recorded, not slept). */
  readonly retryWaits: number[];
  /** Every enum value the client did not know, as it reported them. */
  readonly unknownValues: UnknownEnumValueReport[];
  readonly logger: CapturingLogger;
}

export class SimulatedZoom {
  readonly simulator: ZoomSimulator;
  readonly clock: ManualClock;

  private constructor(simulator: ZoomSimulator, clock: ManualClock) {
    this.simulator = simulator;
    this.clock = clock;
  }

  /** Starts a simulator with `scenario` (rates unlimited unless it says otherwise) on a free port. */
  static async start(scenario: ScenarioInput = {}, clock = new ManualClock()): Promise<SimulatedZoom> {
    const simulator = await startZoomSimulator({
      clock,
      scenario: { ...scenario, rateLimits: scenario.rateLimits ?? unlimitedRates },
    });
    return new SimulatedZoom(simulator, clock);
  }

  /** A real client for the simulator's account, reading the test's clock. */
  connect(options: ConnectOptions = {}): ConnectedClient {
    const profile = parseZoomProfile({
      name: 'simulator',
      secretName: 'zoom/simulator',
      apiBaseUrl: this.simulator.apiBaseUrl,
      oauthUrl: this.simulator.oauthUrl,
      planLimits: generousPlan,
      limitFraction: 1,
      ...options.profile,
    });
    const retryWaits: number[] = [];
    const unknownValues: UnknownEnumValueReport[] = [];
    const logger = new CapturingLogger();
    const client = new ZoomQmClient({
      profile,
      credentials: staticCredentials(options.credentials ?? this.simulator.credentials),
      tokenStore: options.tokenStore ?? new InMemoryTokenStore(this.clock),
      rateLimiter: new InProcessRateLimiter(effectiveRateLimits(profile), this.clock),
      fetch: options.fetch,
      clock: this.clock,
      logger,
      sleep: async (ms) => {
        retryWaits.push(ms);
      },
      onUnknownEnumValue: (report) => unknownValues.push(report),
    });
    return { client, retryWaits, unknownValues, logger };
  }

  /** Calls the simulator saw at `endpoint`, by HTTP status ("dropped" when it sent none). */
  callsTo(endpoint: EndpointName): Record<string, number> {
    return this.simulator.inspect().calls[endpoint].byStatus;
  }

  /** Token requests the simulator answered with a token. */
  tokensIssued(): number {
    return this.simulator.inspect().tokens.issued;
  }

  async stop(): Promise<void> {
    await this.simulator.control.downloadsSettled();
    await this.simulator.stop();
  }
}
