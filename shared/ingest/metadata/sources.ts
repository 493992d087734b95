import { FIELD_NAMES, type MetadataField, type RawMetadata } from './fields.ts';

/**
 * The two metadata sources that come with the object: its S3 user metadata
 * (`x-amz-meta-agent-email: ...`) and a sidecar JSON next to it (`<key>.json`). Each is read into
 * {@link RawMetadata}; checking the values is the resolver's job.
 */

const OBJECT_METADATA_FIELDS: ReadonlyMap<string, MetadataField> = new Map(
  (Object.entries(FIELD_NAMES) as [MetadataField, { objectMetadata: string }][]).map(([field, names]) => [
    names.objectMetadata,
    field,
  ]),
);

/**
 * Reads S3 user metadata (HeadObject's `Metadata`: names without `x-amz-meta-`, lower case).
 * `agent_email` and `agent-email` are the same name. Other names are left alone: other tools may
 * keep their own metadata on the object. Non-ASCII values, which S3 returns RFC 2047-encoded
 * (`=?UTF-8?B?...?=`), are decoded.
 */
export function fromObjectMetadata(metadata: Readonly<Record<string, string>> | undefined): RawMetadata {
  const result: RawMetadata = {};
  for (const [name, value] of Object.entries(metadata ?? {})) {
    const field = OBJECT_METADATA_FIELDS.get(name.toLowerCase().replaceAll('_', '-'));
    if (field !== undefined && value.trim() !== '') {
      result[field] = decodeEncodedWords(value);
    }
  }
  return result;
}

const ENCODED_WORD = /=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g;

/** RFC 2047 encoded words (`=?UTF-8?B?SsOpcsO0bWU=?=`), as S3 returns metadata that is not ASCII. */
export function decodeEncodedWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(ENCODED_WORD, (word, charset: string, encoding: string, text: string) => {
      if (charset.toLowerCase() !== 'utf-8') {
        return word;
      }
      const bytes =
        encoding.toUpperCase() === 'B'
          ? Buffer.from(text, 'base64')
          : Buffer.from(
              text
                .replaceAll('_', ' ')
                .replace(/=([0-9A-Fa-f]{2})/g, (_match, hex: string) =>
                  String.fromCharCode(Number.parseInt(hex, 16)),
                ),
              'latin1',
            );
      return bytes.toString('utf8');
    });
}

const SIDECAR_FIELDS: ReadonlyMap<string, MetadataField> = new Map(
  (Object.entries(FIELD_NAMES) as [MetadataField, { sidecar: string }][]).map(([field, names]) => [
    names.sidecar,
    field,
  ]),
);

export type SidecarParse =
  | { readonly ok: true; readonly metadata: RawMetadata }
  | { readonly ok: false; readonly problem: string };

/**
 * Reads a sidecar: one JSON object whose fields are the snake_case names (`agent_email`,
 * `start_time`...), each a string (null counts as absent). An unknown field is refused by name,
 * so a typo is reported instead of silently leaving the field empty.
 */
export function parseSidecar(text: string): SidecarParse {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // The parser's message quotes the text, which holds personal data: never pass it on.
    return { ok: false, problem: 'is not valid JSON' };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, problem: 'must be one JSON object' };
  }
  const metadata: RawMetadata = {};
  const problems: string[] = [];
  for (const [name, value] of Object.entries(json)) {
    const field = SIDECAR_FIELDS.get(name);
    if (field === undefined) {
      problems.push(`unknown field "${name}" (known: ${[...SIDECAR_FIELDS.keys()].join(', ')})`);
    } else if (typeof value === 'string') {
      if (value.trim() !== '') {
        metadata[field] = value;
      }
    } else if (value !== null) {
      problems.push(`${name}: must be a string`);
    }
  }
  return problems.length === 0 ? { ok: true, metadata } : { ok: false, problem: problems.join('; ') };
}
