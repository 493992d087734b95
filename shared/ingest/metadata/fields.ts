/**
 * The metadata fields a recording can carry, and the name each source spells them with. One table,
 * so the S3 user metadata, the sidecar JSON, the key template and the messages that name a field
 * can never disagree.
 */

export const METADATA_FIELDS = [
  'agentEmail',
  'agentId',
  'consumerName',
  'fromNumber',
  'toNumber',
  'direction',
  'disposition',
  'queueId',
  'primaryLanguage',
  'startTime',
  'timeZone',
  'channel',
] as const;

export type MetadataField = (typeof METADATA_FIELDS)[number];

/** Metadata as one source gives it: text, not yet validated. */
export type RawMetadata = Partial<Record<MetadataField, string>>;

/** Where a value came from, highest precedence first. */
export const METADATA_SOURCES = ['S3 object metadata', 'sidecar JSON', 'key template'] as const;
export type MetadataSource = (typeof METADATA_SOURCES)[number];

/** How each source names a field: `x-amz-meta-<objectMetadata>`, `"<sidecar>"` in the JSON, `{<sidecar>}` in a template. */
export const FIELD_NAMES: Readonly<
  Record<MetadataField, { readonly objectMetadata: string; readonly sidecar: string }>
> = {
  agentEmail: { objectMetadata: 'agent-email', sidecar: 'agent_email' },
  agentId: { objectMetadata: 'agent-id', sidecar: 'agent_id' },
  consumerName: { objectMetadata: 'consumer-name', sidecar: 'consumer_name' },
  fromNumber: { objectMetadata: 'from', sidecar: 'from' },
  toNumber: { objectMetadata: 'to', sidecar: 'to' },
  direction: { objectMetadata: 'direction', sidecar: 'direction' },
  disposition: { objectMetadata: 'disposition', sidecar: 'disposition' },
  queueId: { objectMetadata: 'queue-id', sidecar: 'queue_id' },
  primaryLanguage: { objectMetadata: 'primary-language', sidecar: 'primary_language' },
  startTime: { objectMetadata: 'start-time', sidecar: 'start_time' },
  timeZone: { objectMetadata: 'time-zone', sidecar: 'time_zone' },
  channel: { objectMetadata: 'channel', sidecar: 'channel' },
};

/** The field's name as `source` spells it, for messages a person acts on. */
export function fieldNameIn(source: MetadataSource, field: MetadataField): string {
  const names = FIELD_NAMES[field];
  switch (source) {
    case 'S3 object metadata':
      return `x-amz-meta-${names.objectMetadata}`;
    case 'sidecar JSON':
      return names.sidecar;
    case 'key template':
      return `{${names.sidecar}}`;
  }
}
