import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { readProperty, translateAwsError } from '../aws/errors.ts';
import type { HeadForIdentity } from './content-identity.ts';

/**
 * What ingest reads from S3: the recording's HeadObject (never its bytes) and its sidecar JSON
 * (a small separate object). A missing object is an answer, not an error: a recording deleted
 * before ingest ends REJECTED, a sidecar that has not arrived is waited for.
 */

export interface RecordingHead extends HeadForIdentity {
  readonly ContentType?: string | undefined;
  readonly ContentLength?: number | undefined;
  readonly Metadata?: Record<string, string> | undefined;
}

export type HeadResult = { readonly found: true; readonly head: RecordingHead } | { readonly found: false };

export type SidecarRead =
  | { readonly found: false }
  | { readonly found: true; readonly tooLarge: true }
  | { readonly found: true; readonly tooLarge: false; readonly text: string };

export interface RecordingObjects {
  head(bucket: string, key: string, versionId?: string): Promise<HeadResult>;
  readSidecar(bucket: string, key: string, maxBytes: number): Promise<SidecarRead>;
}

/** S3's ways of saying "no such object or version" (HeadObject has no body, so only the status tells). */
const GONE_NAMES = new Set(['NotFound', 'NoSuchKey', 'NoSuchVersion']);

function isGone(error: unknown): boolean {
  const status = readProperty(readProperty(error, '$metadata'), 'httpStatusCode');
  // 405: the version is a delete marker.
  return (error instanceof Error && GONE_NAMES.has(error.name)) || status === 404 || status === 405;
}

export class S3RecordingObjects implements RecordingObjects {
  readonly #s3: S3Client;

  constructor(s3: S3Client) {
    this.#s3 = s3;
  }

  async head(bucket: string, key: string, versionId?: string): Promise<HeadResult> {
    try {
      const head = await this.#s3.send(
        new HeadObjectCommand({
          Bucket: bucket,
          Key: key,
          ChecksumMode: 'ENABLED',
          ...(versionId === undefined ? {} : { VersionId: versionId }),
        }),
      );
      return { found: true, head };
    } catch (error) {
      if (isGone(error)) {
        return { found: false };
      }
      throw translateAwsError(error, 'S3', 'HeadObject');
    }
  }

  async readSidecar(bucket: string, key: string, maxBytes: number): Promise<SidecarRead> {
    try {
      const output = await this.#s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if ((output.ContentLength ?? 0) > maxBytes) {
        destroyBody(output.Body);
        return { found: true, tooLarge: true };
      }
      const text = (await output.Body?.transformToString('utf8')) ?? '';
      return Buffer.byteLength(text) > maxBytes
        ? { found: true, tooLarge: true }
        : { found: true, tooLarge: false, text };
    } catch (error) {
      if (isGone(error)) {
        return { found: false };
      }
      throw translateAwsError(error, 'S3', 'GetObject (sidecar)');
    }
  }
}

/** Frees the connection of a body that will not be read. */
function destroyBody(body: unknown): void {
  const destroy = readProperty(body, 'destroy');
  if (typeof destroy === 'function') {
    destroy.call(body);
  }
}
