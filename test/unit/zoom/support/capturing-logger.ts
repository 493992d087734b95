import type { LogAttributes, Logger } from '../../../../shared/logging.ts';

export interface LogEntry {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly extras: readonly LogAttributes[];
}

/** A logger that keeps what it receives, so tests can assert on it (and on what must not be in it). */
export class CapturingLogger implements Logger {
  readonly entries: LogEntry[] = [];

  debug(message: string, ...extras: LogAttributes[]): void {
    this.entries.push({ level: 'debug', message, extras });
  }

  info(message: string, ...extras: LogAttributes[]): void {
    this.entries.push({ level: 'info', message, extras });
  }

  warn(message: string, ...extras: LogAttributes[]): void {
    this.entries.push({ level: 'warn', message, extras });
  }

  error(message: string, ...extras: LogAttributes[]): void {
    this.entries.push({ level: 'error', message, extras });
  }

  /** Everything logged, as one string to search for leaks. */
  text(): string {
    return JSON.stringify(this.entries);
  }

  /** The structured fields of the entries whose message is `message`. */
  fieldsOf(message: string): LogAttributes[] {
    return this.entries
      .filter((entry) => entry.message === message)
      .map((entry) => Object.assign({}, ...entry.extras));
  }
}
