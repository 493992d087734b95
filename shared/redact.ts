/**
 * Redaction of secrets before anything reaches a log line or an error message. Zoom access tokens,
 * the OAuth client secret, and the signature / security token of presigned S3 URLs (which grant
 * read access to a recording to whoever holds them) must never be written anywhere: every place
 * that logs or reports a URL, a request, headers or a free-form object passes it through here.
 */

/** What replaces a secret value. */
export const REDACTED = '[REDACTED]';

/** Names (lower case, only letters and digits kept) that are secret whatever their suffix. */
const SECRET_NAMES = new Set([
  'authorization',
  'proxyauthorization',
  'cookie',
  'setcookie',
  'jwt',
  'sig',
  'apikey',
  'xamzcredential',
]);

/** Name endings that mark a secret: access_token, clientSecret, X-Amz-Signature, password... */
const SECRET_SUFFIXES = ['token', 'secret', 'password', 'signature', 'credential', 'credentials'];

/**
 * Whether a field, header or query parameter with this name holds a secret. Matching ignores case
 * and separators, so `access_token`, `accessToken` and `Access-Token` are all caught.
 */
export function isSensitiveName(name: string): boolean {
  const normalised = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  return SECRET_NAMES.has(normalised) || SECRET_SUFFIXES.some((suffix) => normalised.endsWith(suffix));
}

/** A base only used to parse relative URLs (paths with a query); never printed. */
const RELATIVE_BASE = 'http://relative.invalid';

/**
 * Returns `url` with the values of secret query parameters (X-Amz-Signature, X-Amz-Security-Token,
 * X-Amz-Credential, Signature, access_token, jwt, next_page_token...) and any user-info password
 * replaced. Accepts absolute URLs and relative paths; other query parameters keep their encoding.
 */
export function redactUrl(url: string | URL): string {
  const text = String(url);
  let parsed: URL;
  try {
    parsed = new URL(text, RELATIVE_BASE);
  } catch {
    return redactQueryPairs(text);
  }
  const search = parsed.search === '' ? '' : `?${redactQueryString(parsed.search.slice(1))}`;
  const isRelative = parsed.origin === RELATIVE_BASE && !text.startsWith(RELATIVE_BASE);
  if (isRelative) {
    return `${parsed.pathname}${search}${parsed.hash}`;
  }
  const userInfo = parsed.username === '' && parsed.password === '' ? '' : `${REDACTED}@`;
  return `${parsed.protocol}//${userInfo}${parsed.host}${parsed.pathname}${search}${parsed.hash}`;
}

function redactQueryString(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const separator = pair.indexOf('=');
      const rawName = separator === -1 ? pair : pair.slice(0, separator);
      return isSensitiveName(safeDecode(rawName)) && separator !== -1 ? `${rawName}=${REDACTED}` : pair;
    })
    .join('&');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

const URL_PATTERN = /\bhttps?:\/\/[^\s"'<>`]+/gi;
const QUERY_PAIR_PATTERN = /([A-Za-z0-9_.-]+)=([^&\s"'<>`]+)/g;
const AUTH_SCHEME_PATTERN = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
const JSON_PAIR_PATTERN = /"([^"\\]+)"\s*:\s*"(?:[^"\\]|\\.)*"/g;
const JWT_PATTERN = /\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;

function redactQueryPairs(text: string): string {
  return text.replace(QUERY_PAIR_PATTERN, (pair: string, name: string) =>
    isSensitiveName(name) ? `${name}=${REDACTED}` : pair,
  );
}

/**
 * Redacts secrets inside free text: URLs in it (as {@link redactUrl}), `name=value` pairs with a
 * secret name, `"name": "value"` JSON pairs with a secret name, `Bearer`/`Basic` credentials and
 * anything shaped like a JWT. Used on messages that may echo a request back (Zoom error messages,
 * SDK errors).
 */
export function redactString(text: string): string {
  return text
    .replace(URL_PATTERN, (url) => redactUrl(url))
    .replace(AUTH_SCHEME_PATTERN, (_match, scheme: string) => `${scheme} ${REDACTED}`)
    .replace(JSON_PAIR_PATTERN, (pair: string, name: string) =>
      isSensitiveName(name) ? `"${name}":"${REDACTED}"` : pair,
    )
    .replace(JWT_PATTERN, REDACTED)
    .replace(QUERY_PAIR_PATTERN, (pair: string, name: string) =>
      isSensitiveName(name) && !pair.endsWith(REDACTED) ? `${name}=${REDACTED}` : pair,
    );
}

/** Headers as a plain object with secret headers (Authorization, Cookie, X-Amz-Security-Token...) redacted. */
export function redactHeaders(headers: Headers | Readonly<Record<string, string>>): Record<string, string> {
  const entries = headers instanceof Headers ? [...headers.entries()] : Object.entries(headers);
  return Object.fromEntries(
    entries.map(([name, value]) => [name, isSensitiveName(name) ? REDACTED : redactString(value)]),
  );
}

/**
 * A deep copy of `value` safe to log: fields with a secret name are replaced, strings are passed
 * through {@link redactString}, errors become `{ name, message, cause }` (stack traces can quote
 * URLs), cycles and very deep nesting are cut.
 */
export function redactValue(value: unknown): unknown {
  return redactNode(value, new WeakSet<object>(), 0);
}

const MAX_DEPTH = 12;

function redactNode(value: unknown, seen: WeakSet<object>, depth: number): unknown {
  if (typeof value === 'string') {
    return redactString(value);
  }
  if (value instanceof URL) {
    return redactUrl(value);
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  if (seen.has(value)) {
    return '[Circular]';
  }
  if (depth >= MAX_DEPTH) {
    return '[Truncated]';
  }
  seen.add(value);
  if (value instanceof Headers) {
    return redactHeaders(value);
  }
  if (value instanceof Error) {
    return {
      name: value.name,
      message: redactString(value.message),
      ...(value.cause === undefined ? {} : { cause: redactNode(value.cause, seen, depth + 1) }),
    };
  }
  if (Array.isArray(value)) {
    return value.map((item) => redactNode(item, seen, depth + 1));
  }
  if (value instanceof Date) {
    return value;
  }
  return redactEntries(value, seen, depth);
}

/** {@link redactValue} for a record, keeping its type: what a logger does with its structured fields. */
export function redactRecord(record: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return redactEntries(record, new WeakSet<object>([record]), 0);
}

function redactEntries(record: object, seen: WeakSet<object>, depth: number): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(record).map(([key, item]) => [
      key,
      isSensitiveName(key) && item !== undefined && item !== null
        ? REDACTED
        : redactNode(item, seen, depth + 1),
    ]),
  );
}
