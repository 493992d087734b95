import {
  effectiveRateLimits,
  parseZoomProfile,
  type ZoomProfileInput,
} from '../../../../shared/config/zoom-profile.ts';
import { ZoomQmClient } from '../../../../shared/zoom/client.ts';
import { staticCredentials, type ZoomCredentials } from '../../../../shared/zoom/credentials.ts';
import type { UnknownEnumValueReport } from '../../../../shared/zoom/enums.ts';
import { InMemoryTokenStore } from '../../../../shared/zoom/in-memory-token-store.ts';
import { InProcessRateLimiter } from '../../../../shared/zoom/in-process-rate-limiter.ts';
import type { RateLimiter } from '../../../../shared/zoom/ports.ts';
import { dynamic, FakeFetch, type FakeReply, json } from '../../../helpers/fake-fetch.ts';
import { CapturingLogger } from './capturing-logger.ts';
import { FakeClock } from './fake-clock.ts';

export const API_BASE_URL = 'https://api.zoom.test/v2';
export const OAUTH_URL = 'https://zoom.test/oauth/token';
export const OAUTH_PATH = '/oauth/token';

export const TEST_CREDENTIALS: ZoomCredentials = {
  accountId: 'acct-Qm7xY2',
  clientId: 'client-id-4Hf9',
  clientSecret: 'client-secret-NEVER-LOG-7c1d9e',
  webhookSecretToken: 'webhook-token-NEVER-LOG-2b8a',
};

/** A successful S2S OAuth answer, as Zoom sends it. */
export function tokenReply(accessToken: string, extra: Record<string, unknown> = {}): FakeReply {
  return json(200, {
    access_token: accessToken,
    token_type: 'bearer',
    expires_in: 3599,
    scope: 'qm_interactions:read:admin qm_interactions:write:admin qm_evaluations:read:admin',
    ...extra,
  });
}

/** Issues access-token-1, access-token-2, ... one per token request. */
export function sequentialTokens(extra: Record<string, unknown> = {}): FakeReply {
  let issued = 0;
  return dynamic(() => {
    issued += 1;
    return tokenReply(`access-token-${issued}`, extra);
  });
}

export interface HarnessOptions {
  readonly profile?: Partial<ZoomProfileInput>;
  readonly rateLimiter?: RateLimiter;
  readonly random?: () => number;
}

/** A client wired to a fake HTTP layer, a fake clock, a capturing logger and in-process token store and limiter. */
export class Harness {
  readonly http = new FakeFetch();
  readonly clock = new FakeClock();
  readonly logger = new CapturingLogger();
  readonly sleeps: number[] = [];
  readonly unknownValues: UnknownEnumValueReport[] = [];
  readonly tokenStore = new InMemoryTokenStore(this.clock);
  readonly client: ZoomQmClient;

  constructor(options: HarnessOptions = {}) {
    const profile = parseZoomProfile({
      name: 'test',
      secretName: 'zoom/test',
      apiBaseUrl: API_BASE_URL,
      oauthUrl: OAUTH_URL,
      planLimits: { LIGHT: { perSecond: 1000 }, MEDIUM: { perSecond: 1000 }, HEAVY: { perSecond: 1000 } },
      ...options.profile,
    });
    this.http.route('POST', OAUTH_PATH, sequentialTokens());
    this.client = new ZoomQmClient({
      profile,
      credentials: staticCredentials(TEST_CREDENTIALS),
      tokenStore: this.tokenStore,
      rateLimiter: options.rateLimiter ?? new InProcessRateLimiter(effectiveRateLimits(profile), this.clock),
      fetch: this.http.fetch,
      clock: this.clock,
      logger: this.logger,
      sleep: async (ms) => {
        this.sleeps.push(ms);
        this.clock.advance(ms);
      },
      random: options.random ?? (() => 0.5),
      onUnknownEnumValue: (report) => this.unknownValues.push(report),
    });
  }

  /** The API requests sent (token requests left out). */
  apiRequests() {
    return this.http.requests.filter((request) => request.url.pathname !== OAUTH_PATH);
  }

  tokenRequests() {
    return this.http.requestsTo('POST', OAUTH_PATH);
  }
}

/** Expects `promise` to reject and returns the error, so a test can assert on its class and fields. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, it resolved');
}

/** Drains an async iterable. */
export async function collect<TItem>(items: AsyncIterable<TItem>): Promise<TItem[]> {
  const collected: TItem[] = [];
  for await (const item of items) {
    collected.push(item);
  }
  return collected;
}
