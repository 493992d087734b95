import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import * as z from 'zod';
import type { ZoomOperation } from '../../../../shared/zoom/operations.ts';

/**
 * Zoom's OpenAPI document (test/fixtures/zoom/zoom-qm-openapi.json) as the tests read it: its
 * operations, their parameters and schemas, JSON Schema validators for them, and the example
 * each schema implies. The document says `openapi: 3.0.0` (3.0 schema dialect: `example`,
 * boolean `exclusiveMaximum`), so schemas are converted to JSON Schema 2020-12 for Ajv.
 */

type JsonObject = Record<string, unknown>;

const jsonObject = z.record(z.string(), z.unknown());
const mediaSchema = z.object({ 'application/json': z.object({ schema: jsonObject }) });
const operationSchema = z.object({
  operationId: z.string(),
  description: z.string(),
  parameters: z
    .array(
      z.object({
        name: z.string(),
        in: z.enum(['query', 'path', 'header', 'cookie']),
        required: z.boolean().optional(),
        schema: jsonObject,
      }),
    )
    .optional(),
  requestBody: z.object({ content: mediaSchema }).optional(),
  responses: z.record(z.string(), z.object({ description: z.string(), content: mediaSchema.optional() })),
});
const documentSchema = z.object({
  openapi: z.string(),
  servers: z.array(z.object({ url: z.string() })),
  paths: z.record(z.string(), z.record(z.string(), operationSchema)),
});

export type SpecOperation = z.output<typeof operationSchema>;
export type SpecParameter = NonNullable<SpecOperation['parameters']>[number];

export const openApi = documentSchema.parse(
  JSON.parse(readFileSync(new URL('../../../fixtures/zoom/zoom-qm-openapi.json', import.meta.url), 'utf8')),
);

/** Which OpenAPI operation each client operation is, written independently of the client. */
export const SPEC_ROUTES: Readonly<
  Record<ZoomOperation, { readonly method: 'get' | 'post'; readonly path: string }>
> = {
  createInteraction: { method: 'post', path: '/qm/interactions' },
  listInteractions: { method: 'get', path: '/qm/interactions' },
  getInteraction: { method: 'get', path: '/qm/interactions/{interactionId}' },
  listAutomatedEvaluations: { method: 'get', path: '/qm/automated_evaluations' },
  listEvaluations: { method: 'get', path: '/qm/evaluation' },
  getEvaluation: { method: 'get', path: '/qm/evaluation/{evaluationId}' },
};

export function specOperation(method: string, pathTemplate: string): SpecOperation {
  const operation = openApi.paths[pathTemplate]?.[method.toLowerCase()];
  if (operation === undefined) {
    throw new Error(`The OpenAPI has no ${method} ${pathTemplate}`);
  }
  return operation;
}

/**
 * The OpenAPI operation a concrete request path matches (server base path removed), with its
 * path parameters; undefined when the path matches none.
 */
export function matchSpecPath(
  method: string,
  pathname: string,
):
  | {
      readonly template: string;
      readonly operation: SpecOperation;
      readonly pathParameters: Record<string, string>;
    }
  | undefined {
  for (const [template, operations] of Object.entries(openApi.paths)) {
    const operation = operations[method.toLowerCase()];
    if (operation === undefined) {
      continue;
    }
    const names: string[] = [];
    const pattern = template.replace(/\{([^}]+)\}/g, (_match, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    const match = new RegExp(`^${pattern}$`).exec(pathname);
    if (match !== null) {
      const pathParameters = Object.fromEntries(
        names.map((name, index) => [name, decodeURIComponent(match[index + 1] ?? '')]),
      );
      return { template, operation, pathParameters };
    }
  }
  return undefined;
}

/** An OpenAPI 3.0 schema as JSON Schema 2020-12: boolean exclusive bounds become numeric, `example` goes. */
export function toJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) {
    return schema.map(toJsonSchema);
  }
  if (typeof schema !== 'object' || schema === null) {
    return schema;
  }
  const converted = new Map<string, unknown>();
  for (const [key, value] of Object.entries(schema)) {
    if (key !== 'example') {
      converted.set(key, key === 'enum' ? value : toJsonSchema(value));
    }
  }
  for (const [flag, bound] of [
    ['exclusiveMaximum', 'maximum'],
    ['exclusiveMinimum', 'minimum'],
  ] as const) {
    if (converted.get(flag) === true) {
      converted.set(flag, converted.get(bound));
      converted.delete(bound);
    } else if (converted.get(flag) === false) {
      converted.delete(flag);
    }
  }
  const type = converted.get('type');
  if (converted.get('nullable') === true && typeof type === 'string') {
    converted.set('type', [type, 'null']);
  }
  converted.delete('nullable');
  return Object.fromEntries(converted);
}

/**
 * The example a schema implies, built from the `example` of each leaf (objects from their
 * properties, arrays as one element): how Zoom's reference renders the examples of zoom-qm-api.txt.
 */
export function exampleOf(schema: unknown): unknown {
  if (typeof schema !== 'object' || schema === null) {
    return undefined;
  }
  const node = new Map(Object.entries(schema));
  if (node.has('example')) {
    return node.get('example');
  }
  if (node.get('type') === 'array') {
    const item = exampleOf(node.get('items'));
    return item === undefined ? [] : [item];
  }
  if (node.get('type') === 'object' || node.has('properties')) {
    const properties = jsonObject.parse(node.get('properties') ?? {});
    const example = new Map<string, unknown>();
    for (const [name, property] of Object.entries(properties)) {
      const value = exampleOf(property);
      if (value !== undefined) {
        example.set(name, value);
      }
    }
    return Object.fromEntries(example);
  }
  return undefined;
}

/** Validates request bodies (strict 2020-12). */
export const bodyValidator = new Ajv2020({ strict: true, allErrors: true });
/** Validates query and path values, which travel as strings (so `scored=true` is a boolean). */
export const parameterValidator = new Ajv2020({ strict: true, allErrors: true, coerceTypes: true });

/**
 * Checks one parameter value the way a server would: the string is coerced to the declared type,
 * then validated. Returns Ajv's errors as text, empty when the value is valid.
 */
export function parameterErrors(parameter: SpecParameter, value: string): string {
  const validate = parameterValidator.compile({
    type: 'object',
    properties: { [parameter.name]: toJsonSchema(parameter.schema) },
  });
  const data: JsonObject = { [parameter.name]: value };
  return validate(data) ? '' : parameterValidator.errorsText(validate.errors);
}

/** The "Rate Limit Label" an OpenAPI operation's description states. */
export function documentedLabel(operation: SpecOperation): string | undefined {
  return /Rate Limit Label[^`]*`([^`]+)`/.exec(operation.description)?.[1];
}
