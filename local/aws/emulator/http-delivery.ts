import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * POSTs a message to a subscriber's HTTP(S) endpoint the way SNS does, retrying a failed attempt
 * twice. Only loopback endpoints are accepted by the emulator, so a local run never calls out;
 * HTTPS certificates are not verified because local test servers use self-signed ones.
 */

const ATTEMPTS = 3;
const RETRY_DELAYS_MS = [100, 400];
const TIMEOUT_MS = 5_000;
const LOOPBACK_HOSTNAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function isLoopbackHttpEndpoint(endpoint: string): boolean {
  try {
    const url = new URL(endpoint);
    return (url.protocol === 'http:' || url.protocol === 'https:') && LOOPBACK_HOSTNAMES.has(url.hostname);
  } catch {
    return false;
  }
}

/** Resolves when the endpoint answered 2xx; rejects with the last failure after the retries. */
export async function postToEndpoint(
  endpoint: string,
  body: string,
  headers: Record<string, string>,
): Promise<void> {
  let lastError: unknown;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    try {
      await postOnce(endpoint, body, headers);
      return;
    } catch (error) {
      lastError = error;
      const delay = RETRY_DELAYS_MS[attempt];
      if (delay !== undefined) await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
  throw lastError;
}

function postOnce(endpoint: string, body: string, headers: Record<string, string>): Promise<void> {
  const url = new URL(endpoint);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = send(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        timeout: TIMEOUT_MS,
        rejectUnauthorized: false,
      },
      (response) => {
        response.resume();
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve();
        else reject(new Error(`${endpoint} answered HTTP ${status}`));
      },
    );
    outgoing.once('timeout', () =>
      outgoing.destroy(new Error(`${endpoint} did not answer within ${TIMEOUT_MS} ms`)),
    );
    outgoing.once('error', reject);
    outgoing.end(body);
  });
}
