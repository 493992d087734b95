import type { Recording, RecordingMetadata } from '../recordings/recording.ts';
import { ZoomNotFoundError } from '../zoom/errors.ts';
import { formatZoomTimestamp, type ListInteractionsQuery, MAX_PAGE_SIZE } from '../zoom/requests.ts';
import type { InteractionDetail, InteractionSummary } from '../zoom/schemas.ts';
import type { IngestZoomClient, RecordingStore } from './ports.ts';

/**
 * After a POST whose answer was lost (a timeout, a 5xx, a dropped connection, a crash), on an
 * account that does not honour Idempotency-Key, the interaction Zoom may have created is looked
 * for instead of posting again. Only what Zoom documents is relied on:
 * - GET /qm/interactions, filtered by queue, agent id (`user_ids`) and direction, within a window
 *   around the call's start; the pages read are bounded;
 * - every field the POST sent that the listing shows must be shown, and equal: start time (to the
 *   second), from, to, consumer name, queue, direction, disposition, channel;
 * - the agent, which the listing does not show, is checked on the detail: the transcript's
 *   speaker with role `rep` (its email or Zoom user id) or the transcript's host id;
 * - an interaction another recording already owns is never adopted.
 * A recording without a start time or an agent cannot be matched this strictly: it is answered as
 * `unmatchable` at once, never guessed. Zoom lists an interaction only once it has analysed it,
 * so `not-found` means "not yet": the caller looks again until its patience runs out.
 */

export interface LookupLimits {
  /** The listing covers the call's start plus or minus this much. */
  readonly windowMs: number;
  /** Pages of the listing (of Zoom's largest page size) read at most; a longer listing is answered `too-many`. */
  readonly maxPages: number;
  /** Interactions whose detail is read to check the agent at most; more are answered `ambiguous`. */
  readonly maxDetailChecks: number;
}

export interface LookupInput extends LookupLimits {
  readonly recording: Recording;
  readonly accountId: string;
}

/** The Zoom calls a lookup made: listing pages and interaction details. */
export interface LookupCalls {
  readonly pages: number;
  readonly details: number;
}

export type LookupResult = { readonly calls: LookupCalls } & (
  | { readonly kind: 'found'; readonly interactionId: string }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'ambiguous'; readonly interactionIds: readonly string[] }
  | { readonly kind: 'too-many'; readonly pagesRead: number }
  | { readonly kind: 'unmatchable'; readonly missing: readonly string[] }
);

/** What a lookup needs from a Zoom client. */
export type LookupZoomClient = Pick<IngestZoomClient, 'listInteractionsPage' | 'getInteraction'>;

export async function lookUpInteraction(
  client: LookupZoomClient,
  recordings: Pick<RecordingStore, 'findByInteraction'>,
  input: LookupInput,
): Promise<LookupResult> {
  const { metadata } = input.recording;
  const missing = [
    ...(metadata.startTime === undefined ? ['start time'] : []),
    ...(metadata.agentEmail === undefined && metadata.agentId === undefined ? ['agent'] : []),
  ];
  if (metadata.startTime === undefined || missing.length > 0) {
    return { kind: 'unmatchable', missing, calls: { pages: 0, details: 0 } };
  }
  const listed = await listCandidates(client, queryFor(metadata, metadata.startTime, input.windowMs), input);
  if (listed.kind === 'too-many') {
    return { kind: 'too-many', pagesRead: listed.pages, calls: { pages: listed.pages, details: 0 } };
  }
  const shown = listed.candidates.filter((interaction) => listingAgrees(interaction, metadata));
  if (shown.length > input.maxDetailChecks) {
    return { kind: 'ambiguous', interactionIds: shown.map(idOf), calls: { pages: listed.pages, details: 0 } };
  }
  const matches: string[] = [];
  let details = 0;
  for (const interaction of shown) {
    const interactionId = idOf(interaction);
    const detail = await detailOf(client, interactionId);
    details += 1;
    if (detail === undefined || !agentAgrees(detail, metadata)) {
      continue;
    }
    const owner = await recordings.findByInteraction(input.accountId, interactionId);
    if (owner === undefined || owner.recordingId === input.recording.recordingId) {
      matches.push(interactionId);
    }
  }
  const calls = { pages: listed.pages, details };
  const [only, ...others] = matches;
  if (only === undefined) {
    return { kind: 'not-found', calls };
  }
  return others.length === 0
    ? { kind: 'found', interactionId: only, calls }
    : { kind: 'ambiguous', interactionIds: matches, calls };
}

async function listCandidates(
  client: LookupZoomClient,
  query: ListInteractionsQuery,
  limits: LookupLimits,
): Promise<
  | { readonly kind: 'listed'; readonly candidates: InteractionSummary[]; readonly pages: number }
  | { readonly kind: 'too-many'; readonly pages: number }
> {
  const candidates: InteractionSummary[] = [];
  let nextPageToken: string | undefined;
  for (let page = 1; page <= limits.maxPages; page += 1) {
    const answer = await client.listInteractionsPage(query, nextPageToken);
    candidates.push(...answer.interactions);
    nextPageToken = answer.next_page_token === '' ? undefined : answer.next_page_token;
    if (nextPageToken === undefined) {
      return { kind: 'listed', candidates, pages: page };
    }
  }
  return { kind: 'too-many', pages: limits.maxPages };
}

function queryFor(metadata: RecordingMetadata, startTime: string, windowMs: number): ListInteractionsQuery {
  const start = Date.parse(startTime);
  return {
    from: formatZoomTimestamp(new Date(start - windowMs)),
    to: formatZoomTimestamp(new Date(start + windowMs)),
    page_size: MAX_PAGE_SIZE.listInteractions,
    ...(metadata.queueId === undefined ? {} : { queues: [metadata.queueId] }),
    ...(metadata.agentId === undefined ? {} : { user_ids: [metadata.agentId] }),
    ...(metadata.direction === undefined ? {} : { direction: metadata.direction }),
  };
}

/** The listing's channel for each channel a POST sends (Zoom's two enums name the same thing). */
const LISTED_CHANNEL = { voice: 'AUDIO', video: 'VIDEO' } as const;

/**
 * Whether every field the POST sent that the listing can show is shown, and equal. The language
 * is left out: the POST names a locale (`en-US`), the listing the language it detected (`en`).
 */
function listingAgrees(interaction: InteractionSummary, metadata: RecordingMetadata): boolean {
  const info = interaction.interaction_info;
  const sent: readonly (readonly [string | undefined, string | undefined])[] = [
    [metadata.fromNumber, info.from],
    [metadata.toNumber, info.to],
    [metadata.consumerName, info.consumer_name],
    [metadata.queueId, interaction.queue_id],
    [metadata.direction, interaction.direction],
    [metadata.disposition, interaction.disposition],
    [metadata.channel === undefined ? undefined : LISTED_CHANNEL[metadata.channel], info.channel_type],
  ];
  return (
    sameInstant(interaction.start_time, metadata.startTime) &&
    sent.every(([value, shown]) => value === undefined || value === shown)
  );
}

/** The agent as the detail shows it: the transcript's `rep` speakers and host. */
function agentAgrees(detail: InteractionDetail, metadata: RecordingMetadata): boolean {
  const transcript = detail.transcript_body;
  const reps = (transcript?.speakers ?? []).filter((speaker) => speaker.role === 'rep');
  const emailAgrees =
    metadata.agentEmail === undefined ||
    reps.some((rep) => rep.email_address?.toLowerCase() === metadata.agentEmail?.toLowerCase());
  const idAgrees =
    metadata.agentId === undefined ||
    transcript?.host_id === metadata.agentId ||
    reps.some((rep) => rep.zoom_user_id === metadata.agentId);
  return emailAgrees && idAgrees;
}

async function detailOf(
  client: LookupZoomClient,
  interactionId: string,
): Promise<InteractionDetail | undefined> {
  try {
    return await client.getInteraction(interactionId);
  } catch (error) {
    // Listed a moment ago but not served yet: not a match this time.
    if (error instanceof ZoomNotFoundError) {
      return undefined;
    }
    throw error;
  }
}

function sameInstant(shown: string, sent: string | undefined): boolean {
  return sent !== undefined && Math.floor(Date.parse(shown) / 1000) === Math.floor(Date.parse(sent) / 1000);
}

function idOf(interaction: InteractionSummary): string {
  return interaction.interaction_info.interaction_id;
}
