import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { translateAwsError } from '../aws/errors.ts';
import { listObjects } from '../aws/s3-listing.ts';
import type { Clock } from '../clock.ts';
import type { EnvironmentSettings } from '../config/environment.ts';
import { effectiveRateLimits } from '../config/zoom-profile.ts';
import { PermanentError } from '../errors.ts';
import { contentIdentityOf } from '../ingest/content-identity.ts';
import { unquote } from '../ingest/events.ts';
import { classifyKey } from '../ingest/object-filter.ts';
import type { RecordingObjects } from '../ingest/object-store.ts';
import { profileFor } from '../ingest/routing.ts';
import { encodeS3EventKey } from '../ingest/s3-event-key.ts';
import type { ContentIdentity } from '../recordings/recording.ts';
import { scanRecordings } from '../recordings/scan.ts';

/**
 * `qm-ingest backfill s3://bucket/prefix`: ingests objects that were in the bucket before
 * qm-ingest watched it (an archive, a bucket adopted after deployment, objects written while the
 * local runtime was stopped). Each object is announced on the ingest queue by an S3 event
 * notification of its own (`ObjectCreated:Backfill`), so it runs through exactly the path an
 * upload runs through: the same filter, claim, checks, metadata and submission, and ingest's own
 * rate limiting against Zoom. The announcements are dripped at a rate within the Zoom profile's
 * budget for submissions, so the queue never holds a day of work that would only wait.
 *
 * Objects that already have a recording are left out (their bytes at their key were claimed
 * before): running it again, or after Ctrl-C, announces only what is left. Ingest's claim stays
 * the guarantee: an object announced twice is still claimed once.
 */

export interface BackfillRequest {
  readonly bucket: string;
  readonly prefix: string;
  /** LastModified bounds (epoch ms), inclusive from, exclusive until. */
  readonly since?: number | undefined;
  readonly until?: number | undefined;
}

export interface BackfillObject {
  readonly key: string;
  readonly size: number;
  /** Without quotes. */
  readonly eTag: string | undefined;
  readonly lastModified: number;
}

export interface BackfillPlan {
  readonly request: BackfillRequest;
  /** The objects to announce, oldest first. */
  readonly objects: readonly BackfillObject[];
  /** Listed but left out, by why. */
  readonly left: {
    readonly notRecordings: number;
    readonly outsideWindow: number;
    readonly recorded: number;
  };
}

export interface PlanDependencies {
  readonly s3: S3Client;
  readonly dynamodb: DynamoDBClient;
  readonly tableName: string;
  readonly objects: Pick<RecordingObjects, 'head'>;
  readonly settings: Pick<EnvironmentSettings, 'ingest'>;
}

/** Lists the prefix and decides which objects to announce. */
export async function planBackfill(deps: PlanDependencies, request: BackfillRequest): Promise<BackfillPlan> {
  const left = { notRecordings: 0, outsideWindow: 0, recorded: 0 };
  const inWindow: BackfillObject[] = [];
  for await (const object of objectsUnder(deps.s3, request)) {
    if (!classifyKey(object.key, deps.settings.ingest).recording) {
      left.notRecordings += 1;
    } else if (
      (request.since !== undefined && object.lastModified < request.since) ||
      (request.until !== undefined && object.lastModified >= request.until)
    ) {
      left.outsideWindow += 1;
    } else {
      inWindow.push(object);
    }
  }
  const recorded = await recordedIdentities(deps, request);
  const objects: BackfillObject[] = [];
  for (const object of inWindow) {
    if (await isRecorded(deps, request.bucket, object, recorded.get(object.key))) {
      left.recorded += 1;
    } else {
      objects.push(object);
    }
  }
  objects.sort((first, second) => first.lastModified - second.lastModified);
  return { request, objects, left };
}

async function* objectsUnder(s3: S3Client, request: BackfillRequest): AsyncGenerator<BackfillObject> {
  for await (const object of listObjects(s3, request.bucket, request.prefix)) {
    if (object.Key !== undefined) {
      yield {
        key: object.Key,
        size: object.Size ?? 0,
        eTag: object.ETag === undefined ? undefined : unquote(object.ETag),
        lastModified: object.LastModified?.getTime() ?? 0,
      };
    }
  }
}

/** The content identities recorded for each key under the prefix: one scan of the table. */
async function recordedIdentities(
  deps: PlanDependencies,
  request: BackfillRequest,
): Promise<Map<string, ContentIdentity[]>> {
  const byKey = new Map<string, ContentIdentity[]>();
  for await (const recording of scanRecordings(deps.dynamodb, deps.tableName, {
    expression: '#bucket = :bucket AND begins_with(#key, :prefix)',
    names: { '#bucket': 'bucket', '#key': 'key' },
    values: { ':bucket': request.bucket, ':prefix': request.prefix },
    purpose: 'finding the objects already recorded',
  })) {
    byKey.set(recording.key, [...(byKey.get(recording.key) ?? []), recording.contentIdentity]);
  }
  return byKey;
}

/**
 * Whether these bytes at this key were recorded: a key without a recording was not; a key with
 * some is read (HeadObject) and its identity, the one ingest derives, compared.
 */
async function isRecorded(
  deps: PlanDependencies,
  bucket: string,
  object: BackfillObject,
  identities: readonly ContentIdentity[] | undefined,
): Promise<boolean> {
  if (identities === undefined) {
    return false;
  }
  const found = await deps.objects.head(bucket, object.key);
  if (!found.found) {
    // Deleted since it was listed: nothing to announce.
    return true;
  }
  const identity = contentIdentityOf(found.head);
  return identities.some(
    (recorded) =>
      identity !== undefined && recorded.kind === identity.kind && recorded.value === identity.value,
  );
}

/** Submissions a Zoom profile's budget allows: per second, and per UTC day when the plan caps it. */
export interface SubmitBudget {
  readonly perSecond: number;
  readonly perDay: number | undefined;
}

/**
 * The budget the announced objects share: the lowest of the profiles they route to (the
 * createInteraction label's share of the plan that qm-ingest may use).
 */
export function submitBudgetOf(
  settings: Pick<EnvironmentSettings, 'zoomProfiles' | 'routes' | 'defaultProfile'>,
  bucket: string,
  objects: readonly BackfillObject[],
): SubmitBudget {
  const names = new Set(objects.map((object) => profileFor(bucket, object.key, settings)));
  const budgets = settings.zoomProfiles
    .filter((profile) => names.size === 0 || names.has(profile.name))
    .map((profile) => effectiveRateLimits(profile)[profile.operationLabels.createInteraction]);
  if (budgets.length === 0) {
    throw new PermanentError('No Zoom profile is configured for these objects');
  }
  const perDays = budgets.flatMap((budget) => (budget.perDay === undefined ? [] : [budget.perDay]));
  return {
    perSecond: Math.min(...budgets.map((budget) => budget.perSecond)),
    perDay: perDays.length === 0 ? undefined : Math.min(...perDays),
  };
}

/**
 * How long `count` submissions take at `rate` per second within the daily cap: a whole day for
 * each full daily cap beyond the first day's, then the rest at the rate. In seconds.
 */
export function estimateSeconds(count: number, rate: number, perDay: number | undefined): number {
  if (perDay === undefined || count <= perDay) {
    return count / rate;
  }
  const fullDays = Math.floor(count / perDay);
  return fullDays * 86_400 + (count - fullDays * perDay) / rate;
}

/** The S3 event notification that announces one object (the shape S3 sends, key encoded as S3 encodes it). */
export function backfillEvent(bucket: string, object: BackfillObject, region: string): string {
  return JSON.stringify({
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: region,
        eventTime: new Date(object.lastModified).toISOString(),
        eventName: 'ObjectCreated:Backfill',
        s3: {
          s3SchemaVersion: '1.0',
          bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` },
          object: {
            key: encodeS3EventKey(object.key),
            size: object.size,
            ...(object.eTag === undefined ? {} : { eTag: object.eTag }),
          },
        },
      },
    ],
  });
}

export interface AnnounceDependencies {
  readonly sqs: SQSClient;
  readonly ingestQueueUrl: string;
  readonly region: string;
  readonly clock: Clock;
  readonly sleep: (ms: number) => Promise<void>;
}

export interface AnnounceResult {
  readonly announced: number;
  /** Stopped before the end (Ctrl-C): running it again announces the rest. */
  readonly interrupted: boolean;
}

/**
 * Announces the plan's objects at `rate` per second: the i-th is sent no earlier than i / rate
 * seconds after the start, in batches of up to ten. `shouldStop` is checked between batches.
 */
export async function announceObjects(
  deps: AnnounceDependencies,
  plan: BackfillPlan,
  rate: number,
  onProgress: (announced: number) => void,
  shouldStop: () => boolean = () => false,
): Promise<AnnounceResult> {
  const start = deps.clock.now();
  const { objects } = plan;
  let announced = 0;
  while (announced < objects.length) {
    if (shouldStop()) {
      return { announced, interrupted: true };
    }
    const now = deps.clock.now();
    // The i-th object (from 0) is due i / rate seconds after the start.
    const due = Math.min(objects.length, Math.floor(((now - start) / 1_000) * rate) + 1);
    if (due <= announced) {
      await deps.sleep(Math.max(1, Math.ceil(start + (announced * 1_000) / rate - now)));
      continue;
    }
    const batch = objects.slice(announced, Math.min(due, announced + 10));
    await sendBatch(deps, plan.request.bucket, batch, announced);
    announced += batch.length;
    onProgress(announced);
  }
  return { announced, interrupted: false };
}

async function sendBatch(
  deps: AnnounceDependencies,
  bucket: string,
  batch: readonly BackfillObject[],
  offset: number,
): Promise<void> {
  let failed: readonly { readonly Id?: string | undefined; readonly Code?: string | undefined }[];
  try {
    ({ Failed: failed = [] } = await deps.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: deps.ingestQueueUrl,
        Entries: batch.map((object, index) => ({
          Id: String(offset + index),
          MessageBody: backfillEvent(bucket, object, deps.region),
        })),
      }),
    ));
  } catch (error) {
    throw translateAwsError(error, 'SQS', 'SendMessageBatch (ingest queue)');
  }
  if (failed.length > 0) {
    throw new PermanentError(
      `The ingest queue refused ${failed.length} announcements (${failed.map((entry) => entry.Code).join(', ')}); run backfill again to announce the rest`,
    );
  }
}
