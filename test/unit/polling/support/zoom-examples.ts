import { createZoomResponseSchemas } from '../../../../shared/zoom/schemas.ts';
import { exampleOf, SPEC_ROUTES, specOperation } from '../../zoom/support/openapi.ts';
import { referenceOperations } from '../../zoom/support/reference-text.ts';

/**
 * Zoom's own examples for the three reads the poller makes, taken programmatically from the two
 * documents (the reference text's `Example:` blocks and the examples the OpenAPI's schemas imply)
 * and parsed with the client's response schemas, as the poller would receive them.
 */

export const schemas = createZoomResponseSchemas(() => {});

type PolledOperation = 'listAutomatedEvaluations' | 'getInteraction' | 'getEvaluation';

export interface NamedExample {
  readonly name: string;
  readonly raw: unknown;
}

/** Every response example of an operation, from both documents. */
export function examplesOf(operation: PolledOperation): NamedExample[] {
  const route = SPEC_ROUTES[operation];
  const fromText = referenceOperations()
    .filter((candidate) => candidate.method.toLowerCase() === route.method && candidate.path === route.path)
    .flatMap((candidate) =>
      candidate.responseExamples.map((raw, index) => ({ name: `zoom-qm-api.txt #${index + 1}`, raw })),
    );
  const fromOpenApi = Object.entries(specOperation(route.method, route.path).responses)
    .filter(([status, response]) => status.startsWith('2') && response.content !== undefined)
    .map(([status, response]) => ({
      name: `zoom-qm-openapi.json ${status}`,
      raw: exampleOf(response.content?.['application/json'].schema),
    }));
  return [...fromText, ...fromOpenApi];
}

/** A deep copy of `raw` with `change` applied, for variations of an example. */
export function variant<T>(raw: T, change: (copy: T) => void): T {
  const copy = structuredClone(raw);
  change(copy);
  return copy;
}

/** The reference text's example of an operation (its first), as raw JSON. */
export function referenceExample(operation: PolledOperation): Record<string, unknown> {
  const [example] = examplesOf(operation);
  if (example === undefined || typeof example.raw !== 'object' || example.raw === null) {
    throw new Error(`No example for ${operation}`);
  }
  return example.raw as Record<string, unknown>;
}
