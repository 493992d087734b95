import { PermanentError } from '../../errors.ts';
import { FIELD_NAMES, type MetadataField, type RawMetadata } from './fields.ts';

/**
 * Metadata read from a recording's key with a template such as
 * `calls/{date}/{agent_email}/{direction}-{any}.{ext}`: the lowest-precedence source, for
 * recording systems that encode the call in the path. Placeholders:
 * - a metadata field by its sidecar name: `{agent_email}`, `{agent_id}`, `{consumer_name}`,
 *   `{from}`, `{to}`, `{direction}`, `{disposition}`, `{queue_id}`, `{primary_language}`,
 *   `{channel}`, `{start_time}`; each matches within one path segment;
 * - `{date}` (`yyyy-MM-dd`) and `{time}` (`HHmmss`, `HH-mm-ss` or `HH:mm:ss`): together they make
 *   the start time (a date alone says nothing about when the call started, so it is not used);
 * - `{any}`: any text within a segment, ignored; `{ext}`: the file extension.
 * A key that does not match the template gets nothing from it.
 */

/** A template that cannot be used; the message says why. */
export class KeyTemplateError extends PermanentError {}

/** A template ready to match keys. */
export interface KeyTemplate {
  readonly source: string;
  readonly pattern: RegExp;
}

const FIELD_PLACEHOLDERS: ReadonlyMap<string, MetadataField> = new Map(
  (Object.entries(FIELD_NAMES) as [MetadataField, { sidecar: string }][])
    // A time zone name holds a "/" (Europe/Paris): it cannot sit in one path segment.
    .filter(([field]) => field !== 'timeZone')
    .map(([field, names]) => [names.sidecar, field]),
);

const SPECIAL_PATTERNS: ReadonlyMap<string, string> = new Map([
  ['date', String.raw`\d{4}-\d{2}-\d{2}`],
  ['time', String.raw`\d{2}[-:]?\d{2}[-:]?\d{2}`],
  ['ext', '[A-Za-z0-9]+'],
  ['any', '[^/]*?'],
]);

const SEGMENT_VALUE = '[^/]+?';
const PLACEHOLDER = /\{([^{}]*)\}/g;

/** Checks and compiles `template`; a {@link KeyTemplateError} names what is wrong. */
export function parseKeyTemplate(template: string): KeyTemplate {
  if (template.trim() === '') {
    throw new KeyTemplateError('a key template must not be empty');
  }
  const seen = new Set<string>();
  let pattern = '^';
  let position = 0;
  let previous: string | undefined;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const [whole, name = ''] = match;
    const start = match.index;
    if (previous !== undefined && start === position) {
      throw new KeyTemplateError(
        `placeholders {${previous}} and {${name}} must be separated by literal text`,
      );
    }
    pattern += literal(template.slice(position, start));
    pattern += placeholderPattern(name, seen);
    position = start + whole.length;
    previous = name;
  }
  pattern += `${literal(template.slice(position))}$`;
  if (seen.has('time') && !seen.has('date')) {
    throw new KeyTemplateError('{time} needs {date}: together they make the start time');
  }
  if (seen.has('start_time') && (seen.has('date') || seen.has('time'))) {
    throw new KeyTemplateError('use either {start_time} or {date} with {time}, not both');
  }
  return { source: template, pattern: new RegExp(pattern, 'u') };
}

function placeholderPattern(name: string, seen: Set<string>): string {
  const special = SPECIAL_PATTERNS.get(name);
  const field = FIELD_PLACEHOLDERS.get(name);
  if (special === undefined && field === undefined) {
    const known = [...FIELD_PLACEHOLDERS.keys(), ...SPECIAL_PATTERNS.keys()].map((known) => `{${known}}`);
    throw new KeyTemplateError(`unknown placeholder {${name}}; known: ${known.join(', ')}`);
  }
  if (name === 'any') {
    return `(?:${special})`;
  }
  if (seen.has(name)) {
    throw new KeyTemplateError(`placeholder {${name}} appears more than once`);
  }
  seen.add(name);
  // Placeholder names are identifiers, so they serve as the group names.
  return `(?<${name}>${special ?? SEGMENT_VALUE})`;
}

function literal(text: string): string {
  if (/[{}]/.test(text)) {
    throw new KeyTemplateError(`unbalanced "{" or "}" in "${text}"`);
  }
  return text.replace(/[.*+?^${}()|[\]\\]/g, String.raw`\$&`);
}

/** The metadata `key` holds according to `template`; undefined when the key does not match it. */
export function matchKeyTemplate(template: KeyTemplate, key: string): RawMetadata | undefined {
  const groups = template.pattern.exec(key)?.groups;
  if (groups === undefined) {
    return undefined;
  }
  const metadata: RawMetadata = {};
  for (const [placeholder, field] of FIELD_PLACEHOLDERS) {
    const value = groups[placeholder];
    if (value !== undefined && value !== '') {
      metadata[field] = value;
    }
  }
  const date = groups['date'];
  const time = groups['time'];
  if (date !== undefined && time !== undefined) {
    const digits = time.replace(/[-:]/g, '');
    metadata.startTime = `${date}T${digits.slice(0, 2)}:${digits.slice(2, 4)}:${digits.slice(4, 6)}`;
  }
  return metadata;
}
