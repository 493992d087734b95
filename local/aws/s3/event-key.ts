/** The encoder is shared: the local S3 writes its events with it, and `qm-ingest backfill` its S3-shaped events. */
export { encodeS3EventKey } from '../../../shared/ingest/s3-event-key.ts';
