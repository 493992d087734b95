/**
 * GET /qm/automated_evaluations and GET /qm/evaluation: the evaluations of analysed interactions
 * that exist now, newest first, filtered and paged. The manual list's filters accept both
 * spellings Zoom documents ("Canceled"/"Cancled", "Auto complete"/"Auto Complete").
 */
import { type Evaluation, evaluationCreatedAt, type InteractionRecord } from './interactions.ts';
import { type ListDependencies, serveList } from './list-request.ts';
import { type QueryReader, withinWindow } from './query.ts';
import { type Body, type EvaluationView, evaluationsAt, type RenderContext } from './render/common.ts';
import { renderAutomatedEvaluation, renderManualEvaluation } from './render/evaluation-bodies.ts';
import type { JsonResponse } from './zoom-errors.ts';

type EvaluationKind = Evaluation['kind'];
type EvaluationOf<Kind extends EvaluationKind> = Extract<Evaluation, { kind: Kind }>;

interface ListedEvaluation<Kind extends EvaluationKind> {
  readonly record: InteractionRecord;
  readonly evaluation: EvaluationOf<Kind>;
  readonly view: EvaluationView;
  readonly createdAt: number;
}

/** One of the two evaluation lists: the kind it shows, its filters, and its item's body. */
interface EvaluationList<Kind extends EvaluationKind, Filters> {
  readonly scope: string;
  readonly kind: Kind;
  readonly filters: (reader: QueryReader) => Filters;
  readonly keep: (listed: ListedEvaluation<Kind>, filters: Filters) => boolean;
  readonly render: (
    record: InteractionRecord,
    evaluation: EvaluationOf<Kind>,
    context: RenderContext,
  ) => Body;
}

export function listAutomatedEvaluations(
  deps: ListDependencies,
  query: URLSearchParams,
  context: RenderContext,
): JsonResponse {
  return serveEvaluationList(deps, query, context, {
    scope: 'listAutomatedEvaluations',
    kind: 'automated',
    filters: (reader) => ({
      status: reader.oneOf('status', ['COMPLETED', 'PROCESSING', 'FAILED']),
      agentId: reader.text('agent_id'),
      interactionId: reader.text('interaction_id'),
    }),
    keep: ({ record, view }, { status, agentId, interactionId }) =>
      (status === undefined || view.status === status) &&
      (agentId === undefined || record.input.agent.userId === agentId) &&
      (interactionId === undefined || record.id === interactionId),
    render: renderAutomatedEvaluation,
  });
}

export function listEvaluations(
  deps: ListDependencies,
  query: URLSearchParams,
  context: RenderContext,
): JsonResponse {
  return serveEvaluationList(deps, query, context, {
    scope: 'listEvaluations',
    kind: 'manual',
    filters: (reader) => {
      const status = reader.oneOf('status', [
        'Active',
        'Completed',
        'Pending',
        'Expired',
        'Canceled',
        'Cancled',
      ]);
      return {
        status: status === 'Cancled' ? 'Canceled' : status,
        acknowledgement: reader.oneOf('acknowledgement_status', [
          'Pending',
          'Complete',
          'Auto complete',
          'Auto Complete',
          'None',
        ]),
        agentIds: reader.list('agent_ids'),
        evaluatorId: reader.text('evaluator_id'),
        interactionId: reader.text('interaction_id'),
      };
    },
    keep: ({ record, evaluation, view }, filters) => {
      const shownAcknowledgement = view.completed ? evaluation.acknowledgement : 'None';
      return (
        (filters.status === undefined || view.status === filters.status) &&
        (filters.acknowledgement === undefined ||
          shownAcknowledgement.toLowerCase() === filters.acknowledgement.toLowerCase()) &&
        (filters.agentIds === undefined || filters.agentIds.has(record.input.agent.userId)) &&
        (filters.evaluatorId === undefined || evaluation.evaluator.userId === filters.evaluatorId) &&
        (filters.interactionId === undefined || record.id === filters.interactionId)
      );
    },
    render: renderManualEvaluation,
  });
}

function serveEvaluationList<Kind extends EvaluationKind, Filters>(
  deps: ListDependencies,
  query: URLSearchParams,
  context: RenderContext,
  list: EvaluationList<Kind, Filters>,
): JsonResponse {
  return serveList(deps, query, {
    scope: list.scope,
    pageSizeLimit: { cap: 100 },
    filters: list.filters,
    ids: (filters, window) =>
      listed(deps, context.now, list.kind)
        .filter((entry) => list.keep(entry, filters) && withinWindow(entry.createdAt, window))
        .map(({ evaluation }) => evaluation.id),
    body: (page) => ({
      total: page.total,
      page_size: page.pageSize,
      data: deps.store
        .evaluations(page.ids)
        .flatMap(({ record, evaluation }) =>
          isOfKind(evaluation, list.kind) ? [list.render(record, evaluation, context)] : [],
        ),
      next_page_token: page.nextPageToken,
    }),
  });
}

/** Evaluations of one kind that exist at `now`, newest first. */
function listed<Kind extends EvaluationKind>(
  deps: ListDependencies,
  now: number,
  kind: Kind,
): ListedEvaluation<Kind>[] {
  return deps.store
    .visible(now)
    .flatMap((record) =>
      evaluationsAt(record, now).flatMap((view) => {
        const { evaluation } = view;
        if (!isOfKind(evaluation, kind)) return [];
        return [{ record, evaluation, view, createdAt: evaluationCreatedAt(evaluation) ?? now }];
      }),
    )
    .sort((left, right) => right.createdAt - left.createdAt || right.record.sequence - left.record.sequence);
}

function isOfKind<Kind extends EvaluationKind>(
  evaluation: Evaluation,
  kind: Kind,
): evaluation is EvaluationOf<Kind> {
  return evaluation.kind === kind;
}
