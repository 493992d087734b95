import { redactRecord, redactString } from './redact.ts';

/** Structured fields attached to a log line. */
export type LogAttributes = Record<string, unknown>;

/**
 * The logger the core writes to. Deliberately the subset of `@aws-lambda-powertools/logger`'s
 * `Logger` the core uses, so a Powertools logger is passed as is in Lambda, and tests pass a
 * capturing one: the core never depends on Powertools itself.
 */
export interface Logger {
  debug(message: string, ...extras: LogAttributes[]): void;
  info(message: string, ...extras: LogAttributes[]): void;
  warn(message: string, ...extras: LogAttributes[]): void;
  error(message: string, ...extras: LogAttributes[]): void;
}

const ignore = (): void => {};

/** A logger that drops everything: the default where logging is optional. */
export const silentLogger: Logger = { debug: ignore, info: ignore, warn: ignore, error: ignore };

/**
 * Wraps `logger` so every message and structured field is redacted (see shared/redact.ts) before it
 * is written: a second line of defence behind callers that already redact, so one forgotten field
 * cannot leak a token or a presigned URL signature.
 */
export function redactingLogger(logger: Logger): Logger {
  const wrap =
    (write: (message: string, ...extras: LogAttributes[]) => void) =>
    (message: string, ...extras: LogAttributes[]): void => {
      write(redactString(message), ...extras.map(redactRecord));
    };
  return {
    debug: wrap(logger.debug.bind(logger)),
    info: wrap(logger.info.bind(logger)),
    warn: wrap(logger.warn.bind(logger)),
    error: wrap(logger.error.bind(logger)),
  };
}
