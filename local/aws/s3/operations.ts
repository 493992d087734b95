import type { IncomingHttpHeaders } from 'node:http';

/**
 * Which S3 call a request is, as far as the local S3 front cares: the calls it answers itself,
 * the uploads whose body it decodes, and the calls after which S3 emits an event.
 */
export type S3Operation =
  | { readonly kind: 'PutBucketNotificationConfiguration'; readonly bucket: string }
  | { readonly kind: 'GetBucketNotificationConfiguration'; readonly bucket: string }
  | { readonly kind: 'PutObject'; readonly bucket: string; readonly key: string }
  | { readonly kind: 'UploadPart'; readonly bucket: string; readonly key: string }
  | { readonly kind: 'CopyObject'; readonly bucket: string; readonly key: string }
  | { readonly kind: 'CompleteMultipartUpload'; readonly bucket: string; readonly key: string }
  | { readonly kind: 'PostObject'; readonly bucket: string }
  | { readonly kind: 'DeleteObject'; readonly bucket: string; readonly key: string }
  | { readonly kind: 'DeleteObjects'; readonly bucket: string }
  | { readonly kind: 'DeleteBucket'; readonly bucket: string }
  | { readonly kind: 'Other' };

/** Object sub-resources whose PUT changes something other than the object's bytes. */
const OBJECT_SUBRESOURCES = ['acl', 'tagging', 'retention', 'legal-hold', 'restore', 'select'];

/** Classifies a path-style request (`/bucket/key`), the only style the SDK uses with an IP endpoint. */
export function classifyS3Request(method: string, rawUrl: string, headers: IncomingHttpHeaders): S3Operation {
  const url = new URL(rawUrl, 'http://localhost');
  const query = url.searchParams;
  const [, rawBucket = '', ...rawKey] = url.pathname.split('/');
  const bucket = safeDecode(rawBucket);
  const key = rawKey.length > 0 ? safeDecode(rawKey.join('/')) : '';
  if (bucket === undefined || key === undefined || bucket === '') return { kind: 'Other' };
  if (key === '') return classifyBucketRequest(method, bucket, query, headers);
  const isSubresource = OBJECT_SUBRESOURCES.some((name) => query.has(name));
  switch (method) {
    case 'PUT':
      if (isSubresource) return { kind: 'Other' };
      if (query.has('uploadId')) {
        return headers['x-amz-copy-source'] === undefined
          ? { kind: 'UploadPart', bucket, key }
          : { kind: 'Other' };
      }
      if (headers['x-amz-copy-source'] !== undefined) return { kind: 'CopyObject', bucket, key };
      return { kind: 'PutObject', bucket, key };
    case 'POST':
      return query.has('uploadId') ? { kind: 'CompleteMultipartUpload', bucket, key } : { kind: 'Other' };
    case 'DELETE':
      return isSubresource || query.has('uploadId')
        ? { kind: 'Other' }
        : { kind: 'DeleteObject', bucket, key };
    default:
      return { kind: 'Other' };
  }
}

function classifyBucketRequest(
  method: string,
  bucket: string,
  query: URLSearchParams,
  headers: IncomingHttpHeaders,
): S3Operation {
  if (query.has('notification')) {
    if (method === 'PUT') return { kind: 'PutBucketNotificationConfiguration', bucket };
    if (method === 'GET') return { kind: 'GetBucketNotificationConfiguration', bucket };
  }
  if (method === 'POST' && query.has('delete')) return { kind: 'DeleteObjects', bucket };
  if (method === 'POST' && (headers['content-type'] ?? '').startsWith('multipart/form-data')) {
    return { kind: 'PostObject', bucket };
  }
  const subresources = [...query.keys()].filter((name) => name !== 'x-id');
  if (method === 'DELETE' && subresources.length === 0) return { kind: 'DeleteBucket', bucket };
  return { kind: 'Other' };
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
