/**
 * GET /qm/automated_evaluations and GET /qm/evaluation: the evaluations of analysed interactions
 * that exist now, newest first, filtered and paged. The manual list's filters accept both
 * spellings Zoom documents ("Canceled"/"Cancled", "Auto complete"/"Auto Complete").
 */
import type { ListDependencies } from './interaction-list.ts';
import { type Evaluation, evaluationCreatedAt, type InteractionRecord } from './interactions.ts';
import { QueryReader, withinWindow } from './query.ts';
import { type EvaluationView, evaluationsAt, type RenderContext } from './render/common.ts';
import { renderAutomatedEvaluation, renderManualEvaluation } from './render/evaluation-bodies.ts';
import { type JsonResponse, zoomErrors } from './zoom-errors.ts';

interface ListedEvaluation {
  readonly record: InteractionRecord;
  readonly view: EvaluationView;
  readonly createdAt: number;
}

export function listAutomatedEvaluations(
  deps: ListDependencies,
  query: URLSearchParams,
  context: RenderContext,
): JsonResponse {
  const reader = new QueryReader(query);
  const window = reader.window();
  const pageSize = reader.pageSize(deps.defaultPageSize, { cap: 100 });
  const status = reader.oneOf('status', ['COMPLETED', 'PROCESSING', 'FAILED']);
  const agentId = reader.text('agent_id');
  const interactionId = reader.text('interaction_id');
  const error = reader.error();
  if (error !== undefined) return error;

  const page = deps.pageTokens.page(
    'listAutomatedEvaluations',
    reader.text('next_page_token'),
    pageSize,
    () =>
      listed(deps, context.now, 'automated')
        .filter(
          ({ record, view, createdAt }) =>
            (status === undefined || view.status === status) &&
            (agentId === undefined || record.input.agent.userId === agentId) &&
            (interactionId === undefined || record.id === interactionId) &&
            withinWindow(createdAt, window),
        )
        .map(({ view }) => view.evaluation.id),
  );
  if (page === undefined) return zoomErrors.invalidNextPageToken();
  return {
    status: 200,
    body: {
      total: page.total,
      page_size: page.pageSize,
      data: deps.store
        .evaluations(page.ids)
        .flatMap(({ record, evaluation }) =>
          evaluation.kind === 'automated' ? [renderAutomatedEvaluation(record, evaluation, context)] : [],
        ),
      next_page_token: page.nextPageToken,
    },
  };
}

export function listEvaluations(
  deps: ListDependencies,
  query: URLSearchParams,
  context: RenderContext,
): JsonResponse {
  const reader = new QueryReader(query);
  const window = reader.window();
  const pageSize = reader.pageSize(deps.defaultPageSize, { cap: 100 });
  const status = reader.oneOf('status', ['Active', 'Completed', 'Pending', 'Expired', 'Canceled', 'Cancled']);
  const acknowledgement = reader.oneOf('acknowledgement_status', [
    'Pending',
    'Complete',
    'Auto complete',
    'Auto Complete',
    'None',
  ]);
  const agentIds = reader.list('agent_ids');
  const evaluatorId = reader.text('evaluator_id');
  const interactionId = reader.text('interaction_id');
  const error = reader.error();
  if (error !== undefined) return error;
  const wantedStatus = status === 'Cancled' ? 'Canceled' : status;

  const page = deps.pageTokens.page('listEvaluations', reader.text('next_page_token'), pageSize, () =>
    listed(deps, context.now, 'manual')
      .filter(({ record, view, createdAt }) => {
        const { evaluation } = view;
        if (evaluation.kind !== 'manual') return false;
        const shownAcknowledgement = view.completed ? evaluation.acknowledgement : 'None';
        return (
          (wantedStatus === undefined || view.status === wantedStatus) &&
          (acknowledgement === undefined ||
            shownAcknowledgement.toLowerCase() === acknowledgement.toLowerCase()) &&
          (agentIds === undefined || agentIds.has(record.input.agent.userId)) &&
          (evaluatorId === undefined || evaluation.evaluator.userId === evaluatorId) &&
          (interactionId === undefined || record.id === interactionId) &&
          withinWindow(createdAt, window)
        );
      })
      .map(({ view }) => view.evaluation.id),
  );
  if (page === undefined) return zoomErrors.invalidNextPageToken();
  return {
    status: 200,
    body: {
      total: page.total,
      page_size: page.pageSize,
      data: deps.store
        .evaluations(page.ids)
        .flatMap(({ record, evaluation }) =>
          evaluation.kind === 'manual' ? [renderManualEvaluation(record, evaluation, context)] : [],
        ),
      next_page_token: page.nextPageToken,
    },
  };
}

/** Evaluations of one kind that exist at `now`, newest first. */
function listed(deps: ListDependencies, now: number, kind: Evaluation['kind']): ListedEvaluation[] {
  return deps.store
    .visible(now)
    .flatMap((record) =>
      evaluationsAt(record, now)
        .filter((view) => view.evaluation.kind === kind)
        .map((view) => ({ record, view, createdAt: evaluationCreatedAt(view.evaluation) ?? now })),
    )
    .sort((left, right) => right.createdAt - left.createdAt || right.record.sequence - left.record.sequence);
}
