import type { RateLimitLabel } from './ports.ts';

/** The six Zoom QM operations the client speaks, named after what they do. */
export const ZOOM_OPERATIONS = [
  'createInteraction',
  'listInteractions',
  'getInteraction',
  'listAutomatedEvaluations',
  'listEvaluations',
  'getEvaluation',
] as const;

export type ZoomOperation = (typeof ZOOM_OPERATIONS)[number];

/**
 * Each operation's rate-limit label as Zoom's reference documents it ("Rate Limit Label" in
 * zoom-qm-api.txt). `POST /qm/interactions` documents none (its OpenAPI says `1`), so it defaults
 * to HEAVY, the most conservative label; the profile can override every entry.
 */
export const SPEC_OPERATION_LABELS: Readonly<Record<ZoomOperation, RateLimitLabel>> = {
  createInteraction: 'HEAVY',
  listInteractions: 'MEDIUM',
  getInteraction: 'MEDIUM',
  listAutomatedEvaluations: 'LIGHT',
  listEvaluations: 'LIGHT',
  getEvaluation: 'MEDIUM',
};
