import type { ZoomProfile } from '../config/zoom-profile.ts';
import { ConfigError } from '../errors.ts';
import type { CredentialsProvider } from '../zoom/credentials.ts';

/** A Zoom account that sends webhooks: its profile, its id (`payload.account_id`) and its secret token. */
export interface WebhookAccount {
  readonly profile: string;
  readonly accountId: string;
  readonly secretToken: string;
}

/** The accounts whose webhooks the receiver accepts. */
export interface WebhookAccounts {
  list(): Promise<readonly WebhookAccount[]>;
}

/**
 * The profiles with `webhooks.enabled`, each with the account id and `webhook_secret_token` of
 * its Zoom secret (read through the profile's cached credentials provider, so a rotated secret is
 * picked up within its cache time). A profile whose secret cannot be read, or has no token, is
 * left out and reported to `onUnavailable` (a {@link ConfigError} naming the secret, never a
 * value): one misconfigured account must not stop the others' webhooks; its own are refused
 * (unknown account) until it is fixed.
 */
export class ProfileWebhookAccounts implements WebhookAccounts {
  readonly #profiles: readonly ZoomProfile[];
  readonly #credentialsOf: (profile: string) => CredentialsProvider;
  readonly #onUnavailable: (profile: string, error: unknown) => void;

  constructor(
    profiles: readonly ZoomProfile[],
    credentialsOf: (profile: string) => CredentialsProvider,
    onUnavailable: (profile: string, error: unknown) => void,
  ) {
    this.#profiles = profiles.filter((profile) => profile.webhooks.enabled);
    this.#credentialsOf = credentialsOf;
    this.#onUnavailable = onUnavailable;
  }

  async list(): Promise<readonly WebhookAccount[]> {
    const settled = await Promise.allSettled(this.#profiles.map((profile) => this.#accountOf(profile)));
    return settled.flatMap((result, index) => {
      if (result.status === 'fulfilled') {
        return [result.value];
      }
      this.#onUnavailable(this.#profiles[index]?.name ?? '', result.reason);
      return [];
    });
  }

  async #accountOf(profile: ZoomProfile): Promise<WebhookAccount> {
    const credentials = await this.#credentialsOf(profile.name).getCredentials();
    if (credentials.webhookSecretToken === undefined) {
      throw new ConfigError(
        `Zoom profile ${profile.name} has webhooks enabled but its secret ${profile.secretName} has no webhook_secret_token: add the Secret Token of the Zoom app's event subscription to it`,
      );
    }
    return {
      profile: profile.name,
      accountId: credentials.accountId,
      secretToken: credentials.webhookSecretToken,
    };
  }
}
