import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Zoom's webhook authentication (https://developers.zoom.us/docs/api/webhooks/, "Verify webhook
 * events" and "Validate your webhook endpoint"): every request carries `x-zm-request-timestamp`
 * (Unix seconds) and `x-zm-signature` = `v0=` + hex HMAC-SHA256(secret token,
 * `v0:{timestamp}:{raw body}`); the URL validation request asks for `encryptedToken` = hex
 * HMAC-SHA256(secret token, plainToken). The MAC is over the body's bytes as they arrived: JSON
 * parsed and serialised again is another byte string and does not verify.
 */

export const SIGNATURE_HEADER = 'x-zm-signature';
export const TIMESTAMP_HEADER = 'x-zm-request-timestamp';
/** A request older or newer than this (against the receiver's clock) is refused: a replay window. */
export const MAX_TIMESTAMP_SKEW_MS = 5 * 60_000;

const SIGNATURE_VERSION = 'v0';

/** The `x-zm-signature` Zoom sends for `rawBody` at `timestamp` (Unix seconds, as sent). */
export function webhookSignature(secretToken: string, timestamp: string, rawBody: Uint8Array): string {
  const mac = createHmac('sha256', secretToken);
  mac.update(`${SIGNATURE_VERSION}:${timestamp}:`);
  mac.update(rawBody);
  return `${SIGNATURE_VERSION}=${mac.digest('hex')}`;
}

/** The `encryptedToken` answering a URL validation's `plainToken`. */
export function encryptedToken(secretToken: string, plainToken: string): string {
  return createHmac('sha256', secretToken).update(plainToken).digest('hex');
}

/** Why a request was refused; each is counted under its own dimension. */
export type SignatureRejection = 'missing' | 'stale' | 'mismatch';

/** On success, the secret token that signed the request (a URL validation is answered with it). */
export type SignatureCheck =
  | { readonly ok: true; readonly secretToken: string }
  | { readonly ok: false; readonly why: SignatureRejection };

export interface SignedRequest {
  readonly signature: string | undefined;
  readonly timestamp: string | undefined;
  readonly rawBody: Uint8Array;
}

/**
 * Checks a request's timestamp (within {@link MAX_TIMESTAMP_SKEW_MS} of `now`) and its signature
 * against each candidate secret token (an account may be mid-rotation, and a URL validation names
 * no account), comparing in constant time.
 */
export function checkSignature(
  request: SignedRequest,
  secretTokens: readonly string[],
  now: number,
): SignatureCheck {
  const { signature, timestamp } = request;
  if (signature === undefined || signature === '' || timestamp === undefined || timestamp === '') {
    return { ok: false, why: 'missing' };
  }
  if (!/^\d{1,15}$/.test(timestamp) || Math.abs(now - Number(timestamp) * 1_000) > MAX_TIMESTAMP_SKEW_MS) {
    return { ok: false, why: 'stale' };
  }
  const received = Buffer.from(signature, 'utf8');
  const signer = secretTokens.find((secretToken) => {
    const expected = Buffer.from(webhookSignature(secretToken, timestamp, request.rawBody), 'utf8');
    return expected.length === received.length && timingSafeEqual(expected, received);
  });
  return signer === undefined ? { ok: false, why: 'mismatch' } : { ok: true, secretToken: signer };
}
