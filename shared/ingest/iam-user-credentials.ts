import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { translateAwsError } from '../aws/errors.ts';
import type { Clock } from '../clock.ts';
import { PermanentError } from '../errors.ts';
import * as z from '../zod.ts';
import type { AwsCredentialIdentity, SigningCredentialsSource } from './presign.ts';

/**
 * The access keys of a dedicated IAM user that signs download URLs, read from a Secrets Manager
 * secret `{"access_key_id": "...", "secret_access_key": "..."}` and cached for a few minutes, so
 * a rotation is picked up soon. Long-term keys do not expire by themselves: a rotation must keep
 * the previous key active for at least the URL lifetime, or URLs signed with it stop working early.
 */

const signerSecretSchema = z.object({
  access_key_id: z.string().check(z.trim(), z.minLength(16)),
  secret_access_key: z.string().check(z.minLength(1)),
});

export interface IamUserCredentialsOptions {
  readonly client: SecretsManagerClient;
  readonly secretId: string;
  readonly cacheTtlMs: number;
  readonly clock: Clock;
}

export class IamUserSigningCredentials implements SigningCredentialsSource {
  // Not Powertools parameters' SecretsProvider: its cache runs on the wall clock, not the injected one, and it is one more package to bundle.
  readonly #options: IamUserCredentialsOptions;
  #cached: { readonly credentials: AwsCredentialIdentity; readonly readAt: number } | undefined;

  constructor(options: IamUserCredentialsOptions) {
    this.#options = options;
  }

  async getCredentials(): Promise<AwsCredentialIdentity> {
    const now = this.#options.clock.now();
    if (this.#cached !== undefined && now - this.#cached.readAt < this.#options.cacheTtlMs) {
      return this.#cached.credentials;
    }
    const { client, secretId } = this.#options;
    let secretString: string | undefined;
    try {
      secretString = (await client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
    } catch (error) {
      throw translateAwsError(
        error,
        'Secrets Manager',
        `GetSecretValue of the URL signer secret ${secretId}`,
      );
    }
    const credentials = parseSignerSecret(secretString, secretId);
    this.#cached = { credentials, readAt: now };
    return credentials;
  }
}

/** Reads the secret; errors name the secret and the invalid fields, never a value. */
export function parseSignerSecret(secretString: string | undefined, secretId: string): AwsCredentialIdentity {
  let json: unknown;
  try {
    json = JSON.parse(secretString ?? '');
  } catch {
    throw new PermanentError(`The URL signer secret ${secretId} is not JSON`);
  }
  const parsed = signerSecretSchema.safeParse(json);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ');
    throw new PermanentError(
      `The URL signer secret ${secretId} lacks valid access keys (invalid: ${fields})`,
    );
  }
  return { accessKeyId: parsed.data.access_key_id, secretAccessKey: parsed.data.secret_access_key };
}
