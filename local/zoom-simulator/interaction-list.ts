/**
 * GET /qm/interactions: the analysed interactions, newest first, filtered by the documented query
 * parameters and paged with next_page_token.
 */
import { interactionAnalysis, interactionLanguage } from './content/interaction-content.ts';
import type { InteractionRecord } from './interactions.ts';
import { type ListDependencies, serveList, type TimeWindow } from './list-request.ts';
import { type QueryReader, withinWindow } from './query.ts';
import { stableZoomId } from './random.ts';
import { evaluationsAt, type RenderContext } from './render/common.ts';
import { renderInteractionListItem } from './render/interaction-bodies.ts';
import type { JsonResponse } from './zoom-errors.ts';

export function listInteractions(
  deps: ListDependencies,
  query: URLSearchParams,
  context: RenderContext,
): JsonResponse {
  return serveList(deps, query, {
    scope: 'listInteractions',
    pageSizeLimit: { exclusiveMaximum: 100 },
    filters: readFilters,
    ids: (filters, window) =>
      deps.store
        .visible(context.now)
        .filter((record) => matches(record, filters, window, context))
        .sort((left, right) => right.input.startTime - left.input.startTime || right.sequence - left.sequence)
        .map((record) => record.id),
    body: (page) => ({
      total_records: page.total,
      page_size: page.pageSize,
      interactions: deps.store.records(page.ids).map((record) => renderInteractionListItem(record, context)),
      next_page_token: page.nextPageToken,
    }),
  });
}

type InteractionFilters = ReturnType<typeof readFilters>;

function readFilters(reader: QueryReader) {
  return {
    scored: reader.boolean('scored'),
    userIds: reader.list('user_ids'),
    channels: reader.list('channels'),
    direction: reader.text('direction'),
    dispositions: reader.list('dispositions'),
    languages: reader.list('language'),
    queues: reader.list('queues'),
    engagementId: reader.text('engagement_id'),
    topic: reader.text('topic')?.toLowerCase(),
    indicatorId: reader.text('indicator_id'),
  };
}

function matches(
  record: InteractionRecord,
  filters: InteractionFilters,
  window: TimeWindow,
  context: RenderContext,
): boolean {
  const { input } = record;
  const excluded =
    !withinWindow(input.startTime, window) ||
    (filters.userIds !== undefined && !filters.userIds.has(input.agent.userId)) ||
    (filters.channels !== undefined && !hasIgnoringCase(filters.channels, input.channelType)) ||
    (filters.direction !== undefined && input.direction !== filters.direction) ||
    (filters.dispositions !== undefined && !filters.dispositions.has(input.disposition ?? '')) ||
    (filters.languages !== undefined && !matchesLanguage(interactionLanguage(record), filters.languages)) ||
    (filters.queues !== undefined && !filters.queues.has(input.queue?.id ?? '')) ||
    (filters.engagementId !== undefined && record.engagementId !== filters.engagementId) ||
    (filters.scored !== undefined &&
      evaluationsAt(record, context.now).some((view) => view.completed) !== filters.scored);
  if (excluded) return false;
  if (filters.topic === undefined && filters.indicatorId === undefined) return true;
  const analysis = interactionAnalysis(context.seed, record);
  const { topic, indicatorId } = filters;
  const topicMatches =
    topic === undefined || analysis.topics.some((entry) => entry.name.toLowerCase().includes(topic));
  const indicatorMatches =
    indicatorId === undefined ||
    analysis.indicators.some(
      (name) => name === indicatorId || stableZoomId(context.seed, 'indicator', name) === indicatorId,
    );
  return topicMatches && indicatorMatches;
}

function hasIgnoringCase(values: ReadonlySet<string>, wanted: string): boolean {
  return [...values].some((value) => value.toUpperCase() === wanted);
}

/** "en" matches "en-US"; "en-US" matches only itself. */
function matchesLanguage(language: string, wanted: ReadonlySet<string>): boolean {
  const primary = language.split('-')[0] ?? language;
  return wanted.has(language) || wanted.has(primary);
}
