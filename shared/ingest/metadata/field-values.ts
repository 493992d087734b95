import * as z from '../../zod.ts';
import { LANGUAGES } from '../../zoom/enums.ts';
import type { MetadataField } from './fields.ts';

/**
 * The checks each metadata value passes before it is sent to Zoom, with the canonical form it is
 * sent in. Problems describe the rule, never the value: values are personal data (phone numbers,
 * emails, names) and problems end up in logs and notifications.
 */

export type FieldCheck =
  | { readonly ok: true; readonly value: string }
  | { readonly ok: false; readonly problem: string };

/** The fields checked here; the start time and its zone are resolved together elsewhere. */
export type PlainField = Exclude<MetadataField, 'startTime' | 'timeZone'>;

const E164 = /^\+[1-9]\d{1,14}$/;
const emailSchema = z.email();
const MAX_TEXT_LENGTH = 256;

const ok = (value: string): FieldCheck => ({ ok: true, value });
const problem = (text: string): FieldCheck => ({ ok: false, problem: text });

function text(value: string): FieldCheck {
  const trimmed = value.trim();
  if (trimmed === '') {
    return problem('must not be empty');
  }
  if (trimmed.length > MAX_TEXT_LENGTH) {
    return problem(`must be at most ${MAX_TEXT_LENGTH} characters`);
  }
  return /\p{Cc}/u.test(trimmed) ? problem('must not contain control characters') : ok(trimmed);
}

function oneOf(value: string, allowed: readonly string[]): FieldCheck {
  const wanted = value.trim().toLowerCase();
  const found = allowed.find((candidate) => candidate.toLowerCase() === wanted);
  return found === undefined ? problem(`must be one of ${allowed.join(', ')}`) : ok(found);
}

/** Zoom's `primary_language` codes; case and "_" for "-" do not matter, "en" reads as en-US. */
function language(value: string): FieldCheck {
  const key = value
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ');
  const found = LANGUAGES.lookup.get(key);
  return found === undefined
    ? problem(`must be one of Zoom's language codes: ${LANGUAGES.values.join(', ')}`)
    : ok(found);
}

const CHECKS: Readonly<Record<PlainField, (value: string) => FieldCheck>> = {
  agentEmail: (value) =>
    emailSchema.safeParse(value.trim()).success ? ok(value.trim()) : problem('must be an email address'),
  agentId: (value) => {
    const checked = text(value);
    return checked.ok && /\s/.test(checked.value) ? problem('must not contain spaces') : checked;
  },
  consumerName: text,
  fromNumber: (value) =>
    E164.test(value.trim())
      ? ok(value.trim())
      : problem('must be an E.164 phone number such as +12053546173'),
  toNumber: (value) =>
    E164.test(value.trim())
      ? ok(value.trim())
      : problem('must be an E.164 phone number such as +12053546173'),
  direction: (value) => oneOf(value, ['inbound', 'outbound']),
  disposition: text,
  queueId: text,
  primaryLanguage: language,
  channel: (value) => oneOf(value, ['voice', 'video']),
};

export function checkField(field: PlainField, value: string): FieldCheck {
  return CHECKS[field](value);
}
