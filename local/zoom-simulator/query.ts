/**
 * Query-string parsing for the list operations, with Zoom's answers to bad values: a malformed
 * from/to is the documented code 1001; any other bad parameter is a code-300 validation error.
 */
import { type FieldError, type JsonResponse, zoomErrors } from './zoom-errors.ts';
import { parseZoomTime } from './zoom-time.ts';

export class QueryReader {
  readonly #query: URLSearchParams;
  readonly #errors: FieldError[] = [];
  #timeError = false;

  constructor(query: URLSearchParams) {
    this.#query = query;
  }

  text(name: string): string | undefined {
    const value = this.#query.get(name);
    return value === null || value === '' ? undefined : value;
  }

  /** A comma-separated list ("a, b"), trimmed; undefined when absent. */
  list(name: string): Set<string> | undefined {
    const value = this.text(name);
    if (value === undefined) return undefined;
    return new Set(
      value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== ''),
    );
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const value = this.text(name);
    if (value === undefined) return undefined;
    const match = allowed.find((candidate) => candidate === value);
    if (match === undefined)
      this.#errors.push({ field: name, message: `Invalid value, must be one of: ${allowed.join(', ')}.` });
    return match;
  }

  boolean(name: string): boolean | undefined {
    const value = this.text(name);
    if (value === undefined) return undefined;
    if (value === 'true' || value === 'false') return value === 'true';
    this.#errors.push({ field: name, message: 'Invalid value, must be true or false.' });
    return undefined;
  }

  /**
   * The page size: the default when absent; a validation error when not a positive integer or,
   * with `exclusiveMaximum`, not below it (as GET /qm/interactions documents); otherwise capped.
   */
  pageSize(
    defaultSize: number,
    limit: { readonly exclusiveMaximum: number } | { readonly cap: number },
  ): number {
    const value = this.text('page_size');
    if (value === undefined) return defaultSize;
    const size = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    const tooLarge = 'exclusiveMaximum' in limit && size >= limit.exclusiveMaximum;
    if (!Number.isSafeInteger(size) || size < 1 || tooLarge) {
      const maximum = 'exclusiveMaximum' in limit ? ` and less than ${limit.exclusiveMaximum}` : '';
      this.#errors.push({
        field: 'page_size',
        message: `Invalid value, must be a positive integer${maximum}.`,
      });
      return defaultSize;
    }
    return 'cap' in limit ? Math.min(size, limit.cap) : size;
  }

  /** The from/to window in epoch ms; a bad or inverted window is code 1001. */
  window(): { from: number | undefined; to: number | undefined } {
    const read = (name: string): number | undefined => {
      const value = this.text(name);
      if (value === undefined) return undefined;
      const parsed = parseZoomTime(value);
      if (parsed === undefined) this.#timeError = true;
      return parsed;
    };
    const from = read('from');
    const to = read('to');
    if (from !== undefined && to !== undefined && from > to) this.#timeError = true;
    return { from, to };
  }

  /** The error to answer, if any parameter was bad; call after reading every parameter. */
  error(): JsonResponse | undefined {
    if (this.#timeError) return zoomErrors.invalidFromTo();
    return this.#errors.length === 0 ? undefined : zoomErrors.validationFailed(this.#errors);
  }
}

export function withinWindow(
  epochMs: number,
  window: { from: number | undefined; to: number | undefined },
): boolean {
  return (
    (window.from === undefined || epochMs >= window.from) && (window.to === undefined || epochMs <= window.to)
  );
}
