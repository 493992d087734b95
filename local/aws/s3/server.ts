import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { DUMMY_ACCOUNT } from 's3rver/lib/models/account.js';
import { registerExitCleanup } from '../child-processes.ts';
import { LOCAL_CREDENTIALS, LOOPBACK_HOST } from '../constants.ts';
import { closeServer, listen, loopbackUrl } from '../http.ts';
import type { QueueSender } from '../queue-sender.ts';
import { S3Backend } from './backend.ts';
import { S3Front } from './front.ts';
import type { BucketNotificationConfiguration } from './notification-config.ts';
import { type EventBridgeSink, S3Notifier } from './notifier.ts';

/**
 * The local S3: s3rver (objects on disk) behind a small front on the public port that adds what
 * s3rver lacks for the current SDK and for S3 -> SQS ingestion:
 * - decodes `aws-chunked` uploads (the SDK's default streamed PutObject/UploadPart with a trailing
 *   CRC32) and verifies flexible checksums, so stored bytes are exactly the bytes sent;
 * - answers Put/GetBucketNotificationConfiguration (SQS destinations, prefix/suffix filters,
 *   EventBridge), sends the one-time `s3:TestEvent`, and emits S3 event JSON to the matching
 *   queues after PutObject, PostObject, CopyObject, CompleteMultipartUpload, DeleteObject and
 *   DeleteObjects, and, for a bucket with EventBridge notifications on, every such event to
 *   EventBridge's default bus ("Object Created" / "Object Deleted", the key as it is);
 * - refuses unsigned requests and expired presigned URLs, and accepts any access key.
 * Events are delivered asynchronously after the response, in order, as S3 does.
 */

export interface S3ServerOptions {
  readonly port?: number;
  readonly region: string;
  /** Keep objects and notification configurations in this folder between runs; a temporary folder otherwise. */
  readonly dataDir?: string | undefined;
  /** Where notifications go; without it, setting a notification configuration is refused. */
  readonly queues: QueueSender | undefined;
  /** Where the events of buckets with EventBridge notifications on go; without it, turning them on is refused. */
  readonly eventBridge?: EventBridgeSink | undefined;
  /** Delivery failures are reported here (they cannot fail the request that caused them). */
  readonly log: (message: string) => void;
  /** The largest upload the front buffers to decode and verify. */
  readonly maxUploadBytes?: number;
}

export interface RunningS3Server {
  readonly endpoint: string;
  readonly port: number;
  /** Sets a bucket's notification configuration as PutBucketNotificationConfiguration does (test event included). */
  putBucketNotificationConfiguration(
    bucket: string,
    configuration: BucketNotificationConfiguration,
  ): Promise<void>;
  getBucketNotificationConfiguration(bucket: string): BucketNotificationConfiguration;
  /** Resolves once every event emitted so far has been delivered or reported as failed. */
  flushNotifications(): Promise<void>;
  stop(): Promise<void>;
}

const DEFAULT_MAX_UPLOAD_BYTES = 1024 * 1024 * 1024;
const NOTIFICATIONS_FILE = 's3-notifications.json';

export async function startS3Server(options: S3ServerOptions): Promise<RunningS3Server> {
  const storage = prepareStorage(options.dataDir);
  // s3rver checks access keys against one global registry: accept ours, refuse its default key.
  DUMMY_ACCOUNT.createKeyPair(LOCAL_CREDENTIALS.accessKeyId, LOCAL_CREDENTIALS.secretAccessKey);
  DUMMY_ACCOUNT.revokeAccessKey('S3RVER');
  const s3rver = new S3rver({
    address: LOOPBACK_HOST,
    port: 0,
    silent: true,
    directory: storage.objectsDir,
    vhostBuckets: false,
    resetOnClose: false,
  });
  let backendPort: number;
  try {
    backendPort = (await s3rver.run()).port;
  } catch (error) {
    storage.dispose();
    throw error;
  }
  const backend = new S3Backend(backendPort);
  const notifier = new S3Notifier({
    ...options,
    eventBridge: options.eventBridge,
    file: storage.notificationsFile,
  });
  const front = new S3Front({
    backend,
    notifier,
    maxUploadBytes: options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
    log: options.log,
  });
  const server = createServer((request, response) => {
    void front.handle(request, response);
  });
  const stopBackend = async (): Promise<void> => {
    backend.close();
    await s3rver.close();
    storage.dispose();
  };
  let port: number;
  try {
    port = await listen(server, options.port ?? 0, LOOPBACK_HOST, 'S3');
  } catch (error) {
    await stopBackend();
    throw error;
  }
  return {
    endpoint: loopbackUrl(port),
    port,
    putBucketNotificationConfiguration: (bucket, configuration) =>
      front.putNotifications(bucket, configuration),
    getBucketNotificationConfiguration: (bucket) => notifier.configuration(bucket),
    flushNotifications: () => notifier.flush(),
    stop: async () => {
      await closeServer(server);
      await notifier.flush();
      await stopBackend();
    },
  };
}

interface Storage {
  readonly objectsDir: string;
  readonly notificationsFile: string | undefined;
  dispose(): void;
}

function prepareStorage(dataDir: string | undefined): Storage {
  if (dataDir !== undefined) {
    const objectsDir = join(dataDir, 's3');
    mkdirSync(objectsDir, { recursive: true });
    return { objectsDir, notificationsFile: join(dataDir, NOTIFICATIONS_FILE), dispose: () => {} };
  }
  const objectsDir = mkdtempSync(join(tmpdir(), 'qm-ingest-local-s3-'));
  const remove = (): void => rmSync(objectsDir, { recursive: true, force: true });
  const unregister = registerExitCleanup(remove);
  return {
    objectsDir,
    notificationsFile: undefined,
    dispose: () => {
      unregister();
      remove();
    },
  };
}
