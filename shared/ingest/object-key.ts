/**
 * Object keys as events carry them, and as logs may show them. S3 writes keys into event
 * notifications form-URL-encoded (`my file+v2 é.wav` arrives as `my+file%2Bv2+%C3%A9.wav`);
 * EventBridge's "Object Created" events encode them the same way. Keys often hold personal data
 * (an agent's email, a caller's number), so logs get a scrubbed form.
 */

/** The real key of an event's encoded key: `+` is a space, then percent-decoding; undefined if malformed. */
export function decodeEventKey(encoded: string): string | undefined {
  try {
    return decodeURIComponent(encoded.replaceAll('+', ' '));
  } catch {
    return undefined;
  }
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
/** A run of 7 or more digits, possibly after a "+": a phone number or something like it. */
const LONG_NUMBER = /\+?\d{7,}/g;

/**
 * `text` with email addresses and phone-number-like digit runs replaced, for logs and reasons
 * (`calls/2026-11-24/jane.doe@example.com/+12053546173.mp3` -> `calls/2026-11-24/[email]/[number].mp3`).
 */
export function scrubPersonalData(text: string): string {
  return text.replace(EMAIL, '[email]').replace(LONG_NUMBER, '[number]');
}
