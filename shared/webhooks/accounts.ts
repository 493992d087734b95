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
 * picked up within its cache time). A profile whose secret has no token is a deployment error:
 * named in a {@link ConfigError}, never with a secret's value.
 */
export class ProfileWebhookAccounts implements WebhookAccounts {
  readonly #profiles: readonly ZoomProfile[];
  readonly #credentialsOf: (profile: string) => CredentialsProvider;

  constructor(profiles: readonly ZoomProfile[], credentialsOf: (profile: string) => CredentialsProvider) {
    this.#profiles = profiles.filter((profile) => profile.webhooks.enabled);
    this.#credentialsOf = credentialsOf;
  }

  async list(): Promise<readonly WebhookAccount[]> {
    return Promise.all(
      this.#profiles.map(async (profile) => {
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
      }),
    );
  }
}
