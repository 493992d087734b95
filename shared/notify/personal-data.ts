/**
 * Masks e-mail addresses and phone numbers in free text bound for notifications and alerts, which
 * go to mailboxes, chat channels and third-party endpoints. Object keys often name the agent
 * (`calls/2026-11-24/jane.doe@example.com/inbound-123.mp3`) and reasons may quote metadata; the
 * recording id in every message leads an operator to the full, unmasked record.
 *
 * Over-masking is the safe side: a long run of digits (9 or more, as a bare phone number has) is
 * masked even if it was something else; dates (`2026-11-24`) and short numbers are left alone.
 */

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;
/** E.164 (`+` then 7 to 15 digits, separators allowed), or 9 to 15 digits in a row. */
const PHONE = /\+\d(?:[\s().-]{0,2}\d){6,14}|(?<!\d)\d{9,15}(?!\d)/g;

export const MASKED_EMAIL = '[email]';
export const MASKED_PHONE = '[phone]';

export function maskPersonalData(text: string): string {
  return text.replace(EMAIL, MASKED_EMAIL).replace(PHONE, MASKED_PHONE);
}

/**
 * Masks every string of a JSON value, except identifiers (keys `id`, `evaluationId`,
 * `interaction_id`...), which are neither e-mails nor phone numbers and must stay intact.
 */
export function maskPersonalDataDeep(value: unknown, key = ''): unknown {
  if (typeof value === 'string') {
    return isIdentifierKey(key) ? value : maskPersonalData(value);
  }
  if (Array.isArray(value)) {
    return value.map((entry) => maskPersonalDataDeep(entry, key));
  }
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([name, entry]) => [name, maskPersonalDataDeep(entry, name)]),
    );
  }
  return value;
}

function isIdentifierKey(key: string): boolean {
  return key.toLowerCase() === 'id' || /[a-z0-9](Id|ID)$/.test(key) || /_id$/i.test(key);
}
