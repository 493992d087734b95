import type { LogAttributes } from '../../shared/logging.ts';
import type { LambdaObservability } from '../../shared/observability/lambda-observability.ts';
import type { StructuredLogger } from '../../shared/observability/logger.ts';
import { InMemoryMetrics } from '../../shared/observability/metrics.ts';

/** One log line as a handler wrote it, with the fields of its logger and its own. */
export interface PollingLogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: LogAttributes;
}

/** A structured logger that keeps every line (children share the list), for the polling integration tests. */
export class PollingLogs implements StructuredLogger {
  readonly lines: PollingLogLine[];
  readonly #keys: LogAttributes;

  constructor(lines: PollingLogLine[] = [], keys: LogAttributes = {}) {
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
    return new PollingLogs(this.lines, { ...this.#keys, ...keys });
  }

  /** The lines with this message. */
  withMessage(message: string): PollingLogLine[] {
    return this.lines.filter((line) => line.message === message);
  }

  #write(level: PollingLogLine['level'], message: string, extras: LogAttributes[]): void {
    this.lines.push({ level, message, fields: Object.assign({}, this.#keys, ...extras) });
  }
}

/** Logs and metrics kept in memory, as a handler's container takes them. */
export function inMemoryObservability(): LambdaObservability & {
  readonly logger: PollingLogs;
  readonly metrics: InMemoryMetrics;
} {
  return {
    logger: new PollingLogs(),
    metrics: new InMemoryMetrics(),
    startInvocation: () => {},
    endInvocation: () => {},
  };
}
