import { ConfigError } from '../errors.ts';
import type * as z from '../zod.ts';

/**
 * Validates `input` against `schema`, or throws one {@link ConfigError} naming every invalid field
 * as `<fieldPrefix>.<path>: <problem>`. Values are never echoed: a secret pasted into the wrong
 * field must not end up in a log.
 */
export function parseConfig<TSchema extends z.ZodMiniType>(
  schema: TSchema,
  input: unknown,
  fieldPrefix: string,
  what: string,
): z.output<TSchema> {
  const result = schema.safeParse(input);
  if (result.success) {
    return result.data;
  }
  const problems = result.error.issues.map((issue) => {
    const field = [fieldPrefix, ...issue.path.map(String)].join('.');
    return `${field}: ${issue.message}`;
  });
  throw new ConfigError(`Invalid ${what}: ${problems.join('; ')}`);
}
