import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { LOOPBACK_HOST } from '../constants.ts';
import { readBody } from '../http.ts';
import { childElements, childText, parseXml } from '../xml.ts';
import { type ForwardedRequest, type S3Backend, unquote } from './backend.ts';
import {
  type BucketNotificationConfiguration,
  notificationConfigurationXml,
  parseNotificationConfigurationXml,
} from './notification-config.ts';
import type { EventSource, ObservedEvent, S3Notifier } from './notifier.ts';
import { classifyS3Request, type S3Operation } from './operations.ts';
import { S3RequestError } from './s3-errors.ts';
import { needsDecoding, readUpload } from './upload-body.ts';

/**
 * The public side of the local S3: checks the access key, answers the notification
 * configuration calls, decodes uploads s3rver cannot read, proxies everything to s3rver, and
 * reports each successful object operation to the notifier.
 */

const MAX_XML_BODY_BYTES = 1024 * 1024;

export class S3Front {
  readonly #backend: S3Backend;
  readonly #notifier: S3Notifier;
  readonly #maxUploadBytes: number;
  readonly #log: (message: string) => void;

  constructor(options: {
    readonly backend: S3Backend;
    readonly notifier: S3Notifier;
    readonly maxUploadBytes: number;
    readonly log: (message: string) => void;
  }) {
    this.#backend = options.backend;
    this.#notifier = options.notifier;
    this.#maxUploadBytes = options.maxUploadBytes;
    this.#log = options.log;
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const source = newEventSource(request.socket.remoteAddress ?? LOOPBACK_HOST);
    response.setHeader('x-amz-request-id', source.requestId);
    response.setHeader('x-amz-id-2', source.hostId);
    const operation = classifyS3Request(request.method ?? 'GET', request.url ?? '/', request.headers);
    try {
      // Browser-form uploads carry their credentials in the form body, which s3rver reads.
      if (operation.kind !== 'PostObject') checkSigned(request, Date.now());
      await this.#dispatch(operation, request, response, source);
    } catch (error) {
      this.#fail(response, error, source.requestId);
    }
  }

  /** Sets a bucket's configuration, over the wire or programmatically: the bucket must exist. */
  async putNotifications(
    bucket: string,
    configuration: BucketNotificationConfiguration,
    source = newEventSource(LOOPBACK_HOST),
  ) {
    await this.#requireBucket(bucket);
    await this.#notifier.put(bucket, configuration, source);
  }

  async #dispatch(
    operation: S3Operation,
    request: IncomingMessage,
    response: ServerResponse,
    source: EventSource,
  ): Promise<void> {
    switch (operation.kind) {
      case 'PutBucketNotificationConfiguration': {
        const xml = (await readBody(request, MAX_XML_BODY_BYTES)).toString('utf8');
        await this.putNotifications(operation.bucket, parseNotificationConfigurationXml(xml), source);
        response.writeHead(200).end();
        return;
      }
      case 'GetBucketNotificationConfiguration':
        await this.#requireBucket(operation.bucket);
        response.writeHead(200, { 'content-type': 'application/xml' });
        response.end(notificationConfigurationXml(this.#notifier.configuration(operation.bucket)));
        return;
      case 'PutObject':
      case 'UploadPart':
        await this.#forwardUpload(operation, request, response, source);
        return;
      case 'DeleteObjects': {
        const body = await readBody(request, MAX_XML_BODY_BYTES);
        const status = await this.#backend.forward(request, response, {
          ...unsigned(request, request.headers),
          body,
        });
        if (isSuccess(status)) {
          for (const key of deletedKeys(body.toString('utf8'))) {
            this.#notifier.emit({ eventName: 'ObjectRemoved:Delete', bucket: operation.bucket, key }, source);
          }
        }
        return;
      }
      default: {
        const status = await this.#backend.forward(request, response, unsigned(request, request.headers));
        if (isSuccess(status)) this.#afterSuccess(operation, response, source);
      }
    }
  }

  async #forwardUpload(
    operation: Extract<S3Operation, { kind: 'PutObject' | 'UploadPart' }>,
    request: IncomingMessage,
    response: ServerResponse,
    source: EventSource,
  ): Promise<void> {
    let status: number;
    let size: number | undefined;
    if (needsDecoding(request.headers)) {
      const upload = await readUpload(request, this.#maxUploadBytes);
      if (upload.checksum !== undefined)
        response.setHeader(`x-amz-checksum-${upload.checksum.algorithm}`, upload.checksum.value);
      status = await this.#backend.forward(request, response, {
        ...unsigned(request, upload.headers),
        body: upload.body,
      });
      size = upload.body.length;
    } else {
      status = await this.#backend.forward(request, response, unsigned(request, request.headers));
      const length = Number(request.headers['content-length']);
      size = Number.isNaN(length) ? undefined : length;
    }
    if (isSuccess(status) && operation.kind === 'PutObject') {
      const eTag = unquote(response.getHeader('etag'));
      this.#notifier.emit(
        { eventName: 'ObjectCreated:Put', bucket: operation.bucket, key: operation.key, size, eTag },
        source,
      );
    }
  }

  #afterSuccess(operation: S3Operation, response: ServerResponse, source: EventSource): void {
    const emitWithDetails = (event: ObservedEvent): void =>
      this.#notifier.emit(event, source, () => this.#backend.objectDetails(event.bucket, event.key));
    switch (operation.kind) {
      case 'CopyObject':
        emitWithDetails({ eventName: 'ObjectCreated:Copy', bucket: operation.bucket, key: operation.key });
        return;
      case 'CompleteMultipartUpload':
        emitWithDetails({
          eventName: 'ObjectCreated:CompleteMultipartUpload',
          bucket: operation.bucket,
          key: operation.key,
        });
        return;
      case 'PostObject': {
        const key = postedKey(response.getHeader('location'), operation.bucket);
        if (key !== undefined)
          emitWithDetails({ eventName: 'ObjectCreated:Post', bucket: operation.bucket, key });
        return;
      }
      case 'DeleteObject':
        this.#notifier.emit(
          { eventName: 'ObjectRemoved:Delete', bucket: operation.bucket, key: operation.key },
          source,
        );
        return;
      case 'DeleteBucket':
        this.#notifier.forget(operation.bucket);
        return;
      default:
        return;
    }
  }

  async #requireBucket(bucket: string): Promise<void> {
    if (!(await this.#backend.bucketExists(bucket))) {
      throw new S3RequestError('NoSuchBucket', 'The specified bucket does not exist', 404);
    }
  }

  #fail(response: ServerResponse, error: unknown, requestId: string): void {
    if (response.headersSent) {
      response.destroy(error instanceof Error ? error : undefined);
      return;
    }
    const s3Error =
      error instanceof S3RequestError
        ? error
        : new S3RequestError('InternalError', `Local S3 front failed: ${String(error)}`, 500);
    if (!(error instanceof S3RequestError)) this.#log(`[local-aws] ${s3Error.message}`);
    response.writeHead(s3Error.statusCode, { 'content-type': 'application/xml' });
    response.end(s3Error.toXml(requestId));
  }
}

/** The ids S3 gives a request (also echoed in the events it causes). */
function newEventSource(sourceIp: string): EventSource {
  return {
    sourceIp,
    requestId: randomBytes(8).toString('hex').toUpperCase(),
    hostId: randomBytes(32).toString('base64'),
  };
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/**
 * Buckets are private, as on S3: a request must be signed (header or presigned query), and a
 * presigned URL must not have expired. Any access key is accepted, as LocalStack and moto accept
 * one: a shell that holds other AWS keys must not be refused locally (s3rver, behind the front,
 * gets the request unsigned; see {@link unsigned}). s3rver would let anonymous requests through.
 */
function checkSigned(request: IncomingMessage, now: number): void {
  const query = new URL(request.url ?? '/', 'http://localhost').searchParams;
  const authorization = request.headers.authorization ?? '';
  const signed =
    /Credential=[^/,\s]+\//.test(authorization) ||
    /^AWS [^:]+:/.test(authorization) ||
    query.has('X-Amz-Credential') ||
    query.has('AWSAccessKeyId');
  if (!signed) throw new S3RequestError('AccessDenied', 'Access Denied', 403);
  const expiresAt = presignedExpiry(query);
  if (expiresAt !== undefined && now > expiresAt) {
    throw new S3RequestError('AccessDenied', 'Request has expired', 403);
  }
}

/** When a presigned URL stops working: SigV4's X-Amz-Date + X-Amz-Expires, or SigV2's Expires. */
function presignedExpiry(query: URLSearchParams): number | undefined {
  const date = query.get('X-Amz-Date');
  const expires = query.get('X-Amz-Expires');
  if (date !== null && expires !== null) {
    const signedAt = Date.parse(
      date.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'),
    );
    return signedAt + Number(expires) * 1000;
  }
  const legacy = query.get('Expires');
  return legacy === null ? undefined : Number(legacy) * 1000;
}

const SIGNING_QUERY_PARAMETERS = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Signature',
  'X-Amz-Security-Token',
  'AWSAccessKeyId',
  'Signature',
  'Expires',
];

/**
 * The request as s3rver gets it: without its signature (the front checked it is signed), so
 * s3rver, which knows one key pair only, never refuses a key the front accepted.
 */
function unsigned(request: IncomingMessage, headers: IncomingHttpHeaders): ForwardedRequest {
  const url = new URL(request.url ?? '/', 'http://localhost');
  for (const name of SIGNING_QUERY_PARAMETERS) url.searchParams.delete(name);
  const { authorization: _signature, 'x-amz-security-token': _token, ...rest } = headers;
  return { path: `${url.pathname}${url.search}`, headers: rest };
}

/** The keys a DeleteObjects request names (S3 emits a removal event for each, existing or not). */
function deletedKeys(xml: string): string[] {
  try {
    return childElements(parseXml(xml), 'Object')
      .map((object) => childText(object, 'Key'))
      .filter((key): key is string => key !== undefined);
  } catch {
    // s3rver answers malformed XML with MalformedXML; with no keys nothing is emitted.
    return [];
  }
}

/** The key of a browser-form upload, from the Location s3rver answers with. */
function postedKey(location: unknown, bucket: string): string | undefined {
  if (typeof location !== 'string') return undefined;
  const path = new URL(location).pathname;
  const prefix = `/${encodeURIComponent(bucket)}/`;
  return path.startsWith(prefix) ? decodeURIComponent(path.slice(prefix.length)) : undefined;
}
