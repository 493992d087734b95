/**
 * Zoom's documented deviations from its own schemas, as data. With the quirks mode on (the
 * default) the simulator serves exactly these, so a client's lenient parsing is exercised over
 * HTTP; with it off every body validates strictly. Each quirk says where it applies (operation,
 * JSON pointer with `*` for array indices, property), which document shows it, and whether it
 * breaks the schema or only the documented meaning. The contract tests check that every
 * deviation served is one of these, and that each of these is served.
 *
 * Where Zoom's documents spell one value two ways (Cancled/Canceled, Auto Complete/Auto
 * complete) and nothing says which a response really carries, each response gets the spelling
 * documented elsewhere: a client that accepts only its schema's spelling then fails here rather
 * than in production.
 */
import type { OperationName } from './operations.ts';

export interface QuirkLocation {
  readonly operation: OperationName;
  /** JSON pointer of the objects the quirk rewrites; `*` stands for every array index. */
  readonly parentPath: string;
  readonly property: string;
}

export interface Quirk {
  readonly id: string;
  readonly description: string;
  /** Where in Zoom's documents the deviation is shown. */
  readonly source: string;
  /** True when a strict schema validation rejects the deviation; false when only its meaning deviates. */
  readonly breaksSchema: boolean;
  readonly locations: readonly QuirkLocation[];
  /** The value Zoom serves instead of the strict one, or undefined when this object is not affected. */
  readonly rewrite: (
    value: unknown,
    parent: Readonly<Record<string, unknown>>,
  ) => { readonly value: unknown } | undefined;
}

const replace =
  (from: string, to: string): Quirk['rewrite'] =>
  (value) =>
    value === from ? { value: to } : undefined;

export const quirks: readonly Quirk[] = [
  {
    id: 'list-interactions-evaluation-type-manual-scoring',
    description:
      'Manual evaluations listed with evaluation_type "Manual scoring", outside the enum [Manual, Automated].',
    source:
      "zoom-qm-api.txt, List interactions: the example response; zoom-qm-openapi.json: the property's own example.",
    breaksSchema: true,
    locations: [
      {
        operation: 'listInteractions',
        parentPath: '/interactions/*/interaction_info/evaluations/*',
        property: 'evaluation_type',
      },
    ],
    rewrite: replace('Manual', 'Manual scoring'),
  },
  {
    id: 'transcript-speaker-email-null',
    description:
      'speakers[].email_address is null for external users (the customer), although the schema requires a string.',
    source: 'zoom-qm-openapi.json, View interaction detail: "this value is null for external users".',
    breaksSchema: true,
    locations: [
      { operation: 'getInteraction', parentPath: '/transcript_body/speakers/*', property: 'email_address' },
    ],
    rewrite: (_, { role }) => (role === 'customer' ? { value: null } : undefined),
  },
  {
    id: 'transcript-item-email-null',
    description:
      'items[].email is null for lines spoken by external users, although the schema types it string.',
    source: 'zoom-qm-openapi.json, View interaction detail: "this value is null for external users".',
    breaksSchema: true,
    locations: [{ operation: 'getInteraction', parentPath: '/transcript_body/items/*', property: 'email' }],
    rewrite: (value) => (value === undefined ? { value: null } : undefined),
  },
  {
    id: 'automated-evaluation-status-title-case',
    description:
      'A completed automated evaluation reports evaluation_status_desc "Completed" (the manual spelling), not "COMPLETED".',
    source: 'zoom-qm-api.txt, View interaction detail: the example pairs "Automated" with "Completed".',
    breaksSchema: false,
    locations: [
      {
        operation: 'getInteraction',
        parentPath: '/interaction_info/evaluations/*',
        property: 'evaluation_status_desc',
      },
    ],
    rewrite: (value, { evaluation_type: type }) =>
      type === 'Automated' && value === 'COMPLETED' ? { value: 'Completed' } : undefined,
  },
  {
    id: 'interaction-detail-status-cancled',
    description:
      'A canceled manual evaluation reports evaluation_status_desc "Cancled", outside this schema\'s enum.',
    source: 'zoom-qm-openapi.json, List evaluations: the status enum spells "Cancled".',
    breaksSchema: true,
    locations: [
      {
        operation: 'getInteraction',
        parentPath: '/interaction_info/evaluations/*',
        property: 'evaluation_status_desc',
      },
    ],
    rewrite: replace('Canceled', 'Cancled'),
  },
  {
    id: 'evaluation-list-status-canceled',
    description:
      'A canceled manual evaluation is listed with status "Canceled", outside the list schema\'s enum ("Cancled").',
    source: 'zoom-qm-openapi.json, List evaluations: the status query parameter spells "Canceled".',
    breaksSchema: true,
    locations: [{ operation: 'listEvaluations', parentPath: '/data/*', property: 'status' }],
    rewrite: replace('Cancled', 'Canceled'),
  },
  {
    id: 'evaluation-list-acknowledgement-auto-complete-lowercase',
    description: 'acknowledgement_status "Auto complete" in the list, whose schema spells "Auto Complete".',
    source:
      'zoom-qm-openapi.json, List evaluations: the acknowledgement_status query parameter spells "Auto complete".',
    breaksSchema: true,
    locations: [{ operation: 'listEvaluations', parentPath: '/data/*', property: 'acknowledgement_status' }],
    rewrite: replace('Auto Complete', 'Auto complete'),
  },
  {
    id: 'evaluation-detail-acknowledgment-auto-complete-titlecase',
    description: 'acknowledgment_status "Auto Complete" in the detail, whose schema spells "Auto complete".',
    source: 'zoom-qm-openapi.json, List evaluations: the response enum spells "Auto Complete".',
    breaksSchema: true,
    locations: [{ operation: 'getEvaluation', parentPath: '/scorecard', property: 'acknowledgment_status' }],
    rewrite: replace('Auto complete', 'Auto Complete'),
  },
  {
    id: 'evaluation-list-channel-type-voice',
    description:
      'Voice interactions are listed with channel_type "VOICE", outside the enum [VIDEO, AUDIO, MANUAL, MESSAGE].',
    source: 'zoom-qm-openapi.json, List evaluations: the channel_type property\'s own example is "VOICE".',
    breaksSchema: true,
    locations: [{ operation: 'listEvaluations', parentPath: '/data/*', property: 'channel_type' }],
    rewrite: replace('AUDIO', 'VOICE'),
  },
  {
    id: 'language-primary-subtag',
    description:
      'English posted as "en-US" is reported as the bare primary subtag "en". No other cut is documented, and one that names several enum entries (en-GB -> "en", es-MX -> "es") would make a client guess, so none is served.',
    source: 'zoom-qm-api.txt, List interactions and View interaction detail: the examples show "en".',
    breaksSchema: false,
    locations: [
      { operation: 'listInteractions', parentPath: '/interactions/*', property: 'primary_language' },
      { operation: 'getInteraction', parentPath: '', property: 'language' },
      { operation: 'getInteraction', parentPath: '/transcript_body', property: 'language' },
    ],
    rewrite: replace('en-US', 'en'),
  },
];

/** Applies every quirk of `operation` to a strictly rendered body, in place. */
export function applyQuirks(operation: OperationName, body: unknown): void {
  for (const quirk of quirks) {
    for (const location of quirk.locations) {
      if (location.operation !== operation) continue;
      for (const parent of objectsAt(body, pointerSegments(location.parentPath))) {
        const rewritten = quirk.rewrite(parent[location.property], parent);
        if (rewritten !== undefined) parent[location.property] = rewritten.value;
      }
    }
  }
}

/** The quirks that may explain a deviation at `instancePath` (an ajv instance path) of `operation`. */
export function quirksAt(operation: OperationName, instancePath: string): Quirk[] {
  return quirks.filter((quirk) =>
    quirk.locations.some(
      (location) =>
        location.operation === operation &&
        pointerPattern(`${location.parentPath}/${location.property}`).test(instancePath),
    ),
  );
}

function pointerSegments(pointer: string): string[] {
  return pointer === '' ? [] : pointer.slice(1).split('/');
}

function pointerPattern(pointer: string): RegExp {
  const escaped = pointerSegments(pointer).map((segment) =>
    segment === '*' ? '[0-9]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
  );
  return new RegExp(`^/${escaped.join('/')}$`);
}

function objectsAt(node: unknown, segments: readonly string[]): Array<Record<string, unknown>> {
  const [head, ...rest] = segments;
  if (head === undefined) return isObject(node) ? [node] : [];
  if (head === '*') return Array.isArray(node) ? node.flatMap((item) => objectsAt(item, rest)) : [];
  return isObject(node) ? objectsAt(node[head], rest) : [];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
