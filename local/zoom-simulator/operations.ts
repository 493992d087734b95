/**
 * The six Zoom QM operations the simulator serves, as Zoom documents them
 * (test/fixtures/zoom/zoom-qm-api.txt and zoom-qm-openapi.json): path, method, the "Rate Limit
 * Label" line and the scopes. Everything else in the simulator (routing, rate limits, scope
 * checks, counters, fault injection, the contract tests) is keyed by these names.
 */

/** Zoom's rate-limit labels, spelled as in the API text's "Rate Limit Label" lines. */
export type RateLimitLabel = 'LIGHT' | 'MEDIUM' | 'HEAVY';

export const rateLimitLabels: readonly RateLimitLabel[] = ['LIGHT', 'MEDIUM', 'HEAVY'];

export type OperationName =
  | 'listAutomatedEvaluations'
  | 'listEvaluations'
  | 'getEvaluation'
  | 'listInteractions'
  | 'addInteraction'
  | 'getInteraction';

/** The OAuth token endpoint is not a QM operation but is counted and can be faulted like one. */
export type EndpointName = OperationName | 'requestToken';

export interface OperationDefinition {
  readonly name: OperationName;
  readonly method: 'GET' | 'POST';
  /** The path as the OpenAPI document writes it, below the /v2 base path. */
  readonly openApiPath: string;
  /** Matches the path below /v2; the single capture group, when present, is the path parameter. */
  readonly pathPattern: RegExp;
  /** The documented label, or undefined where Zoom documents none (the POST). */
  readonly documentedLabel: RateLimitLabel | undefined;
  /** Any one of these scopes grants access (Zoom lists macro and granular scopes). */
  readonly scopes: readonly string[];
  /** The success status and the response schema to validate against. */
  readonly successStatus: 200 | 201;
}

const readInteractions = [
  'qm_interactions:read',
  'qm_interactions:read:admin',
  'zoom_quality_management:read:interactions',
  'zoom_quality_management:read:interactions:admin',
];
const readEvaluations = [
  'qm_evaluations:read',
  'qm_evaluations:read:admin',
  'zoom_quality_management:read:evaluations',
  'zoom_quality_management:read:evaluations:admin',
];
const writeInteractions = [
  'qm_interactions:write',
  'qm_interactions:write:admin',
  'zoom_quality_management:write:interactions',
  'zoom_quality_management:write:interactions:admin',
];

const idSegment = '([^/]+)';

export const operations: readonly OperationDefinition[] = [
  {
    name: 'listAutomatedEvaluations',
    method: 'GET',
    openApiPath: '/qm/automated_evaluations',
    pathPattern: /^\/qm\/automated_evaluations\/?$/,
    documentedLabel: 'LIGHT',
    scopes: readEvaluations,
    successStatus: 200,
  },
  {
    name: 'listEvaluations',
    method: 'GET',
    openApiPath: '/qm/evaluation',
    pathPattern: /^\/qm\/evaluation\/?$/,
    documentedLabel: 'LIGHT',
    scopes: readEvaluations,
    successStatus: 200,
  },
  {
    name: 'getEvaluation',
    method: 'GET',
    openApiPath: '/qm/evaluation/{evaluationId}',
    pathPattern: new RegExp(`^/qm/evaluation/${idSegment}/?$`),
    documentedLabel: 'MEDIUM',
    scopes: readEvaluations,
    successStatus: 200,
  },
  {
    name: 'listInteractions',
    method: 'GET',
    openApiPath: '/qm/interactions',
    pathPattern: /^\/qm\/interactions\/?$/,
    documentedLabel: 'MEDIUM',
    scopes: readInteractions,
    successStatus: 200,
  },
  {
    name: 'addInteraction',
    method: 'POST',
    openApiPath: '/qm/interactions',
    pathPattern: /^\/qm\/interactions\/?$/,
    documentedLabel: undefined,
    scopes: writeInteractions,
    successStatus: 201,
  },
  {
    name: 'getInteraction',
    method: 'GET',
    openApiPath: '/qm/interactions/{interactionId}',
    pathPattern: new RegExp(`^/qm/interactions/${idSegment}/?$`),
    documentedLabel: 'MEDIUM',
    scopes: readInteractions,
    successStatus: 200,
  },
];

export const operationNames: readonly OperationName[] = operations.map((operation) => operation.name);

export const endpointNames: readonly EndpointName[] = [...operationNames, 'requestToken'];

/** Every scope the QM operations accept: what a token carries unless a scenario narrows it. */
export const allQmScopes: readonly string[] = [
  ...new Set(operations.flatMap((operation) => operation.scopes)),
];

export interface RouteMatch {
  readonly operation: OperationDefinition;
  /** The decoded path parameter (interaction or evaluation id), when the route has one. */
  readonly pathParameter: string | undefined;
}

/** Finds the operation for a method and a path below /v2; `methodMismatch` when only the method is wrong. */
export function matchOperation(
  method: string,
  pathBelowBase: string,
): RouteMatch | { readonly methodMismatch: true } | undefined {
  let pathMatched = false;
  for (const operation of operations) {
    const match = operation.pathPattern.exec(pathBelowBase);
    if (match === null) continue;
    pathMatched = true;
    if (operation.method !== method) continue;
    const raw = match[1];
    return { operation, pathParameter: raw === undefined ? undefined : safeDecode(raw) };
  }
  return pathMatched ? { methodMismatch: true } : undefined;
}

/** A malformed escape cannot name an existing resource: keep it raw so the lookup simply misses. */
function safeDecode(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
