import type { MetadataRequirement } from '../../config/ingest.ts';
import type { RecordingMetadata } from '../../recordings/recording.ts';
import type { MediaKind } from '../media-type.ts';
import { checkField, type PlainField } from './field-values.ts';
import {
  fieldNameIn,
  METADATA_SOURCES,
  type MetadataField,
  type MetadataSource,
  type RawMetadata,
} from './fields.ts';
import { isKnownTimeZone, resolveStartTime } from './start-time.ts';

/**
 * Merges a recording's metadata sources into what is sent to Zoom, checks every value, and says
 * what is wrong or missing. Precedence, highest first: S3 user metadata, the sidecar JSON, the key
 * template. Each field is taken from the highest source that has it, except the agent: the agent
 * email and agent id come together from the highest source that names an agent, so two sources
 * never combine into an agent that is neither.
 */

export interface MetadataInputs {
  readonly objectMetadata: RawMetadata;
  /** Undefined when the recording has no sidecar (yet). */
  readonly sidecar: RawMetadata | undefined;
  /** Undefined when no template is configured or the key does not match it. */
  readonly template: RawMetadata | undefined;
  readonly media: Extract<MediaKind, { supported: true }>;
}

export interface ResolveOptions {
  /** The zone of start times written without one, unless the metadata names its own `time_zone`. */
  readonly sourceTimeZone: string;
  readonly required: readonly MetadataRequirement[];
  readonly now: number;
  readonly maxStartTimeAheadMs: number;
}

/** A value that failed its check: which field, from which source (a sidecar can only replace a lower one). */
interface Problem {
  readonly field: MetadataField;
  readonly source: MetadataSource | 'media type';
  readonly text: string;
}

export type MetadataResolution =
  | { readonly kind: 'resolved'; readonly metadata: RecordingMetadata }
  | {
      readonly kind: 'incomplete';
      /** Invalid values, each naming its source and field. */
      readonly invalid: readonly string[];
      /** Required metadata nothing provided. */
      readonly missing: readonly string[];
      /** Whether the only thing wrong is that nothing says voice or video (an unsupported type). */
      readonly unsupportedType: boolean;
      /** Whether a sidecar that has not arrived yet could still fix every problem. */
      readonly sidecarCouldHelp: boolean;
    };

const PLAIN_FIELDS: readonly PlainField[] = [
  'consumerName',
  'fromNumber',
  'toNumber',
  'direction',
  'disposition',
  'queueId',
  'primaryLanguage',
  'channel',
];

const REQUIREMENT_FIELDS: Readonly<Record<MetadataRequirement, readonly MetadataField[]>> = {
  agent: ['agentEmail', 'agentId'],
  startTime: ['startTime'],
  direction: ['direction'],
  queueId: ['queueId'],
  consumerName: ['consumerName'],
  fromNumber: ['fromNumber'],
  toNumber: ['toNumber'],
  disposition: ['disposition'],
  primaryLanguage: ['primaryLanguage'],
};

const REQUIREMENT_NAMES: Readonly<Record<MetadataRequirement, string>> = {
  agent: 'the agent (agent_email or agent_id)',
  startTime: 'start_time',
  direction: 'direction',
  queueId: 'queue_id',
  consumerName: 'consumer_name',
  fromNumber: 'from',
  toNumber: 'to',
  disposition: 'disposition',
  primaryLanguage: 'primary_language',
};

export function resolveMetadata(inputs: MetadataInputs, options: ResolveOptions): MetadataResolution {
  const sources = sourcesInOrder(inputs);
  const pick = (field: MetadataField) => {
    for (const [source, metadata] of sources) {
      const value = metadata[field];
      if (value !== undefined) {
        return { source, value };
      }
    }
    return undefined;
  };
  const problems: Problem[] = [];
  const resolved: Record<string, string> = {};
  const accept = (field: PlainField | 'agentEmail' | 'agentId', source: MetadataSource, value: string) => {
    const checked = checkField(field, value);
    if (checked.ok) {
      resolved[field] = checked.value;
    } else {
      problems.push({ field, source, text: `${source}: ${fieldNameIn(source, field)} ${checked.problem}` });
    }
  };

  const agentSource = sources.find(
    ([, metadata]) => metadata.agentEmail !== undefined || metadata.agentId !== undefined,
  );
  if (agentSource !== undefined) {
    const [source, metadata] = agentSource;
    for (const field of ['agentEmail', 'agentId'] as const) {
      const value = metadata[field];
      if (value !== undefined) {
        accept(field, source, value);
      }
    }
  }
  for (const field of PLAIN_FIELDS) {
    const picked = pick(field);
    if (picked !== undefined) {
      accept(field, picked.source, picked.value);
    }
  }
  resolveChannel(resolved, inputs.media, problems);
  resolveStart(pick, options, resolved, problems);

  const missing = options.required
    .filter((requirement) => REQUIREMENT_FIELDS[requirement].every((field) => resolved[field] === undefined))
    .filter((requirement) => !problems.some((problem) => requirementHasProblem(requirement, problem)))
    .map((requirement) => REQUIREMENT_NAMES[requirement]);
  if (problems.length === 0 && missing.length === 0) {
    return { kind: 'resolved', metadata: resolved as RecordingMetadata };
  }
  const sidecarMissing = inputs.sidecar === undefined;
  return {
    kind: 'incomplete',
    invalid: problems.map((problem) => problem.text),
    missing,
    unsupportedType: missing.length === 0 && problems.every((problem) => problem.source === 'media type'),
    sidecarCouldHelp:
      sidecarMissing &&
      problems.every((problem) => problem.source === 'key template' || problem.source === 'media type'),
  };
}

function sourcesInOrder(inputs: MetadataInputs): [MetadataSource, RawMetadata][] {
  const bySource: Record<MetadataSource, RawMetadata | undefined> = {
    'S3 object metadata': inputs.objectMetadata,
    'sidecar JSON': inputs.sidecar,
    'key template': inputs.template,
  };
  return METADATA_SOURCES.flatMap((source) => {
    const metadata = bySource[source];
    return metadata === undefined ? [] : [[source, metadata] as [MetadataSource, RawMetadata]];
  });
}

/** A stated channel wins; otherwise the object's type decides; with neither, the recording cannot be sent. */
function resolveChannel(
  resolved: Record<string, string>,
  media: Extract<MediaKind, { supported: true }>,
  problems: Problem[],
): void {
  if (resolved['channel'] !== undefined || problems.some((problem) => problem.field === 'channel')) {
    return;
  }
  if (media.channel === undefined) {
    problems.push({
      field: 'channel',
      source: 'media type',
      text: 'unsupported type: neither the Content-Type nor the file extension says voice or video; set channel in the metadata',
    });
    return;
  }
  resolved['channel'] = media.channel;
}

function resolveStart(
  pick: (field: MetadataField) => { source: MetadataSource; value: string } | undefined,
  options: ResolveOptions,
  resolved: Record<string, string>,
  problems: Problem[],
): void {
  const zone = pick('timeZone');
  if (zone !== undefined && !isKnownTimeZone(zone.value.trim())) {
    problems.push({
      field: 'timeZone',
      source: zone.source,
      text: `${zone.source}: ${fieldNameIn(zone.source, 'timeZone')} must be an IANA time zone such as Europe/Paris`,
    });
    return;
  }
  const start = pick('startTime');
  if (start === undefined) {
    return;
  }
  const timeZone = zone?.value.trim() ?? options.sourceTimeZone;
  const result = resolveStartTime(start.value, timeZone, options.now, options.maxStartTimeAheadMs);
  if (result.ok) {
    resolved['startTime'] = result.zoomTimestamp;
  } else {
    problems.push({
      field: 'startTime',
      source: start.source,
      text: `${start.source}: ${fieldNameIn(start.source, 'startTime')} ${result.problem}`,
    });
  }
}

/** A required field that is present but invalid is reported as invalid, not also as missing. */
function requirementHasProblem(requirement: MetadataRequirement, problem: Problem): boolean {
  return REQUIREMENT_FIELDS[requirement].includes(problem.field);
}
