import * as z from '../zod.ts';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Whether a bearer token or client secret may be sent to `url`: always over https, and over plain
 * http only to this machine (the Zoom QM simulator in tests and local runs).
 */
export function isSecureOrLoopback(url: string): boolean {
  const parsed = URL.parse(url);
  if (parsed === null) {
    return false;
  }
  return parsed.protocol === 'https:' || (parsed.protocol === 'http:' && LOOPBACK_HOSTS.has(parsed.hostname));
}

/**
 * An absolute http(s) base URL that credentials may be sent to (see {@link isSecureOrLoopback}),
 * without a trailing slash so paths can be appended.
 */
export const credentialedBaseUrlSchema = z.pipe(
  z
    .url({ protocol: /^https?$/ })
    .check(z.refine(isSecureOrLoopback, 'must use https (plain http only for 127.0.0.1 or localhost)')),
  z.transform((url) => url.replace(/\/+$/, '')),
);
