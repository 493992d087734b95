import { escapeXml } from '../xml.ts';
import { AwsServiceError } from './service-error.ts';

/**
 * The awsQuery protocol (SNS): a form-encoded body with `Action`, `Version` and flattened
 * parameters (`Attributes.entry.1.key`, `PublishBatchRequestEntries.member.2.Message`...);
 * XML answers wrapped in `<ActionResponse><ActionResult>`; XML `ErrorResponse` errors.
 */

/** A view on the flat parameters under one prefix. */
export class QueryParameters {
  readonly #values: ReadonlyMap<string, string>;
  readonly #prefix: string;

  constructor(values: ReadonlyMap<string, string>, prefix = '') {
    this.#values = values;
    this.#prefix = prefix;
  }

  static fromForm(body: string): QueryParameters {
    return new QueryParameters(new Map(new URLSearchParams(body)));
  }

  get(name: string): string | undefined {
    return this.#values.get(this.#prefix + name);
  }

  /** A parameter the call cannot do without: missing, it is the caller's error. */
  require(name: string): string {
    const value = this.get(name);
    if (value === undefined || value === '') {
      throw new AwsServiceError('InvalidParameter', `Invalid parameter: ${this.#prefix}${name} is required`);
    }
    return value;
  }

  /** `name.member.1.*`, `name.member.2.*`... in order. */
  members(name: string): QueryParameters[] {
    return this.#numbered(`${name}.member.`);
  }

  /** `name.entry.N.*` maps, each entry a view on its own parameters. */
  entries(name: string): QueryParameters[] {
    return this.#numbered(`${name}.entry.`);
  }

  /** A string map flattened as `name.entry.N.key` / `name.entry.N.value`. */
  stringMap(name: string): Record<string, string> {
    const map: Record<string, string> = {};
    for (const entry of this.entries(name)) map[entry.require('key')] = entry.get('value') ?? '';
    return map;
  }

  #numbered(base: string): QueryParameters[] {
    const views: QueryParameters[] = [];
    for (let index = 1; ; index++) {
      const prefix = `${this.#prefix}${base}${index}.`;
      if (![...this.#values.keys()].some((key) => key.startsWith(prefix))) return views;
      views.push(new QueryParameters(this.#values, prefix));
    }
  }
}

/** A successful answer: `<{action}Response><{action}Result>{resultXml}</...>`. */
export function queryResponseXml(
  action: string,
  resultXml: string,
  requestId: string,
  xmlns: string,
): string {
  return (
    `<${action}Response xmlns="${xmlns}"><${action}Result>${resultXml}</${action}Result>` +
    `<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata></${action}Response>`
  );
}

/** An error answer as awsQuery services write it. */
export function queryErrorXml(error: AwsServiceError, requestId: string, xmlns: string): string {
  const type = error.statusCode >= 500 ? 'Receiver' : 'Sender';
  return (
    `<ErrorResponse xmlns="${xmlns}"><Error><Type>${type}</Type><Code>${escapeXml(error.code)}</Code>` +
    `<Message>${escapeXml(error.message)}</Message></Error><RequestId>${escapeXml(requestId)}</RequestId></ErrorResponse>`
  );
}

/** `<name>value</name>` with the value escaped. */
export function xmlElement(name: string, value: string): string {
  return `<${name}>${escapeXml(value)}</${name}>`;
}
