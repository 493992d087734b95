/**
 * Placeholders for DynamoDB expressions. Every attribute name goes through a `#name` placeholder
 * (so reserved words such as `status`, `key` and `size` need no special care) and every value
 * through a `:value` placeholder (so no value is ever spliced into an expression).
 */
export class ExpressionAttributes {
  readonly #names = new Map<string, string>();
  readonly #values = new Map<string, unknown>();

  /** The placeholder of a top-level attribute name. */
  name(attribute: string): string {
    let placeholder = this.#names.get(attribute);
    if (placeholder === undefined) {
      placeholder = `#n${this.#names.size}`;
      this.#names.set(attribute, placeholder);
    }
    return placeholder;
  }

  /** The placeholder path of a nested attribute, e.g. `path('poll', 'pollSeq')` -> `#n0.#n1`. */
  path(...attributes: string[]): string {
    return attributes.map((attribute) => this.name(attribute)).join('.');
  }

  /** A fresh placeholder bound to `value`. */
  value(value: unknown): string {
    const placeholder = `:v${this.#values.size}`;
    this.#values.set(placeholder, value);
    return placeholder;
  }

  /** The request fields, leaving out an empty value map (DynamoDB rejects one). */
  toInput(): {
    ExpressionAttributeNames: Record<string, string>;
    ExpressionAttributeValues?: Record<string, unknown>;
  } {
    const names = Object.fromEntries(
      [...this.#names].map(([attribute, placeholder]) => [placeholder, attribute]),
    );
    if (this.#values.size === 0) {
      return { ExpressionAttributeNames: names };
    }
    return { ExpressionAttributeNames: names, ExpressionAttributeValues: Object.fromEntries(this.#values) };
  }
}

/** An update expression from its SET clauses (`<path> = <expression>`) and REMOVE paths. */
export function updateExpression(set: readonly string[], remove: readonly string[] = []): string {
  const clauses: string[] = [];
  if (set.length > 0) {
    clauses.push(`SET ${set.join(', ')}`);
  }
  if (remove.length > 0) {
    clauses.push(`REMOVE ${remove.join(', ')}`);
  }
  return clauses.join(' ');
}
