import type { Recording } from '../recordings/recording.ts';
import { formatZoomTimestamp, type ListInteractionsQuery } from '../zoom/requests.ts';
import type { InteractionSummary } from '../zoom/schemas.ts';
import type { IngestZoomClient, RecordingStore } from './ports.ts';

/**
 * After a crash between a POST and its record, on an account that ignores Idempotency-Key, the
 * interaction Zoom may have created is looked for instead of posting again: in Zoom's list,
 * within a window around the call's start (or the submission), filtered by queue, agent id and
 * direction, then matched on every field that was sent. Only exactly one candidate that no other
 * recording claims is taken; zero or several are answered as such, never guessed.
 */

export interface LookupInput {
  readonly recording: Recording;
  readonly accountId: string;
  readonly windowMs: number;
  readonly now: number;
}

export type LookupResult =
  | { readonly kind: 'found'; readonly interactionId: string }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'ambiguous'; readonly candidates: number };

export async function lookUpInteraction(
  client: IngestZoomClient,
  recordings: Pick<RecordingStore, 'findByInteraction'>,
  input: LookupInput,
): Promise<LookupResult> {
  const { recording, accountId } = input;
  const candidates: string[] = [];
  for await (const interaction of client.listInteractions(queryFor(input))) {
    if (matches(interaction, recording)) {
      candidates.push(interaction.interaction_info.interaction_id);
    }
  }
  const unclaimed: string[] = [];
  for (const interactionId of candidates) {
    const owner = await recordings.findByInteraction(accountId, interactionId);
    if (owner === undefined || owner.recordingId === recording.recordingId) {
      unclaimed.push(interactionId);
    }
  }
  const [only, ...others] = unclaimed;
  if (only === undefined) {
    return { kind: 'not-found' };
  }
  return others.length === 0
    ? { kind: 'found', interactionId: only }
    : { kind: 'ambiguous', candidates: unclaimed.length };
}

function queryFor(input: LookupInput): ListInteractionsQuery {
  const { metadata } = input.recording;
  const start = metadata.startTime === undefined ? undefined : Date.parse(metadata.startTime);
  // Without a start time, Zoom dates the interaction from the submission.
  const from = (start ?? input.recording.statusChangedAt) - input.windowMs;
  const to = (start ?? input.now) + input.windowMs;
  return {
    from: formatZoomTimestamp(new Date(from)),
    to: formatZoomTimestamp(new Date(to)),
    ...(metadata.queueId === undefined ? {} : { queues: [metadata.queueId] }),
    ...(metadata.agentId === undefined ? {} : { user_ids: [metadata.agentId] }),
    ...(metadata.direction === undefined ? {} : { direction: metadata.direction }),
  };
}

/** Whether nothing the recording sent contradicts what Zoom shows for the interaction. */
function matches(interaction: InteractionSummary, recording: Recording): boolean {
  const { metadata } = recording;
  const info = interaction.interaction_info;
  const agrees = (sent: string | undefined, shown: string | undefined) =>
    sent === undefined || shown === undefined || sent === shown;
  const sameStart =
    metadata.startTime === undefined || Date.parse(interaction.start_time) === Date.parse(metadata.startTime);
  return (
    sameStart &&
    agrees(metadata.fromNumber, info.from) &&
    agrees(metadata.toNumber, info.to) &&
    agrees(metadata.consumerName, info.consumer_name) &&
    agrees(metadata.queueId, interaction.queue_id) &&
    agrees(metadata.direction, interaction.direction) &&
    agrees(metadata.disposition, interaction.disposition)
  );
}
