import type { LogAttributes } from '../../shared/logging.ts';
import type { StructuredLogger } from '../../shared/observability/logger.ts';

/** One log line as code under test wrote it, with the fields of its logger and its own. */
export interface LoggedLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: LogAttributes;
}

/**
 * A structured logger that keeps every line with its child keys merged in (children share the
 * list), so the ingest and polling tests can assert on what was logged and on what must never be.
 */
export class CapturingStructuredLogger implements StructuredLogger {
  readonly lines: LoggedLine[];
  readonly #keys: LogAttributes;

  constructor(lines: LoggedLine[] = [], keys: LogAttributes = {}) {
    this.lines = lines;
    this.#keys = keys;
  }

  debug(message: string, ...extras: LogAttributes[]): void {
    this.#write('debug', message, extras);
  }

  info(message: string, ...extras: LogAttributes[]): void {
    this.#write('info', message, extras);
  }

  warn(message: string, ...extras: LogAttributes[]): void {
    this.#write('warn', message, extras);
  }

  error(message: string, ...extras: LogAttributes[]): void {
    this.#write('error', message, extras);
  }

  child(keys: LogAttributes): StructuredLogger {
    return new CapturingStructuredLogger(this.lines, { ...this.#keys, ...keys });
  }

  /** The lines with this message. */
  withMessage(message: string): LoggedLine[] {
    return this.lines.filter((line) => line.message === message);
  }

  /** Everything logged, as one string to search for leaks. */
  text(): string {
    return JSON.stringify(this.lines, (_key, value: unknown) =>
      value instanceof Error ? value.message : value,
    );
  }

  #write(level: LoggedLine['level'], message: string, extras: readonly LogAttributes[]): void {
    this.lines.push({ level, message, fields: Object.assign({}, this.#keys, ...extras) });
  }
}
