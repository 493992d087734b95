/**
 * Encodes an object key the way S3 writes it into event notifications: form-URL encoding of the
 * UTF-8 bytes (space as `+`, `+` as `%2B`, non-ASCII as percent-encoded UTF-8, `@` `=` `:` and
 * the other reserved characters percent-encoded) with `/` left as is, so
 * `incoming/my file+v2 é.wav` arrives as `incoming/my+file%2Bv2+%C3%A9.wav`. Consumers decode it
 * with "replace `+` by space, then percent-decode" (Python's `unquote_plus`).
 */
export function encodeS3EventKey(key: string): string {
  let encoded = '';
  for (const byte of Buffer.from(key, 'utf8')) {
    if (byte === SPACE) encoded += '+';
    else if (isLeftAsIs(byte)) encoded += String.fromCharCode(byte);
    else encoded += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}

const SPACE = 0x20;
/** The characters form encoding leaves alone (Java's URLEncoder: `A-Z a-z 0-9 . - * _`), plus `/`. */
const LEFT_AS_IS = /^[A-Za-z0-9.\-*_/]$/;

function isLeftAsIs(byte: number): boolean {
  return byte < 0x80 && LEFT_AS_IS.test(String.fromCharCode(byte));
}
