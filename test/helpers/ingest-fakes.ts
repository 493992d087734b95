import { type EnvironmentSettingsInput, parseEnvironmentSettings } from '../../shared/config/environment.ts';
import { parseZoomProfile, type ZoomProfileInput } from '../../shared/config/zoom-profile.ts';
import type { ObjectCreated } from '../../shared/ingest/events.ts';
import type {
  HeadResult,
  RecordingHead,
  RecordingObjects,
  SidecarRead,
} from '../../shared/ingest/object-store.ts';
import type {
  IngestRequeue,
  IngestZoomClient,
  RecordingStore,
  ZoomAccount,
  ZoomAccounts,
} from '../../shared/ingest/ports.ts';
import type { ObjectVersion, PresignedUrl, Presigner } from '../../shared/ingest/presign.ts';
import type { IngestRetryMessage } from '../../shared/ingest/retry-message.ts';
import type { PollScheduler } from '../../shared/polling/ports.ts';
import { planIngestWork } from '../../shared/recordings/ingest-work.ts';
import type { Notification } from '../../shared/recordings/notification.ts';
import type { IngestWork, NewRecording, Recording } from '../../shared/recordings/recording.ts';
import { recordingIdOf } from '../../shared/recordings/recording-id.ts';
import {
  type ClaimResult,
  type Expectation,
  newRecordingOf,
  refusalFor,
} from '../../shared/recordings/repository.ts';
import { planTransition, type Transition } from '../../shared/recordings/transition.ts';
import type { CreateInteractionOptions } from '../../shared/zoom/client.ts';
import { ZoomNotFoundError } from '../../shared/zoom/errors.ts';
import type { CreateInteractionRequest, ListInteractionsQuery } from '../../shared/zoom/requests.ts';
import type {
  InteractionDetail,
  InteractionListPage,
  InteractionSummary,
} from '../../shared/zoom/schemas.ts';

/**
 * In-memory stand-ins for everything the ingest core talks to, for unit tests: a state table that
 * applies the real state machine and the real conditional-write rules (planTransition and
 * refusalFor from shared/recordings), a scriptable Zoom client, S3 objects, the re-send queue,
 * the poll scheduler, a presigner and a capturing logger.
 */

/** A clock the test moves by hand. */
export class TestClock {
  #now: number;

  constructor(start: number | string = '2026-11-24T10:00:00Z') {
    this.#now = typeof start === 'number' ? start : Date.parse(start);
  }

  now(): number {
    return this.#now;
  }

  advance(ms: number): void {
    this.#now += ms;
  }

  set(at: number | string): void {
    this.#now = typeof at === 'number' ? at : Date.parse(at);
  }
}

/** The state table, in memory, with the repository's rules. */
export class InMemoryRecordingStore implements RecordingStore {
  readonly items = new Map<string, Recording>();
  readonly notifications: Notification[] = [];
  /** Called before each transition is applied; throwing from it makes that write fail. */
  beforeTransition: ((transition: Transition) => void) | undefined;
  /** Called before each rewrite of ingest's work is applied; throwing from it makes that write fail. */
  beforeIngestWork: ((work: IngestWork) => void) | undefined;
  readonly #clock: { now(): number };

  constructor(clock: { now(): number }) {
    this.#clock = clock;
  }

  async claim(input: NewRecording): Promise<ClaimResult> {
    const existing = this.items.get(recordingIdOf(input));
    if (existing !== undefined) {
      return { claimed: false, recording: existing };
    }
    const recording = newRecordingOf(input, this.#clock.now());
    this.items.set(recording.recordingId, recording);
    return { claimed: true, recording };
  }

  async transition(current: Recording, transition: Transition): Promise<Recording> {
    this.beforeTransition?.(transition);
    const plan = planTransition(current, transition, this.#clock.now());
    this.#expect(current.recordingId, plan.expected);
    this.items.set(current.recordingId, plan.next);
    if (plan.notification !== undefined) {
      this.notifications.push(plan.notification);
    }
    return plan.next;
  }

  async updateIngestWork(current: Recording, work: IngestWork): Promise<Recording> {
    this.beforeIngestWork?.(work);
    const plan = planIngestWork(current, work, this.#clock.now());
    this.#expect(current.recordingId, plan.expected);
    this.items.set(current.recordingId, plan.next);
    return plan.next;
  }

  /** The condition every write carries: the recording is still as the writer read it. */
  #expect(recordingId: string, expected: Expectation): void {
    const stored = this.items.get(recordingId);
    if (
      stored === undefined ||
      stored.status !== expected.status ||
      stored.submission !== expected.submission ||
      stored.poll.pollSeq !== expected.pollSeq
    ) {
      throw refusalFor(recordingId, expected, stored);
    }
  }

  async get(recordingId: string): Promise<Recording | undefined> {
    return this.items.get(recordingId);
  }

  async findByInteraction(accountId: string, interactionId: string): Promise<Recording | undefined> {
    return [...this.items.values()].find(
      (recording) => recording.zoomAccountId === accountId && recording.interactionId === interactionId,
    );
  }

  /** The only recording stored (fails the test when there are none or several). */
  only(): Recording {
    const all = [...this.items.values()];
    if (all.length !== 1) {
      throw new Error(`Expected one recording, found ${all.length}`);
    }
    return all[0] as Recording;
  }
}

export interface PostedInteraction {
  readonly body: CreateInteractionRequest;
  readonly idempotencyKey: string;
}

/**
 * A Zoom client whose answers the test scripts. By default a POST creates an interaction and,
 * like an account that honours Idempotency-Key, answers a repeated key with the same one.
 */
export class FakeZoomClient implements IngestZoomClient {
  readonly posts: PostedInteraction[] = [];
  readonly listQueries: ListInteractionsQuery[] = [];
  /** What GET /qm/interactions lists. */
  listed: InteractionSummary[] = [];
  /** Answers for the next POSTs, in order: an error to throw, or nothing to create normally. */
  readonly postFailures: (Error | undefined)[] = [];
  listFailure: Error | undefined;
  /** Interactions per listing page. */
  pageSize = 100;
  /** What GET /qm/interactions/{id} answers; absent ids answer 404. */
  readonly details = new Map<string, InteractionDetail>();
  readonly detailRequests: string[] = [];
  readonly #byKey = new Map<string, string>();

  async createInteraction(
    body: CreateInteractionRequest,
    options: CreateInteractionOptions,
  ): Promise<{ interaction_id: string }> {
    this.posts.push({ body, idempotencyKey: options.idempotencyKey });
    const failure = this.postFailures.shift();
    if (failure !== undefined) {
      throw failure;
    }
    const interactionId =
      this.#byKey.get(options.idempotencyKey) ?? `IX${String(this.#byKey.size + 1).padStart(4, '0')}`;
    this.#byKey.set(options.idempotencyKey, interactionId);
    return { interaction_id: interactionId };
  }

  /** One page of what {@link listed} holds, `pageSize` interactions a page. */
  async listInteractionsPage(
    query: ListInteractionsQuery = {},
    nextPageToken?: string,
  ): Promise<InteractionListPage> {
    this.listQueries.push(query);
    if (this.listFailure !== undefined) {
      throw this.listFailure;
    }
    const offset = nextPageToken === undefined ? 0 : Number(nextPageToken);
    const end = offset + this.pageSize;
    return {
      total_records: this.listed.length,
      page_size: this.pageSize,
      interactions: this.listed.slice(offset, end),
      next_page_token: end < this.listed.length ? String(end) : undefined,
    };
  }

  async getInteraction(interactionId: string): Promise<InteractionDetail> {
    this.detailRequests.push(interactionId);
    const detail = this.details.get(interactionId);
    if (detail === undefined) {
      throw new ZoomNotFoundError('not found', { operation: 'getInteraction', httpStatus: 404 });
    }
    return detail;
  }
}

export const TEST_ACCOUNT_ID = 'acct-test-1';

export function aZoomAccount(client: IngestZoomClient, profile: Partial<ZoomProfileInput> = {}): ZoomAccount {
  return {
    profile: parseZoomProfile({ name: 'main', secretName: 'qm-ingest/test/zoom', ...profile }),
    client,
    credentials: {
      getCredentials: async () => ({
        accountId: TEST_ACCOUNT_ID,
        clientId: 'client',
        clientSecret: 'secret',
      }),
    },
  };
}

export function zoomAccounts(account: ZoomAccount): ZoomAccounts {
  return { forProfile: () => account };
}

/** S3 objects and sidecars, in memory. */
export class FakeObjects implements RecordingObjects {
  readonly heads = new Map<string, RecordingHead>();
  readonly sidecars = new Map<string, string>();
  /** Thrown by the next head() calls, in order. */
  readonly headFailures: Error[] = [];
  readonly headCalls: { bucket: string; key: string; versionId: string | undefined }[] = [];

  async head(bucket: string, key: string, versionId?: string): Promise<HeadResult> {
    this.headCalls.push({ bucket, key, versionId });
    const failure = this.headFailures.shift();
    if (failure !== undefined) {
      throw failure;
    }
    const head = this.heads.get(`${bucket}/${key}`);
    return head === undefined ? { found: false } : { found: true, head };
  }

  async readSidecar(bucket: string, key: string, maxBytes: number): Promise<SidecarRead> {
    const text = this.sidecars.get(`${bucket}/${key}`);
    if (text === undefined) {
      return { found: false };
    }
    return Buffer.byteLength(text) > maxBytes
      ? { found: true, tooLarge: true }
      : { found: true, tooLarge: false, text };
  }
}

/** Keeps every re-send. */
export class CapturingRequeue implements IngestRequeue {
  readonly sent: IngestRetryMessage[] = [];

  async send(message: IngestRetryMessage): Promise<void> {
    this.sent.push(message);
  }

  /** The last re-send, as the body the queue would deliver. */
  lastBody(): string {
    const last = this.sent.at(-1);
    if (last === undefined) {
      throw new Error('Nothing was re-sent');
    }
    return JSON.stringify(last);
  }
}

export class CapturingPollScheduler implements PollScheduler {
  readonly scheduled: Recording[] = [];
  failure: Error | undefined;

  async schedule(recording: Recording): Promise<void> {
    if (this.failure !== undefined) {
      throw this.failure;
    }
    this.scheduled.push(recording);
  }
}

/** A presigner that signs nothing: a URL naming the object, with a fake signature to look for in logs. */
export class FakePresigner implements Presigner {
  readonly presigned: ObjectVersion[] = [];
  readonly #clock: { now(): number };
  readonly #lifetimeMs: number;

  constructor(clock: { now(): number }, lifetimeMs = 3_600_000) {
    this.#clock = clock;
    this.#lifetimeMs = lifetimeMs;
  }

  async presignGet(object: ObjectVersion): Promise<PresignedUrl> {
    this.presigned.push(object);
    const version = object.versionId === undefined ? '' : `versionId=${object.versionId}&`;
    return {
      url: `https://${object.bucket}.s3.eu-west-1.amazonaws.com/${encodeURIComponent(object.key)}?${version}X-Amz-Signature=deadbeefsignature`,
      expiresAt: this.#clock.now() + this.#lifetimeMs,
    };
  }
}

/** The QM_* variables of a function's container in unit tests (nothing behind them is called). */
export const UNIT_RUNTIME_ENV = {
  QM_SETTINGS: JSON.stringify({
    name: 'unit',
    zoomProfiles: [{ name: 'main', secretName: 'qm-ingest/unit/zoom' }],
    defaultProfile: 'main',
  }),
  QM_TABLE_NAME: 'qm-ingest-unit-state',
  QM_INGEST_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/ingest',
  QM_POLL_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/poll',
  QM_RESULTS_BUCKET: 'qm-ingest-unit-results',
  QM_NOTIFICATION_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:notifications',
  QM_ALERT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:alerts',
} as const;

/** Validated environment settings for tests: one Zoom profile, a key template, the rest defaults. */
export function testSettings(overrides: Partial<EnvironmentSettingsInput> = {}) {
  return parseEnvironmentSettings({
    name: 'test',
    zoomProfiles: [{ name: 'main', secretName: 'qm-ingest/test/zoom' }],
    defaultProfile: 'main',
    ...overrides,
    ingest: {
      recordingPrefixes: ['calls/'],
      keyTemplate: 'calls/{date}/{agent_email}/{direction}-{any}.{ext}',
      ...overrides.ingest,
    },
  });
}

/** An S3 ObjectCreated:Put notification body for one object (the key encoded as S3 encodes it). */
export function s3EventBody(object: {
  readonly bucket: string;
  readonly key: string;
  readonly eTag?: string;
  readonly size?: number;
  readonly versionId?: string;
  readonly eventName?: string;
  readonly eventTime?: string;
}): string {
  return JSON.stringify({
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'eu-west-1',
        eventTime: object.eventTime ?? '2026-11-24T09:59:58.000Z',
        eventName: object.eventName ?? 'ObjectCreated:Put',
        userIdentity: { principalId: 'AWS:EXAMPLE' },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { 'x-amz-request-id': 'REQ', 'x-amz-id-2': 'HOST' },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'ingest',
          bucket: {
            name: object.bucket,
            ownerIdentity: { principalId: 'OWNER' },
            arn: `arn:aws:s3:::${object.bucket}`,
          },
          object: {
            key: encodeKeyLikeS3(object.key),
            size: object.size ?? 2048,
            ...(object.eTag === undefined ? {} : { eTag: object.eTag }),
            ...(object.versionId === undefined ? {} : { versionId: object.versionId }),
            sequencer: '0064D3901D00059242',
          },
        },
      },
    ],
  });
}

/** An EventBridge "Object Created" event body for one object. */
export function eventBridgeBody(object: {
  readonly bucket: string;
  readonly key: string;
  readonly eTag?: string;
  readonly size?: number;
  readonly versionId?: string;
}): string {
  return JSON.stringify({
    version: '0',
    id: 'c9888434-815d-c6f4-9fc2-4dd7bdeccaaf',
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: '123456789012',
    time: '2026-11-24T09:59:58Z',
    region: 'eu-west-1',
    resources: [`arn:aws:s3:::${object.bucket}`],
    detail: {
      version: '0',
      bucket: { name: object.bucket },
      object: {
        // EventBridge carries the key as it is (AWS's S3 user guide; moto sends `key.name`).
        key: object.key,
        size: object.size ?? 2048,
        ...(object.eTag === undefined ? {} : { etag: object.eTag }),
        ...(object.versionId === undefined ? {} : { 'version-id': object.versionId }),
        sequencer: '0064D3901D00059242',
      },
      'request-id': 'XRRTKJXSZQCWNQR1',
      requester: '123456789012',
      'source-ip-address': '127.0.0.1',
      reason: 'PutObject',
    },
  });
}

/** Form-URL encoding of a key, as S3 writes it into events (`/` kept, space as `+`). */
export function encodeKeyLikeS3(key: string): string {
  return key
    .split('/')
    .map((segment) =>
      encodeURIComponent(segment)
        .replace(/%20/g, '+')
        .replace(/[!'()~]/g, escapeReserved),
    )
    .join('/');
}

function escapeReserved(character: string): string {
  return `%${character.charCodeAt(0).toString(16).toUpperCase()}`;
}

/** A created object as the parsed event gives it. */
export function anObject(overrides: Partial<ObjectCreated> = {}): ObjectCreated {
  return {
    source: 's3',
    eventName: 'ObjectCreated:Put',
    bucket: 'recordings',
    key: 'calls/2026-11-24/jane.doe@example.com/inbound-123.mp3',
    eventTime: Date.parse('2026-11-24T09:59:58Z'),
    ...overrides,
  };
}
