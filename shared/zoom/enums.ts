/**
 * Zoom QM's enum-like strings, and how qm-ingest reads them. Zoom is not consistent with its own
 * enums: its examples say "Manual scoring" (enum: Manual), "Cancled" and "Canceled", "Auto Complete"
 * and "Auto complete", "Completed" for an automated evaluation (enum: COMPLETED), channel "VOICE"
 * (enum: AUDIO), language "en" (enum: en-US). So values are matched to their canonical spelling
 * ignoring case and separators, known misspellings are mapped, and a value still unknown is kept
 * as it came (not rejected: a new status must not stop the pipeline) and reported, so it can be
 * counted and alerted on.
 */

declare const unknownEnumValueBrand: unique symbol;

/** A value Zoom sent that is none of the known ones: kept verbatim, and reported when parsed. */
export type UnknownEnumValue = string & { readonly [unknownEnumValueBrand]: true };

/** A known value in its canonical spelling, or an unknown one kept verbatim. */
export type Lenient<TKnown extends string> = TKnown | UnknownEnumValue;

/** What is reported for each unknown value met while parsing a response. */
export interface UnknownEnumValueReport {
  /** Where it was met, e.g. `interaction.interaction_info.channel_type`. */
  readonly field: string;
  readonly value: string;
}

export type UnknownEnumValueReporter = (report: UnknownEnumValueReport) => void;

/** A closed set of canonical values plus the misspellings Zoom is known to use for some of them. */
export interface Vocabulary<TKnown extends string> {
  readonly values: readonly TKnown[];
  readonly lookup: ReadonlyMap<string, TKnown>;
}

/** Case, spaces, "_" and "-" do not distinguish two values: "Auto Complete" = "auto complete", "en_US" = "en-US". */
function matchKey(value: string): string {
  return value
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ');
}

export function vocabulary<const TKnown extends string>(
  values: readonly TKnown[],
  misspellings: Readonly<Record<string, NoInfer<TKnown>>> = {},
): Vocabulary<TKnown> {
  const lookup = new Map<string, TKnown>();
  for (const [misspelling, value] of Object.entries(misspellings)) {
    lookup.set(matchKey(misspelling), value);
  }
  for (const value of values) {
    lookup.set(matchKey(value), value);
  }
  return { values, lookup };
}

/** The canonical spelling of `raw`, or `raw` itself (reported) when the vocabulary does not know it. */
export function normaliseEnumValue<TKnown extends string>(
  raw: string,
  known: Vocabulary<TKnown>,
  field: string,
  report: UnknownEnumValueReporter,
): Lenient<TKnown> {
  const exact = known.values.find((value) => value === raw);
  if (exact !== undefined) {
    return exact;
  }
  const canonical = known.lookup.get(matchKey(raw));
  if (canonical !== undefined) {
    return canonical;
  }
  report({ field, value: raw });
  return raw as UnknownEnumValue;
}

/** Whether `value` is one of the vocabulary's known values (narrows a {@link Lenient}). */
export function isKnown<TKnown extends string>(
  value: Lenient<TKnown>,
  known: Vocabulary<TKnown>,
): value is TKnown {
  return (known.values as readonly string[]).includes(value);
}

export const INTERACTION_CHANNEL_TYPES = vocabulary(['VIDEO', 'MANUAL', 'SMS', 'AUDIO', 'WEB_CHAT']);
/** The list evaluations example's channel_type is "VOICE", a spelling of AUDIO outside the enum. */
export const EVALUATION_CHANNEL_TYPES = vocabulary(['VIDEO', 'AUDIO', 'MANUAL', 'MESSAGE'], {
  VOICE: 'AUDIO',
});
export const EVALUATION_TYPES = vocabulary(['Manual', 'Automated'], { 'Manual scoring': 'Manual' });
export const AUTOMATED_EVALUATION_STATUSES = vocabulary(['COMPLETED', 'PROCESSING', 'FAILED']);
/** The query enum's spelling is canonical; list responses say "Cancled". */
export const MANUAL_EVALUATION_STATUSES = vocabulary(
  ['Active', 'Completed', 'Pending', 'Expired', 'Canceled'],
  {
    Cancled: 'Canceled',
  },
);
/** The query enum's spelling ("Auto complete") is canonical; list responses say "Auto Complete". */
export const ACKNOWLEDGEMENT_STATUSES = vocabulary(['Pending', 'Complete', 'Auto complete', 'None']);
export const DISPUTE_STATUSES = vocabulary(['None', 'Pending', 'Complete']);
export const SCORING_FORMATS = vocabulary(['points', 'percentage']);
export const QUESTION_TYPES = vocabulary(['Yes/No', 'Single Choice', 'Rating Scale']);
export const SCREEN_RECORDING_STATUSES = vocabulary(['UNAVAILABLE', 'AVAILABLE', 'DELETED']);
export const SPEAKER_ROLES = vocabulary(['rep', 'customer']);
export const TOPIC_TYPES = vocabulary(['predefined', 'discovered']);
export const DIRECTIONS = vocabulary(['inbound', 'outbound']);
/** POST /qm/interactions' `primary_language` enum. */
const LANGUAGE_TAGS = [
  'en-GB',
  'en-US',
  'ar',
  'da-DK',
  'de-DE',
  'es-ES',
  'es-MX',
  'fr-CA',
  'fr-FR',
  'it-IT',
  'ja',
  'ko-KR',
  'nl-NL',
  'pt-BR',
  'pt-PT',
  'ru',
  'zh-CN',
  'zh-HK',
] as const;

/**
 * A language reported as its bare primary subtag reads as the one tag of the enum with that
 * subtag ("de" is de-DE), never as a guess between several: "es", "fr", "pt" and "zh" stay
 * unknown (reported). "en" names two tags, but Zoom's own examples report "en" for English
 * recordings posted as en-US, so it reads as en-US.
 */
export function primarySubtagReadings<const TTag extends string>(
  tags: readonly TTag[],
): Record<string, TTag> {
  const bySubtag = Map.groupBy(tags, (tag) => tag.split('-')[0] ?? tag);
  const readings: Record<string, TTag> = {};
  for (const [subtag, candidates] of bySubtag) {
    const [only] = candidates;
    if (candidates.length === 1 && only !== undefined && only !== subtag) {
      readings[subtag] = only;
    }
  }
  return readings;
}

export const LANGUAGES = vocabulary(LANGUAGE_TAGS, {
  ...primarySubtagReadings(LANGUAGE_TAGS),
  en: 'en-US',
});

/** Known values of a vocabulary, as a type. */
export type KnownValue<TVocabulary> = TVocabulary extends Vocabulary<infer TKnown> ? TKnown : never;

export type AutomatedEvaluationStatus = KnownValue<typeof AUTOMATED_EVALUATION_STATUSES>;
export type AcknowledgementStatus = KnownValue<typeof ACKNOWLEDGEMENT_STATUSES>;
export type Language = KnownValue<typeof LANGUAGES>;
