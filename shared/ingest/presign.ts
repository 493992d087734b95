import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { translateAwsError } from '../aws/errors.ts';
import type { Clock } from '../clock.ts';

/**
 * Download URLs for Zoom: a presigned GET of the exact object version (when the bucket is
 * versioned), so a later overwrite never changes what Zoom downloads. A URL stops working at its
 * own expiry or when the credentials that signed it expire, whichever comes first: a URL signed
 * with a Lambda role's temporary credentials dies with them whatever its X-Amz-Expires says. So
 * `expiresAt` is the earlier of the two, and a URL is presigned afresh for every submission.
 * The function never reads the recording's bytes; Zoom fetches them with this URL.
 */

/** Credentials as the S3 client resolves them (access key, secret, session token, expiry). */
export type AwsCredentialIdentity = Awaited<ReturnType<S3Client['config']['credentials']>>;

export interface ObjectVersion {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string | undefined;
}

export interface PresignedUrl {
  /** Holds a signature: never log it except through redactUrl. */
  readonly url: string;
  /** When the URL stops working (epoch ms). */
  readonly expiresAt: number;
}

export interface Presigner {
  presignGet(object: ObjectVersion): Promise<PresignedUrl>;
}

/** Where a dedicated signer's keys come from (see iam-user-credentials.ts). */
export interface SigningCredentialsSource {
  getCredentials(): Promise<AwsCredentialIdentity>;
}

export interface S3PresignerOptions {
  /** The S3 client of the function; its credentials sign unless `signingCredentials` is given. */
  readonly s3: S3Client;
  readonly urlExpirySeconds: number;
  /** Temporary credentials that do not tell their expiry are assumed to last this long. */
  readonly unknownCredentialLifetimeSeconds: number;
  readonly clock: Clock;
  /** A dedicated IAM user's keys, for URLs that must outlive role credentials. */
  readonly signingCredentials?: SigningCredentialsSource | undefined;
}

export class S3Presigner implements Presigner {
  readonly #options: S3PresignerOptions;

  constructor(options: S3PresignerOptions) {
    this.#options = options;
  }

  async presignGet(object: ObjectVersion): Promise<PresignedUrl> {
    const { s3, urlExpirySeconds, clock } = this.#options;
    const now = clock.now();
    try {
      const credentials = await this.#credentials();
      const url = await getSignedUrl(
        signingClient(s3, credentials),
        new GetObjectCommand({
          Bucket: object.bucket,
          Key: object.key,
          ...(object.versionId === undefined ? {} : { VersionId: object.versionId }),
        }),
        { expiresIn: urlExpirySeconds, signingDate: new Date(now) },
      );
      return {
        url,
        expiresAt: Math.min(now + urlExpirySeconds * 1000, this.#credentialsEnd(credentials, now)),
      };
    } catch (error) {
      throw translateAwsError(error, 'S3', 'presigning GetObject');
    }
  }

  async #credentials(): Promise<AwsCredentialIdentity> {
    const source = this.#options.signingCredentials;
    if (source !== undefined) {
      return source.getCredentials();
    }
    // The client's provider is memoised: this is the identity the presigner signs with.
    return this.#options.s3.config.credentials();
  }

  /** When the signing credentials stop working: their expiry, or a cautious guess for temporary ones that do not say. */
  #credentialsEnd(credentials: AwsCredentialIdentity, now: number): number {
    if (credentials.expiration !== undefined) {
      return credentials.expiration.getTime();
    }
    const temporary = credentials.sessionToken !== undefined && credentials.sessionToken !== '';
    return temporary ? now + this.#options.unknownCredentialLifetimeSeconds * 1000 : Number.POSITIVE_INFINITY;
  }
}

/**
 * The client to presign with: `s3` itself, its configuration (endpoint, region, path style) seen
 * through a view whose credentials are exactly `credentials`, so the URL and the expiry computed
 * for it come from the same identity. Presigning sends nothing over the network.
 */
function signingClient(s3: S3Client, credentials: AwsCredentialIdentity): S3Client {
  const view: S3Client = Object.create(s3, {
    config: { value: { ...s3.config, credentials: async () => credentials } },
  });
  return view;
}
