import { AwsServiceError } from './service-error.ts';

/**
 * EventBridge event patterns, for rules routing PutEvents to targets. Supported: exact values
 * (string, number, boolean, null), nested objects, `$or`, and the matchers `prefix`, `suffix`,
 * `equals-ignore-case`, `wildcard`, `anything-but` (values, or `prefix`/`suffix`), `exists` and
 * `numeric`. A field that is an array in the event matches when any element does. Anything else is
 * refused when the rule is created (InvalidEventPatternException), never silently ignored.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Pattern = { readonly [key: string]: Json };

/** Parses and checks a pattern, as PutRule does. */
export function parseEventPattern(text: string): Pattern {
  let pattern: unknown;
  try {
    pattern = JSON.parse(text);
  } catch {
    throw invalid('Event pattern is not valid JSON');
  }
  if (!isObject(pattern) || Object.keys(pattern).length === 0)
    throw invalid('Event pattern must be a non-empty JSON object');
  checkPattern(pattern);
  return pattern as Pattern;
}

/** Whether `event` (the full event JSON, detail included) matches `pattern`. */
export function matchesEventPattern(pattern: Pattern, event: Json): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    if (key === '$or')
      return (
        Array.isArray(expected) && expected.some((branch) => matchesEventPattern(branch as Pattern, event))
      );
    const value = isObject(event) ? event[key] : undefined;
    if (Array.isArray(expected)) return matchesLeaf(expected, value);
    return value !== undefined && matchesEventPattern(expected as Pattern, value);
  });
}

function matchesLeaf(conditions: readonly Json[], value: Json | undefined): boolean {
  const values: readonly Json[] = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return conditions.some((condition) => {
    if (isObject(condition) && 'exists' in condition) return (value !== undefined) === condition['exists'];
    return values.some((candidate) => matchesCondition(condition, candidate));
  });
}

function matchesCondition(condition: Json, value: Json): boolean {
  if (!isObject(condition)) return condition === value;
  const [name, argument] = Object.entries(condition)[0] ?? [];
  switch (name) {
    case 'prefix':
      return typeof value === 'string' && typeof argument === 'string' && value.startsWith(argument);
    case 'suffix':
      return typeof value === 'string' && typeof argument === 'string' && value.endsWith(argument);
    case 'equals-ignore-case':
      return (
        typeof value === 'string' &&
        typeof argument === 'string' &&
        value.toLowerCase() === argument.toLowerCase()
      );
    case 'wildcard':
      return (
        typeof value === 'string' && typeof argument === 'string' && wildcardRegExp(argument).test(value)
      );
    case 'anything-but':
      return !matchesAnythingBut(argument, value);
    case 'numeric':
      return typeof value === 'number' && Array.isArray(argument) && matchesNumeric(argument, value);
    default:
      return false;
  }
}

/** True when `value` is one of the excluded values (so the rule does not match). */
function matchesAnythingBut(excluded: Json | undefined, value: Json): boolean {
  if (Array.isArray(excluded)) return excluded.some((item) => item === value);
  if (isObject(excluded)) return matchesCondition(excluded, value);
  return excluded === value;
}

function matchesNumeric(comparisons: readonly Json[], value: number): boolean {
  for (let index = 0; index < comparisons.length; index += 2) {
    const operator = comparisons[index];
    const bound = comparisons[index + 1];
    if (typeof bound !== 'number') return false;
    const holds =
      (operator === '=' && value === bound) ||
      (operator === '>' && value > bound) ||
      (operator === '>=' && value >= bound) ||
      (operator === '<' && value < bound) ||
      (operator === '<=' && value <= bound);
    if (!holds) return false;
  }
  return true;
}

function wildcardRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`, 's');
}

const MATCHERS = new Set([
  'prefix',
  'suffix',
  'equals-ignore-case',
  'wildcard',
  'anything-but',
  'numeric',
  'exists',
]);
const NUMERIC_OPERATORS = new Set(['=', '>', '>=', '<', '<=']);

function checkPattern(pattern: { [key: string]: Json }): void {
  for (const [key, value] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2 || !value.every(isObject))
        throw invalid('$or needs at least two patterns');
      for (const branch of value) checkPattern(branch as { [key: string]: Json });
    } else if (Array.isArray(value)) {
      for (const condition of value) checkCondition(key, condition);
    } else if (isObject(value)) {
      checkPattern(value);
    } else {
      throw invalid(`Event pattern field ${key} must be an array or an object`);
    }
  }
}

function checkCondition(key: string, condition: Json): void {
  if (!isObject(condition)) return;
  const entries = Object.entries(condition);
  const [name, argument] = entries[0] ?? [];
  if (entries.length !== 1 || name === undefined || !MATCHERS.has(name)) {
    throw invalid(`Unsupported matcher in field ${key}: ${JSON.stringify(condition)}`);
  }
  if (name === 'exists' && typeof argument !== 'boolean')
    throw invalid(`exists in field ${key} must be true or false`);
  if (name === 'numeric') {
    const valid =
      Array.isArray(argument) &&
      argument.length % 2 === 0 &&
      argument.length > 0 &&
      argument.every((item, index) =>
        index % 2 === 0 ? NUMERIC_OPERATORS.has(String(item)) : typeof item === 'number',
      );
    if (!valid) throw invalid(`numeric in field ${key} must alternate operators and numbers`);
  }
  if (['prefix', 'suffix', 'equals-ignore-case', 'wildcard'].includes(name) && typeof argument !== 'string') {
    throw invalid(`${name} in field ${key} must be a string`);
  }
  if (name === 'anything-but' && isObject(argument)) checkCondition(key, argument);
}

function isObject(value: unknown): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(message: string): AwsServiceError {
  return new AwsServiceError('InvalidEventPatternException', message);
}

export type { Json, Pattern };
