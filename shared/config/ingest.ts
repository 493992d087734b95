import { KeyTemplateError, parseKeyTemplate } from '../ingest/metadata/key-template.ts';
import * as z from '../zod.ts';

/**
 * How recordings are recognised, described and submitted. Owned by ingest; validated with the
 * environment (by the CDK stack at synthesis and by the function at cold start). Every default is
 * chosen so that an environment that states nothing still behaves safely.
 */

/**
 * Metadata a recording must have before it is submitted. `agent` is satisfied by an agent email or
 * an agent id; the others name one field each. A recording that lacks one waits for its sidecar
 * (see `sidecar.waitSeconds`) and is then REJECTED, naming what is missing.
 */
export const METADATA_REQUIREMENTS = [
  'agent',
  'startTime',
  'direction',
  'queueId',
  'consumerName',
  'fromNumber',
  'toNumber',
  'disposition',
  'primaryLanguage',
] as const;

export type MetadataRequirement = (typeof METADATA_REQUIREMENTS)[number];

/** Where a sidecar JSON is looked for, and how long a recording waits for one. */
const sidecarSchema = z.strictObject({
  /** The sidecar of `<key>` is `<key><suffix>`, e.g. `calls/a.mp3.json`. */
  suffix: z._default(
    z.string().check(z.regex(/^\.[a-z0-9.]+$/, 'a dot and lower-case letters, digits or dots, e.g. ".json"')),
    '.json',
  ),
  /** Whether every recording must have a sidecar (it then waits for one even when other sources are complete). */
  required: z._default(z.boolean(), false),
  /**
   * How long after the recording's upload a missing sidecar is waited for before the recording is
   * REJECTED for missing metadata (0: no wait). The wait is a delayed re-check, never a sleep.
   */
  waitSeconds: z._default(z.int().check(z.minimum(0), z.maximum(24 * 3600)), 300),
  /** How often a waiting recording looks for its sidecar again. */
  recheckSeconds: z._default(z.int().check(z.minimum(1), z.maximum(900)), 30),
  /** A larger sidecar is refused (it is read into memory). */
  maxBytes: z._default(z.int().check(z.minimum(1), z.maximum(1024 * 1024)), 64 * 1024),
});

/**
 * Who signs the download URLs. `role`: the function's own role (GetObject/GetObjectVersion on the
 * recording prefixes, plus kms:Decrypt). `iamUser`: a dedicated IAM user whose access keys live in
 * the named Secrets Manager secret, for URLs that must outlive role credentials. Never an assumed
 * role: role chaining caps a URL's life at one hour.
 */
const signerSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('role') }),
  z.strictObject({ kind: z.literal('iamUser'), secretName: z.string().check(z.minLength(1)) }),
]);

export type SignerSettings = z.output<typeof signerSchema>;

const presignSchema = z.strictObject({
  /** How long a download URL is valid: long enough for Zoom to fetch the file, and no longer. */
  urlExpirySeconds: z._default(z.int().check(z.minimum(60), z.maximum(7 * 24 * 3600)), 3600),
  signer: z._default(signerSchema, { kind: 'role' }),
  /**
   * Temporary credentials that do not say when they expire (Lambda's role credentials) are assumed
   * to last at least this long: the stored `urlExpiresAt` is never later than that.
   */
  unknownCredentialLifetimeSeconds: z._default(z.int().check(z.minimum(60), z.maximum(12 * 3600)), 900),
});

const retriesSchema = z.strictObject({
  /** Transient failures (5xx, timeouts, throttled AWS calls) retried before a recording ends FAILED. */
  transientAttempts: z._default(z.int().check(z.minimum(0), z.maximum(50)), 5),
  /** The first retry's delay; each next one doubles (with jitter) up to `maxDelaySeconds`. */
  baseDelaySeconds: z._default(z.int().check(z.minimum(1), z.maximum(900)), 20),
  maxDelaySeconds: z._default(z.int().check(z.minimum(1), z.maximum(900)), 900),
  /** Re-sends after a rate-limit refusal are spread over up to this many extra seconds, so they do not return as a herd. */
  rateLimitJitterSeconds: z._default(z.int().check(z.minimum(0), z.maximum(300)), 5),
});

/**
 * How a POST whose answer was lost is resolved on a Zoom account that does not honour
 * Idempotency-Key: by looking for the interaction in Zoom's listing, never by posting again. Zoom
 * lists an interaction only once it has analysed the recording (minutes to hours), so the lookup
 * is repeated, each wait as long as the time already spent (between the two bounds), until the
 * patience runs out; then the recording ends NEEDS_REVIEW.
 */
const uncertainPostSchema = z.strictObject({
  /** How long after the uncertain POST the interaction is still looked for. */
  patienceSeconds: z._default(z.int().check(z.minimum(60), z.maximum(7 * 86_400)), 6 * 3_600),
  /** The shortest wait between two lookups. */
  minRecheckSeconds: z._default(z.int().check(z.minimum(1), z.maximum(3_600)), 120),
  /** The longest wait between two lookups. */
  maxRecheckSeconds: z._default(z.int().check(z.minimum(1), z.maximum(6 * 3_600)), 1_800),
  /** Pages of the listing (100 interactions each) read per lookup at most. */
  maxPages: z._default(z.int().check(z.minimum(1), z.maximum(50)), 5),
  /** Listed interactions whose detail is read to check the agent, per lookup, at most. */
  maxDetailChecks: z._default(z.int().check(z.minimum(1), z.maximum(20)), 5),
});

/** Key-path templates: one placeholder set, checked when the configuration is loaded. */
const keyTemplateSchema = z.string().check(
  z.superRefine((template, context) => {
    try {
      parseKeyTemplate(template);
    } catch (error) {
      if (!(error instanceof KeyTemplateError)) {
        throw error;
      }
      context.addIssue({ code: 'custom', message: error.message });
    }
  }),
);

export const ingestSettingsSchema = z
  .strictObject({
    /** Key prefixes under which objects are recordings ('' for every key). */
    recordingPrefixes: z._default(z.array(z.string()).check(z.minLength(1)), ['']),
    /** File name endings (lower case) that are recordings. */
    recordingSuffixes: z._default(
      z
        .array(
          z.string().check(z.regex(/^\.[a-z0-9]+$/, 'a dot and lower-case letters or digits, e.g. ".mp3"')),
        )
        .check(z.minLength(1)),
      ['.mp3', '.wav', '.m4a', '.mp4', '.ogg', '.webm', '.flac', '.aac', '.mov'],
    ),
    /** Time zone of call start times written without one (IANA name). */
    sourceTimeZone: z._default(
      z.string().check(z.refine(isIanaTimeZone, 'an IANA time zone such as "UTC" or "Europe/Paris"')),
      'UTC',
    ),
    /** Recordings larger than this are rejected. */
    maxRecordingBytes: z._default(z.int().check(z.positive()), 2 * 1024 ** 3),
    /**
     * Metadata read from the key's path, lowest in precedence (below S3 user metadata and the
     * sidecar), e.g. `calls/{date}/{agent_email}/{direction}-{any}.{ext}`. See the README for
     * the placeholders.
     */
    keyTemplate: z.optional(keyTemplateSchema),
    requiredMetadata: z._default(z.array(z.enum(METADATA_REQUIREMENTS)), ['agent']),
    sidecar: z.prefault(sidecarSchema, {}),
    presign: z.prefault(presignSchema, {}),
    retries: z.prefault(retriesSchema, {}),
    /**
     * After a crash between a POST and its record, on a Zoom account that ignores
     * Idempotency-Key, the interaction is looked for this far either side of the call's start
     * (or of the submission, when the start is unknown).
     */
    lookupWindowSeconds: z._default(z.int().check(z.minimum(1), z.maximum(86_400)), 300),
    uncertainPost: z.prefault(uncertainPostSchema, {}),
    /**
     * The longest a recording may wait to be submitted, from its upload (or from an operator's
     * retry): rate limits, Zoom's daily limit, a late sidecar and transient failures all count.
     * Past it the recording ends FAILED ('max-age'), so no wait is unbounded. The default lets a
     * backfill of about 14 days of Zoom's daily POST budget drain before anything is given up.
     */
    maxAgeBeforeSubmissionSeconds: z._default(
      z.int().check(z.minimum(3_600), z.maximum(90 * 86_400)),
      14 * 86_400,
    ),
    /** A start time later than now by more than this is refused as invalid (clock skew allowance). */
    maxStartTimeAheadSeconds: z._default(z.int().check(z.minimum(0), z.maximum(86_400)), 300),
  })
  .check(
    z.superRefine((settings, context) => {
      if (settings.retries.maxDelaySeconds < settings.retries.baseDelaySeconds) {
        context.addIssue({
          code: 'custom',
          path: ['retries', 'maxDelaySeconds'],
          message: 'must not be below retries.baseDelaySeconds',
        });
      }
      if (settings.uncertainPost.maxRecheckSeconds < settings.uncertainPost.minRecheckSeconds) {
        context.addIssue({
          code: 'custom',
          path: ['uncertainPost', 'maxRecheckSeconds'],
          message: 'must not be below uncertainPost.minRecheckSeconds',
        });
      }
      if (settings.recordingSuffixes.some((suffix) => suffix === settings.sidecar.suffix)) {
        context.addIssue({
          code: 'custom',
          path: ['sidecar', 'suffix'],
          message: 'must not be one of recordingSuffixes: a sidecar would be taken for a recording',
        });
      }
    }),
  );

export type IngestSettings = z.output<typeof ingestSettingsSchema>;

function isIanaTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
