import type { LogAttributes, Logger } from '../logging.ts';
import { redactRecord, redactString } from '../redact.ts';

/**
 * The logger handlers and cores share: shared/logging.ts's {@link Logger}, plus child loggers
 * that carry fields of their own (a recording's correlation id), so records processed at the same
 * time in one invocation never mix their fields, as one logger's appended keys would.
 */
export interface StructuredLogger extends Logger {
  /** A logger that adds `keys` to every line it writes, on top of this one's. */
  child(keys: LogAttributes): StructuredLogger;
}

/** The key Powertools and CloudWatch Logs Insights queries use for a correlation id. */
export const CORRELATION_ID_KEY = 'correlation_id';

/** The fields that make a recording's log lines findable together: its id, as the correlation id. */
export function recordingKeys(recordingId: string): LogAttributes {
  return { recordingId, [CORRELATION_ID_KEY]: recordingId };
}

/** What a logging library must offer to back a {@link StructuredLogger}. */
export interface ChildCapableLogger extends Logger {
  createChild(keys: LogAttributes): ChildCapableLogger;
}

/**
 * A {@link StructuredLogger} over `inner` that redacts every message and field (shared/redact.ts)
 * before writing: a second line of defence, so one forgotten field cannot leak a presigned URL's
 * signature or a token.
 */
export function redactingStructuredLogger(inner: ChildCapableLogger): StructuredLogger {
  const write =
    (method: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, ...extras: LogAttributes[]): void => {
      inner[method](redactString(message), ...extras.map(redactRecord));
    };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (keys) => redactingStructuredLogger(inner.createChild(redactRecord(keys))),
  };
}
