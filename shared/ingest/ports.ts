import type { ZoomProfile } from '../config/zoom-profile.ts';
import type { RecordingRepository } from '../recordings/repository.ts';
import type { ZoomQmClient } from '../zoom/client.ts';
import type { CredentialsProvider } from '../zoom/credentials.ts';
import type { IngestRetryMessage } from './retry-message.ts';

/**
 * What the ingest core needs from the world, as narrow as it uses it, so tests give it fakes and
 * the handler's wiring gives it the real thing.
 */

/** The state table operations ingest uses (RecordingRepository in production). */
export type RecordingStore = Pick<
  RecordingRepository,
  'claim' | 'get' | 'transition' | 'updateIngestWork' | 'findByInteraction'
>;

/** The Zoom operations ingest calls. */
export type IngestZoomClient = Pick<
  ZoomQmClient,
  'createInteraction' | 'listInteractionsPage' | 'getInteraction'
>;

/** One Zoom account: its profile, client and credentials (whose account id keys the recording). */
export interface ZoomAccount {
  readonly profile: ZoomProfile;
  readonly client: IngestZoomClient;
  readonly credentials: Pick<CredentialsProvider, 'getCredentials'>;
}

/** Finds the Zoom account of a profile name (ZoomClientRegistry in production). */
export interface ZoomAccounts {
  forProfile(name: string): ZoomAccount;
}

/** Puts a re-send on the ingest queue, delivered at its due time or as close as the queue allows. */
export interface IngestRequeue {
  send(message: IngestRetryMessage): Promise<void>;
}
