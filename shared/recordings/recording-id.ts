import { shortHash } from '../table/keys.ts';
import type { ContentIdentity } from './recording.ts';

/** What identifies one recording: the same bytes at the same key of the same account's bucket. */
export interface RecordingIdentity {
  readonly zoomAccountId: string;
  readonly bucket: string;
  readonly key: string;
  readonly contentIdentity: ContentIdentity;
}

/**
 * The recording id: 128 bits of SHA-256 over the identity, in base64url (22 characters).
 * Deterministic, so finding a recording by its identity is a GetItem, and a duplicate event or
 * a re-upload of the same bytes lands on the same item. The fields are JSON-encoded as an array,
 * so no choice of bucket or key can make two identities encode alike; the leading tag versions
 * the scheme.
 */
export function recordingIdOf(identity: RecordingIdentity): string {
  return shortHash(
    JSON.stringify([
      'recording/v1',
      identity.zoomAccountId,
      identity.bucket,
      identity.key,
      identity.contentIdentity.kind,
      identity.contentIdentity.value,
    ]),
  );
}
