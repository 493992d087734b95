import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { matchOperation, operations } from '../../../local/zoom-simulator/operations.ts';

const apiText = readFileSync(new URL('../../fixtures/zoom/zoom-qm-api.txt', import.meta.url), 'utf8');
const openApi = JSON.parse(
  readFileSync(new URL('../../fixtures/zoom/zoom-qm-openapi.json', import.meta.url), 'utf8'),
) as {
  paths: Record<string, Record<string, { 'x-extensions'?: Record<string, string[]> }>>;
};

/** Each operation block of the API text: "METHOD - Path:\n/path - Tags" … up to the next "- Method:". */
function documentedLabels(): Map<string, string | undefined> {
  const labels = new Map<string, string | undefined>();
  for (const block of apiText.split('- Method:\n').slice(1)) {
    const route = /^(GET|POST) - Path:\n(\S+) - Tags/.exec(block);
    if (route === null) continue;
    labels.set(`${route[1]} ${route[2]}`, /Rate Limit Label: (\w+)/.exec(block)?.[1]);
  }
  return labels;
}

describe('zoom simulator: the operation table', () => {
  it('has exactly the operations of the OpenAPI document, with their scopes', () => {
    // Prepare
    const documented = Object.entries(openApi.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({
        route: `${method.toUpperCase()} ${path}`,
        scopes: [
          ...(operation['x-extensions']?.['x-macro-scopes'] ?? []),
          ...(operation['x-extensions']?.['x-granular-scopes'] ?? []),
        ].sort(),
      })),
    );

    // Act
    const table = operations.map((operation) => ({
      route: `${operation.method} ${operation.openApiPath}`,
      scopes: [...operation.scopes].sort(),
    }));

    // Assess
    expect(table.sort((a, b) => a.route.localeCompare(b.route))).toEqual(
      documented.sort((a, b) => a.route.localeCompare(b.route)),
    );
  });

  it('uses the "Rate Limit Label" lines of the API text (none documented for the POST)', () => {
    // Act
    const labels = documentedLabels();

    // Assess
    expect(labels.size).toBe(operations.length);
    for (const operation of operations) {
      expect(labels.get(`${operation.method} ${operation.openApiPath}`)).toBe(operation.documentedLabel);
    }
  });

  it('routes methods and paths below /v2, decoding the path parameter', () => {
    // Act
    const detail = matchOperation('GET', '/qm/interactions/abc%2Fdef');
    const post = matchOperation('POST', '/qm/interactions');
    const wrongMethod = matchOperation('DELETE', '/qm/interactions');
    const unknown = matchOperation('GET', '/qm/unknown');
    const malformed = matchOperation('GET', '/qm/evaluation/%E0%A4%A');

    // Assess
    expect(detail).toMatchObject({ operation: { name: 'getInteraction' }, pathParameter: 'abc/def' });
    expect(post).toMatchObject({ operation: { name: 'addInteraction' }, pathParameter: undefined });
    expect(wrongMethod).toEqual({ methodMismatch: true });
    expect(unknown).toBeUndefined();
    expect(malformed).toMatchObject({ operation: { name: 'getEvaluation' }, pathParameter: '%E0%A4%A' });
  });
});
