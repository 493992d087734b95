import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Clock } from '../clock.ts';
import * as z from '../zod.ts';
import { ZoomAuthError, ZoomTransientError } from './errors.ts';
import { parseJson } from './http.ts';

/**
 * A Zoom account's Server-to-Server OAuth credentials, kept in one Secrets Manager secret per
 * account as JSON: `{"account_id", "client_id", "client_secret", "webhook_secret_token"?}`.
 */
export const zoomSecretSchema = z.object({
  account_id: z.string().check(z.trim(), z.minLength(1)),
  client_id: z.string().check(z.trim(), z.minLength(1)),
  client_secret: z.string().check(z.minLength(1)),
  webhook_secret_token: z.optional(z.string().check(z.minLength(1))),
});

export interface ZoomCredentials {
  readonly accountId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Verifies Zoom webhook signatures, for the accounts that send webhooks. */
  readonly webhookSecretToken?: string | undefined;
}

/** Where the client gets an account's credentials. */
export interface CredentialsProvider {
  getCredentials(): Promise<ZoomCredentials>;
  /** Forgets cached credentials, so the next call reads them again (after Zoom rejected them: the secret may have been rotated). */
  invalidate(): void;
}

/** Credentials known up front (tests, the local simulator's printed test credentials). */
export function staticCredentials(credentials: ZoomCredentials): CredentialsProvider {
  return { getCredentials: async () => credentials, invalidate: () => {} };
}

/**
 * Parses the secret's JSON. Errors name the secret and the missing or invalid fields, never any
 * value; a JSON syntax error is not kept as `cause` because its message quotes the secret text.
 */
export function parseZoomSecret(secretString: string, secretId: string): ZoomCredentials {
  const json = parseJson(secretString);
  if (!json.ok) {
    throw new ZoomAuthError(`secret ${secretId} is not valid JSON`, { operation: 'credentials' });
  }
  const parsed = zoomSecretSchema.safeParse(json.value);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ');
    throw new ZoomAuthError(`secret ${secretId} lacks valid Zoom credentials (invalid: ${fields})`, {
      operation: 'credentials',
    });
  }
  return {
    accountId: parsed.data.account_id,
    clientId: parsed.data.client_id,
    clientSecret: parsed.data.client_secret,
    webhookSecretToken: parsed.data.webhook_secret_token,
  };
}

export interface SecretsManagerCredentialsOptions {
  readonly client: SecretsManagerClient;
  readonly secretId: string;
  /** How long credentials are reused before being read again (rotation is picked up within it). */
  readonly cacheTtlMs: number;
  readonly clock: Clock;
}

/** Secrets Manager errors that repeating the call cannot fix. */
const PERMANENT_SECRET_ERRORS = new Set([
  'ResourceNotFoundException',
  'AccessDeniedException',
  'AccessDenied',
  'DecryptionFailure',
  'InvalidParameterException',
  'InvalidRequestException',
  'UnrecognizedClientException',
  'ValidationException',
]);

/**
 * Reads an account's credentials from Secrets Manager and caches them for `cacheTtlMs`; concurrent
 * callers share one read. SDK errors are translated: a missing secret, a denied access or an
 * unreadable secret is a permanent {@link ZoomAuthError} (alert: the deployment is wrong); throttling,
 * 5xx and network failures are a retryable {@link ZoomTransientError}.
 */
export class SecretsManagerCredentialsProvider implements CredentialsProvider {
  // Not Powertools parameters' SecretsProvider: its cache runs on the wall clock in whole seconds and lets concurrent callers each read.
  readonly #options: SecretsManagerCredentialsOptions;
  #cached: { readonly credentials: ZoomCredentials; readonly readAt: number } | undefined;
  #pending: Promise<ZoomCredentials> | undefined;

  constructor(options: SecretsManagerCredentialsOptions) {
    this.#options = options;
  }

  async getCredentials(): Promise<ZoomCredentials> {
    const now = this.#options.clock.now();
    if (this.#cached !== undefined && now - this.#cached.readAt < this.#options.cacheTtlMs) {
      return this.#cached.credentials;
    }
    if (this.#pending === undefined) {
      this.#pending = this.#read(now).finally(() => {
        this.#pending = undefined;
      });
    }
    return this.#pending;
  }

  invalidate(): void {
    this.#cached = undefined;
  }

  async #read(now: number): Promise<ZoomCredentials> {
    const { client, secretId } = this.#options;
    let secretString: string | undefined;
    try {
      const output = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
      secretString = output.SecretString;
    } catch (error) {
      throw translateSecretsManagerError(error, secretId);
    }
    if (secretString === undefined) {
      throw new ZoomAuthError(`secret ${secretId} has no SecretString (binary secrets are not supported)`, {
        operation: 'credentials',
      });
    }
    const credentials = parseZoomSecret(secretString, secretId);
    this.#cached = { credentials, readAt: now };
    return credentials;
  }
}

function translateSecretsManagerError(error: unknown, secretId: string): ZoomAuthError | ZoomTransientError {
  const name = error instanceof Error ? error.name : 'UnknownError';
  const httpStatus = httpStatusOf(error);
  if (isPermanentSecretError(error, name, httpStatus)) {
    // The stack creates each secret empty: until credentials are stored, it has no current value.
    const remedy =
      name === 'ResourceNotFoundException'
        ? ` (missing, or no credentials stored yet: aws secretsmanager put-secret-value --secret-id ${secretId} --secret-string file://zoom.json, see the README)`
        : '';
    return new ZoomAuthError(
      `cannot read secret ${secretId}: ${name}${remedy}`,
      { operation: 'credentials', httpStatus },
      { cause: error },
    );
  }
  return new ZoomTransientError(
    `reading secret ${secretId} failed: ${name}`,
    { operation: 'credentials', httpStatus },
    'credentials-unavailable',
    { cause: error },
  );
}

/**
 * Permanent: the known configuration errors, and any other error the SDK blames on the request
 * (`$fault: 'client'`) unless it is throttling. Everything else (throttling, 5xx, network, unknown)
 * may pass, so it is retried rather than alerting on a blip.
 */
function isPermanentSecretError(error: unknown, name: string, httpStatus: number | undefined): boolean {
  if (PERMANENT_SECRET_ERRORS.has(name)) {
    return true;
  }
  const blamesRequest =
    typeof error === 'object' && error !== null && '$fault' in error && error.$fault === 'client';
  const isThrottling = httpStatus === 429 || /throttl|too.?many|limit.?exceeded/i.test(name);
  return blamesRequest && !isThrottling;
}

function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('$metadata' in error)) {
    return undefined;
  }
  const metadata: unknown = error.$metadata;
  return typeof metadata === 'object' &&
    metadata !== null &&
    'httpStatusCode' in metadata &&
    typeof metadata.httpStatusCode === 'number'
    ? metadata.httpStatusCode
    : undefined;
}
