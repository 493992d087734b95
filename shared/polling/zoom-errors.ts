import {
  ZoomAuthError,
  ZoomNotFoundError,
  ZoomResponseSchemaError,
  ZoomTransientError,
  ZoomValidationError,
} from '../zoom/errors.ts';

/**
 * The Zoom failures a poll rides out by checking again later (rate limits aside, which have their
 * own wait): the recording stays SUBMITTED until Zoom answers or its deadline passes, and the
 * alert-worthy ones (credentials, a changed API) are logged as errors for the alarms.
 */
export type ZoomErrorKind = 'transient' | 'auth' | 'response-schema' | 'validation' | 'not-found';

const KINDS: readonly (readonly [abstract new (...args: never[]) => Error, ZoomErrorKind])[] = [
  [ZoomTransientError, 'transient'],
  [ZoomAuthError, 'auth'],
  [ZoomResponseSchemaError, 'response-schema'],
  [ZoomValidationError, 'validation'],
  [ZoomNotFoundError, 'not-found'],
];

export function isZoomError(error: unknown): error is Error {
  return KINDS.some(([type]) => error instanceof type);
}

export function zoomErrorKind(error: Error): ZoomErrorKind {
  return KINDS.find(([type]) => error instanceof type)?.[1] ?? 'transient';
}
