import { describe, expect, it } from 'vitest';
import { checkSignature, encryptedToken, webhookSignature } from '../../../shared/webhooks/signature.ts';

/**
 * Zoom's algorithm on fixed vectors. The expected values were computed apart from qm-ingest's code
 * (Python's hmac module: `'v0=' + hmac.new(secret, b'v0:' + ts + b':' + body, sha256).hexdigest()`,
 * and `hmac.new(secret, plainToken, sha256).hexdigest()`), as Zoom's docs describe them.
 */
const SECRET = 'wh-secret-7Kq2';
const TIMESTAMP = '1765072800';
const NOW = 1_765_072_800_000;
const BODY =
  '{"event":"quality_management.evaluation_completed","event_ts":1765072800000,"payload":{"account_id":"AAAAAABBBB","object":{"interaction_id":"X51n17BZQTqKtxwF4mmTIw","evaluation_id":"0e73a69f8f104d24a589fa0c615abca8","evaluation_type":"MANUAL"}}}';
const SIGNATURE = 'v0=b741a39921c07579e592452ecbe55852da6cfb73a8e9e2f0557e322fdba97bae';

const request = (overrides: {
  signature?: string | undefined;
  timestamp?: string | undefined;
  body?: string;
}) => ({
  signature: 'signature' in overrides ? overrides.signature : SIGNATURE,
  timestamp: 'timestamp' in overrides ? overrides.timestamp : TIMESTAMP,
  rawBody: Buffer.from(overrides.body ?? BODY, 'utf8'),
});

describe("Zoom's webhook signature", () => {
  it('signs v0:{timestamp}:{raw body} with HMAC-SHA256, hex, prefixed v0=', () => {
    expect(webhookSignature(SECRET, TIMESTAMP, Buffer.from(BODY))).toBe(SIGNATURE);
  });

  it('answers the URL validation with the hex HMAC-SHA256 of the plainToken', () => {
    expect(encryptedToken(SECRET, 'qgg8vlvZRS6UYooatFL8Aw')).toBe(
      '3c99ca8e4438e9ded188f7aa535718cd9062179782bf60398574b7319aa08146',
    );
  });

  it('accepts a good signature and names the secret that signed it', () => {
    expect(checkSignature(request({}), ['another-secret', SECRET], NOW + 60_000)).toEqual({
      ok: true,
      secretToken: SECRET,
    });
  });

  it.each([
    ['a signature from another secret', request({}), ['not-the-secret']],
    ['a tampered body', request({ body: BODY.replace('MANUAL', 'AUTOMATED') }), [SECRET]],
    [
      'the body parsed and serialised again (not the raw bytes)',
      request({ body: JSON.stringify(JSON.parse(BODY), null, 1) }),
      [SECRET],
    ],
    ['a signature of another timestamp', request({ timestamp: String(Number(TIMESTAMP) + 1) }), [SECRET]],
    ['a truncated signature', request({ signature: SIGNATURE.slice(0, -2) }), [SECRET]],
  ])('refuses %s as a mismatch', (_label, signed, secrets) => {
    expect(checkSignature(signed, secrets, NOW)).toEqual({ ok: false, why: 'mismatch' });
  });

  it.each([
    ['more than 5 minutes old', NOW + 5 * 60_000 + 1_000],
    ['more than 5 minutes ahead', NOW - 5 * 60_000 - 1_000],
  ])('refuses a request %s as stale, however well signed', (_label, now) => {
    expect(checkSignature(request({}), [SECRET], now)).toEqual({ ok: false, why: 'stale' });
  });

  it('refuses a timestamp that is not Unix seconds as stale', () => {
    expect(checkSignature(request({ timestamp: '2025-12-07T02:00:00Z' }), [SECRET], NOW)).toEqual({
      ok: false,
      why: 'stale',
    });
  });

  it.each([
    ['no signature', request({ signature: undefined })],
    ['an empty signature', request({ signature: '' })],
    ['no timestamp', request({ timestamp: undefined })],
  ])('refuses a request with %s as missing', (_label, unsigned) => {
    expect(checkSignature(unsigned, [SECRET], NOW)).toEqual({ ok: false, why: 'missing' });
  });
});
