import type { RejectionCode } from '../../shared/ingest/outcomes.ts';
import type { TerminalStatus } from '../../shared/recordings/state-machine.ts';

/**
 * What the demo drops, and what each drop must become. The valid recordings show each way of
 * giving metadata (S3 object metadata, a sidecar JSON before or after its recording, the key
 * template) and each evaluation outcome the demo scenario chooses by key; a fixed set of bad
 * drops shows each rejection. Every drop declares its expected outcome, so the demo passes only
 * when the pipeline behaves exactly as documented. Pure: the runner does the uploads.
 */

export type DemoBody =
  /** A generated WAV; the variant makes its bytes unique. */
  | { readonly kind: 'audio'; readonly variant: number }
  | { readonly kind: 'empty' }
  | { readonly kind: 'text'; readonly text: string };

export interface DemoSidecar {
  readonly key: string;
  /** The sidecar JSON's fields, as documented in the ingest README. */
  readonly document: Readonly<Record<string, string>>;
  /** Uploaded before its recording, or a moment after it (the recording waits for it). */
  readonly timing: 'before' | 'after';
}

export interface DemoExpectation {
  readonly status: TerminalStatus;
  /** For REJECTED and FAILED: the reason code the notification carries. */
  readonly code?: RejectionCode | undefined;
}

export interface DemoRecording {
  /** What the drop shows, in a few words (the results table's first column). */
  readonly description: string;
  readonly key: string;
  readonly body: DemoBody;
  readonly contentType: string;
  /** S3 user metadata (`x-amz-meta-*`), without the prefix. */
  readonly metadata: Readonly<Record<string, string>>;
  readonly sidecar?: DemoSidecar | undefined;
  /** The agent as the drop names it, for the results table; undefined when it names none. */
  readonly agent: string | undefined;
  readonly expected: DemoExpectation;
}

export interface DemoPlanOptions {
  /** How many valid audio recordings (1-100); the bad drops come on top. */
  readonly count: number;
  /** Start times are set a little before this, so none is in the future. */
  readonly now: Date;
  /** The key prefix recordings go under (`calls/`). */
  readonly prefix: string;
  /** The sidecar of `<key>` is `<key><suffix>`. */
  readonly sidecarSuffix: string;
}

/** The most valid recordings one demo drops. */
export const MAX_DEMO_RECORDINGS = 100;

/** The demo scenario's directory (local/demo/scenario.json): Zoom knows these agents and queues. */
const AGENTS = [
  'jane.doe@example.com',
  'sam.lee@example.com',
  'ana.silva@example.com',
  'omar.haddad@example.com',
];
const QUEUES = ['q-support', 'q-sales'];
/** An agent Zoom does not know. */
const UNKNOWN_AGENT = 'nobody.here@example.com';

interface VariantContext {
  readonly index: number;
  readonly folder: string;
  readonly name: string;
  readonly agent: string;
  readonly queue: string;
  readonly start: Date;
  readonly sidecarSuffix: string;
  readonly prefix: string;
}

type Variant = (context: VariantContext) => DemoRecording;

const audio = (context: VariantContext) => ({ kind: 'audio', variant: context.index }) as const;

/** Full metadata as S3 user metadata, for a recording whose key names its fate. */
function withObjectMetadata(description: string, fate: string, expected: DemoExpectation): Variant {
  return (context) => ({
    description,
    key: `${context.folder}${context.name}-${fate}.wav`,
    body: audio(context),
    contentType: 'audio/wav',
    metadata: callMetadata(context),
    agent: context.agent,
    expected,
  });
}

function callMetadata(context: VariantContext): Record<string, string> {
  return {
    'agent-email': context.agent,
    direction: 'inbound',
    'start-time': utcTime(context.start),
    'queue-id': context.queue,
    from: '+12053546173',
    to: '+12095422197',
    'consumer-name': 'Jill Chill',
    'primary-language': 'en-US',
  };
}

/** The valid recordings' variants, in the order the demo cycles through them. */
const VARIANTS: readonly Variant[] = [
  withObjectMetadata('S3 object metadata', 'metadata', { status: 'EVALUATED' }),
  (context) => sidecarVariant(context, 'after'),
  withObjectMetadata('evaluation fails in Zoom', 'fail-evaluation', { status: 'EVALUATION_FAILED' }),
  (context) => ({
    description: 'key template only',
    // calls/{date}/{agent_email}/{direction}-{time}.{ext} (LOCAL_KEY_TEMPLATE)
    key: `${context.prefix}${utcDate(context.start)}/${context.agent}/outbound-${utcTime(context.start).slice(11, 19).replaceAll(':', '')}.wav`,
    body: audio(context),
    contentType: 'audio/wav',
    metadata: {},
    agent: context.agent,
    expected: { status: 'EVALUATED' },
  }),
  (context) => sidecarVariant(context, 'before'),
  withObjectMetadata('no automated evaluation', 'no-evaluation', { status: 'NO_EVALUATION' }),
  withObjectMetadata('manual evaluation later', 'manual-evaluation', { status: 'EVALUATED' }),
];

function sidecarVariant(context: VariantContext, timing: 'before' | 'after'): DemoRecording {
  const key = `${context.folder}${context.name}-sidecar-${timing}.wav`;
  // Tokyo keeps no daylight saving time: its local times are never ambiguous.
  const tokyo = new Date(context.start.getTime() + 9 * 3_600_000);
  return {
    description: timing === 'before' ? 'sidecar JSON' : 'sidecar JSON arriving late',
    key,
    body: audio(context),
    contentType: 'audio/wav',
    metadata: {},
    sidecar: {
      key: `${key}${context.sidecarSuffix}`,
      timing,
      document: {
        agent_email: context.agent,
        consumer_name: 'Jill Chill',
        from: '+12053546173',
        to: '+12095422197',
        direction: 'outbound',
        disposition: 'resolved',
        queue_id: context.queue,
        primary_language: 'en-US',
        start_time: utcTime(tokyo).slice(0, 19),
        time_zone: 'Asia/Tokyo',
      },
    },
    agent: context.agent,
    expected: { status: 'EVALUATED' },
  };
}

/** The bad drops, one per kind of rejection the demo shows. */
function badDrops(folder: string, start: Date): DemoRecording[] {
  const agent = pick(AGENTS, 0);
  const metadata = { 'agent-email': agent, 'start-time': utcTime(start), direction: 'inbound' };
  const rejected = (code: RejectionCode): DemoExpectation => ({ status: 'REJECTED', code });
  return [
    {
      description: 'empty file',
      key: `${folder}bad-empty.wav`,
      body: { kind: 'empty' },
      contentType: 'audio/wav',
      metadata,
      agent,
      expected: rejected('zero-bytes'),
    },
    {
      description: 'not audio',
      key: `${folder}bad-not-audio.wav`,
      body: { kind: 'text', text: 'This is a meeting note, not a recording.\n' },
      contentType: 'text/plain',
      metadata,
      agent,
      expected: rejected('unsupported-type'),
    },
    {
      description: 'invalid phone number',
      key: `${folder}bad-phone-number.wav`,
      body: { kind: 'audio', variant: 1_001 },
      contentType: 'audio/wav',
      metadata: { ...metadata, from: '12345' },
      agent,
      expected: rejected('invalid-metadata'),
    },
    {
      description: 'no metadata at all',
      key: `${folder}bad-no-metadata.wav`,
      body: { kind: 'audio', variant: 1_002 },
      contentType: 'audio/wav',
      metadata: {},
      agent: undefined,
      expected: rejected('missing-metadata'),
    },
    {
      description: 'agent unknown to Zoom',
      key: `${folder}bad-unknown-agent.wav`,
      body: { kind: 'audio', variant: 1_003 },
      contentType: 'audio/wav',
      metadata: { ...metadata, 'agent-email': UNKNOWN_AGENT },
      agent: UNKNOWN_AGENT,
      expected: rejected('zoom-not-found'),
    },
  ];
}

export function demoPlan(options: DemoPlanOptions): DemoRecording[] {
  const { count, now } = options;
  if (!Number.isInteger(count) || count < 1 || count > MAX_DEMO_RECORDINGS) {
    throw new RangeError(`the demo drops 1 to ${MAX_DEMO_RECORDINGS} recordings, not ${count}`);
  }
  // Calls that started an hour ago, 30 s apart: all in the past, each with its own start time.
  const firstStart = Math.floor(now.getTime() / 1_000) * 1_000 - 3_600_000;
  const folder = `${options.prefix}${utcDate(new Date(firstStart))}/`;
  const recordings = Array.from({ length: count }, (_, index) =>
    pick(
      VARIANTS,
      index,
    )({
      index,
      folder,
      name: `demo-${String(index + 1).padStart(2, '0')}`,
      agent: pick(AGENTS, index),
      queue: pick(QUEUES, index),
      start: new Date(firstStart + index * 30_000),
      sidecarSuffix: options.sidecarSuffix,
      prefix: options.prefix,
    }),
  );
  return [...recordings, ...badDrops(folder, new Date(firstStart))];
}

/** The item at `index`, going round the list. */
function pick<Item>(list: readonly Item[], index: number): Item {
  const item = list[index % list.length];
  if (item === undefined) {
    throw new RangeError('cannot pick from an empty list');
  }
  return item;
}

/** `yyyy-MM-dd'T'HH:mm:ss'Z'`, Zoom's format. */
function utcTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

function utcDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
