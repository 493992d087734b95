/**
 * GET /qm/interactions: the analysed interactions, newest first, filtered by the documented query
 * parameters and paged with next_page_token.
 */
import { interactionAnalysis, interactionLanguage } from './content/interaction-content.ts';
import type { InteractionRecord, InteractionStore } from './interactions.ts';
import type { PageTokens } from './pagination.ts';
import { QueryReader, withinWindow } from './query.ts';
import { stableZoomId } from './random.ts';
import { evaluationsAt, type RenderContext } from './render/common.ts';
import { renderInteractionListItem } from './render/interaction-bodies.ts';
import { type JsonResponse, zoomErrors } from './zoom-errors.ts';

export interface ListDependencies {
  readonly store: InteractionStore;
  readonly pageTokens: PageTokens;
  readonly defaultPageSize: number;
}

export function listInteractions(
  deps: ListDependencies,
  query: URLSearchParams,
  context: RenderContext,
): JsonResponse {
  const reader = new QueryReader(query);
  const window = reader.window();
  const pageSize = reader.pageSize(deps.defaultPageSize, { exclusiveMaximum: 100 });
  const filters = {
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
  const error = reader.error();
  if (error !== undefined) return error;

  const matches = (record: InteractionRecord): boolean => {
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
  };

  const page = deps.pageTokens.page('listInteractions', reader.text('next_page_token'), pageSize, () =>
    deps.store
      .visible(context.now)
      .filter(matches)
      .sort((left, right) => right.input.startTime - left.input.startTime || right.sequence - left.sequence)
      .map((record) => record.id),
  );
  if (page === undefined) return zoomErrors.invalidNextPageToken();
  return {
    status: 200,
    body: {
      total_records: page.total,
      page_size: page.pageSize,
      interactions: deps.store.records(page.ids).map((record) => renderInteractionListItem(record, context)),
      next_page_token: page.nextPageToken,
    },
  };
}

function hasIgnoringCase(values: ReadonlySet<string>, wanted: string): boolean {
  return [...values].some((value) => value.toUpperCase() === wanted);
}

/** "en" matches "en-US"; "en-US" matches only itself. */
function matchesLanguage(language: string, wanted: ReadonlySet<string>): boolean {
  const primary = language.split('-')[0] ?? language;
  return wanted.has(language) || wanted.has(primary);
}
