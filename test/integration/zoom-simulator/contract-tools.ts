/**
 * The contract tests' instruments, computed from Zoom's OpenAPI document itself: a strict
 * validator per operation (JSON Schema 2020-12, as OpenAPI 3.1 uses), the set of property paths a
 * response schema declares, the set a served body uses, and the leaf-by-leaf differences between
 * two bodies (to compare a strict run with a quirks run).
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import type { OperationDefinition } from '../../../local/zoom-simulator/index.ts';

type JsonSchema = {
  type?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  [keyword: string]: unknown;
};

interface OpenApiDocument {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: JsonSchema }> }> }>
  >;
}

const openApi = JSON.parse(
  readFileSync(new URL('../../fixtures/zoom/zoom-qm-openapi.json', import.meta.url), 'utf8'),
) as OpenApiDocument;

/** The documented success-response schema of an operation. */
export function responseSchema(operation: OperationDefinition): JsonSchema {
  const schema =
    openApi.paths[operation.openApiPath]?.[operation.method.toLowerCase()]?.responses[
      String(operation.successStatus)
    ]?.content?.['application/json']?.schema;
  if (schema === undefined)
    throw new Error(`no response schema for ${operation.method} ${operation.openApiPath}`);
  return schema;
}

/** A strict validator: unknown keywords are errors, except OpenAPI's own `example`. */
export function createValidator(): (operation: OperationDefinition, body: unknown) => ErrorObject[] {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  ajvFormats.default(ajv);
  ajv.addVocabulary(['example']);
  const compiled = new Map<string, ValidateFunction>();
  return (operation, body) => {
    let validate = compiled.get(operation.name);
    if (validate === undefined) {
      validate = ajv.compile(responseSchema(operation));
      compiled.set(operation.name, validate);
    }
    return validate(body) ? [] : [...(validate.errors ?? [])];
  };
}

/** Every property path a schema declares, e.g. `interactions[].interaction_info.evaluations[].evaluation_type`. */
export function schemaPaths(schema: JsonSchema, prefix = ''): Set<string> {
  const paths = new Set<string>();
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const path = prefix === '' ? name : `${prefix}.${name}`;
    paths.add(path);
    for (const nested of schemaPaths(property, path)) paths.add(nested);
  }
  if (schema.items !== undefined) {
    paths.add(`${prefix}[]`);
    for (const nested of schemaPaths(schema.items, `${prefix}[]`)) paths.add(nested);
  }
  return paths;
}

/** Every property path a body uses, in the notation of {@link schemaPaths}; non-empty arrays add `[]`. */
export function servedPaths(value: unknown, prefix = ''): Set<string> {
  const paths = new Set<string>();
  if (Array.isArray(value)) {
    if (value.length > 0) paths.add(`${prefix}[]`);
    for (const item of value) for (const nested of servedPaths(item, `${prefix}[]`)) paths.add(nested);
  } else if (typeof value === 'object' && value !== null) {
    for (const [name, property] of Object.entries(value)) {
      const path = prefix === '' ? name : `${prefix}.${name}`;
      paths.add(path);
      for (const nested of servedPaths(property, path)) paths.add(nested);
    }
  }
  return paths;
}

export interface Difference {
  /** A JSON pointer, as ajv reports instance paths. */
  readonly pointer: string;
  readonly strict: unknown;
  readonly quirked: unknown;
  /** The object holding the property in the strict body. */
  readonly strictParent: Record<string, unknown>;
}

/**
 * Leaf differences between two bodies. A property present on one side only, or a value of
 * another shape, is one difference at its pointer.
 */
export function differences(
  strict: unknown,
  quirked: unknown,
  pointer = '',
  strictParent: Record<string, unknown> = {},
): Difference[] {
  if (isRecord(strict) && isRecord(quirked)) {
    const keys = new Set([...Object.keys(strict), ...Object.keys(quirked)]);
    return [...keys].flatMap((key) => differences(strict[key], quirked[key], `${pointer}/${key}`, strict));
  }
  if (Array.isArray(strict) && Array.isArray(quirked) && strict.length === quirked.length) {
    return strict.flatMap((item, index) => differences(item, quirked[index], `${pointer}/${index}`));
  }
  return Object.is(strict, quirked) ? [] : [{ pointer, strict, quirked, strictParent }];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
