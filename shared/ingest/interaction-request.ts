import { PermanentError } from '../errors.ts';
import type { RecordingMetadata } from '../recordings/recording.ts';
import { LANGUAGES } from '../zoom/enums.ts';
import type { CreateInteractionRequest } from '../zoom/requests.ts';

/**
 * The body of POST /qm/interactions for a recording: its resolved metadata and a fresh download
 * URL. Only what is known is sent (Zoom detects the language when none is given).
 */
export function createInteractionRequest(
  metadata: RecordingMetadata,
  downloadUrl: string,
): CreateInteractionRequest {
  if (metadata.channel === undefined) {
    // Ingest resolves a channel before any submission: a recording without one is a bug upstream.
    throw new PermanentError('A recording is submitted without a channel (voice or video)');
  }
  const language = LANGUAGES.values.find((value) => value === metadata.primaryLanguage);
  return {
    download_url: downloadUrl,
    interaction_info: {
      channel_type: metadata.channel,
      ...optional('agent_email', metadata.agentEmail),
      ...optional('agent_id', metadata.agentId),
      ...optional('consumer_name', metadata.consumerName),
      ...optional('from', metadata.fromNumber),
      ...optional('to', metadata.toNumber),
    },
    ...optional('start_time', metadata.startTime),
    ...optional('direction', metadata.direction),
    ...optional('queue_id', metadata.queueId),
    ...optional('disposition', metadata.disposition),
    ...optional('primary_language', language),
  };
}

function optional<TName extends string, TValue>(
  name: TName,
  value: TValue | undefined,
): { [K in TName]?: TValue } {
  return (value === undefined ? {} : { [name]: value }) as { [K in TName]?: TValue };
}
