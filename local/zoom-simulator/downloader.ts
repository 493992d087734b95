/**
 * What Zoom does first with a new interaction: download the recording from `download_url`. The
 * simulator really fetches it (streamed, bytes counted, never kept), so a broken, expired or
 * wrong presigned URL fails here exactly as it would at Zoom, and the result is recorded for
 * the inspection API. Presigned query strings are signatures: records keep only the URL without
 * its query.
 */

export type DownloadOutcome = 'ok' | 'http-error' | 'network-error' | 'timeout' | 'too-small' | 'aborted';

export interface DownloadResult {
  readonly outcome: DownloadOutcome;
  readonly status: number | undefined;
  readonly bytes: number;
  readonly durationMs: number;
  /** Why it failed, e.g. "HTTP 403 AccessDenied: Request has expired"; undefined when it succeeded. */
  readonly error: string | undefined;
}

export interface DownloadOptions {
  readonly timeoutMs: number;
  readonly minBytes: number;
  /** Aborts the download when the simulator stops. */
  readonly signal: AbortSignal;
  /** Monotonic milliseconds, for the duration only (not the simulated clock). */
  readonly monotonicNow?: () => number;
}

/** Reads at most this much of an error body, enough for S3's XML error document. */
const errorBodyLimit = 4096;

export async function downloadRecording(url: string, options: DownloadOptions): Promise<DownloadResult> {
  const now = options.monotonicNow ?? (() => performance.now());
  const started = now();
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = AbortSignal.any([options.signal, timeout]);
  const finish = (
    outcome: DownloadOutcome,
    status: number | undefined,
    bytes: number,
    error: string | undefined,
  ) => ({
    outcome,
    status,
    bytes,
    durationMs: Math.round(now() - started),
    error,
  });
  let status: number | undefined;
  let bytes = 0;
  try {
    const response = await fetch(url, { signal, redirect: 'follow' });
    status = response.status;
    if (!response.ok) {
      const detail = describeErrorBody(await readPrefix(response, errorBodyLimit));
      return finish('http-error', status, 0, `HTTP ${status}${detail === '' ? '' : ` ${detail}`}`);
    }
    if (response.body !== null) {
      for await (const chunk of response.body) bytes += chunk.byteLength;
    }
    if (bytes < options.minBytes) {
      return finish(
        'too-small',
        status,
        bytes,
        `downloaded ${bytes} bytes, fewer than the ${options.minBytes} required`,
      );
    }
    return finish('ok', status, bytes, undefined);
  } catch (error) {
    if (timeout.aborted)
      return finish('timeout', status, bytes, `no complete answer within ${options.timeoutMs} ms`);
    if (options.signal.aborted) return finish('aborted', status, bytes, 'the simulator stopped');
    return finish(
      'network-error',
      status,
      bytes,
      describeNetworkError(error).replaceAll(url, redactUrl(url)),
    );
  }
}

/** The URL as it may be shown: origin and path, the (signed) query replaced by a marker. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}${parsed.search === '' ? '' : '?<redacted>'}`;
  } catch {
    return '<unparseable url>';
  }
}

async function readPrefix(response: Response, limit: number): Promise<string> {
  if (response.body === null) return '';
  const decoder = new TextDecoder();
  let text = '';
  const reader = response.body.getReader();
  try {
    while (text.length < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return text.slice(0, limit);
}

/** S3 (and s3rver) answer errors with `<Error><Code>..</Code><Message>..</Message></Error>`. */
function describeErrorBody(body: string): string {
  const code = /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
  const message = /<Message>([^<]*)<\/Message>/.exec(body)?.[1];
  if (code === undefined && message === undefined) return '';
  return [code, message].filter((part) => part !== undefined).join(': ');
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return 'network error';
  const cause = error.cause;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code === undefined ? cause.message : `${code}: ${cause.message}`;
  }
  return error.message;
}
