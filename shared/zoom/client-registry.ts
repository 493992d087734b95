import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { systemClock } from '../clock.ts';
import { effectiveRateLimits, type ZoomProfile } from '../config/zoom-profile.ts';
import { ConfigError } from '../errors.ts';
import { ZoomQmClient, type ZoomQmClientOptions } from './client.ts';
import { type CredentialsProvider, SecretsManagerCredentialsProvider } from './credentials.ts';
import { DynamoRateLimiter } from './dynamo-rate-limiter.ts';
import { DynamoTokenStore } from './dynamo-token-store.ts';

/** What the registry is built on; clock, logger, fetch and the unknown-value hook mean what they mean for one client. */
export interface ZoomClientRegistryOptions
  extends Pick<ZoomQmClientOptions, 'clock' | 'logger' | 'fetch' | 'onUnknownEnumValue'> {
  readonly profiles: readonly ZoomProfile[];
  readonly dynamoDb: DynamoDBClient;
  /** The state table, which holds every account's shared token and rate-limit buckets. */
  readonly tableName: string;
  readonly secretsManager: SecretsManagerClient;
}

/** A Zoom profile's client and the provider of its credentials (whose account id keys stored items). */
export interface ZoomAccountAccess {
  readonly profile: ZoomProfile;
  readonly client: ZoomQmClient;
  readonly credentials: CredentialsProvider;
}

/**
 * One Zoom client per configured profile, built on first use and kept for the container's life,
 * wired to what every container of the environment shares: the token and the rate-limit buckets
 * in the state table, and the credentials in Secrets Manager.
 */
export class ZoomClientRegistry {
  readonly #options: ZoomClientRegistryOptions;
  readonly #built = new Map<string, ZoomAccountAccess>();

  constructor(options: ZoomClientRegistryOptions) {
    this.#options = options;
  }

  /** The client of the named profile; a {@link ConfigError} when no profile has that name. */
  forProfile(name: string): ZoomAccountAccess {
    const existing = this.#built.get(name);
    if (existing !== undefined) {
      return existing;
    }
    const profile = this.#options.profiles.find((candidate) => candidate.name === name);
    if (profile === undefined) {
      throw new ConfigError(`No Zoom profile named '${name}' is configured`);
    }
    const access = this.#build(profile);
    this.#built.set(name, access);
    return access;
  }

  #build(profile: ZoomProfile): ZoomAccountAccess {
    const { dynamoDb, tableName, secretsManager, logger, fetch, onUnknownEnumValue } = this.#options;
    const clock = this.#options.clock ?? systemClock;
    const credentials = new SecretsManagerCredentialsProvider({
      client: secretsManager,
      secretId: profile.secretName,
      cacheTtlMs: profile.credentialsCacheTtlMs,
      clock,
    });
    const client = new ZoomQmClient({
      profile,
      credentials,
      tokenStore: new DynamoTokenStore(dynamoDb, { tableName, clock }),
      rateLimiter: new DynamoRateLimiter(dynamoDb, {
        tableName,
        limits: effectiveRateLimits(profile),
        clock,
      }),
      clock,
      logger,
      fetch,
      onUnknownEnumValue,
    });
    return { profile, client, credentials };
  }
}
