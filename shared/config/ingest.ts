import * as z from 'zod';
import { KeyTemplateError, parseKeyTemplate } from '../ingest/metadata/key-template.ts';

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
  suffix: z
    .string()
    .regex(/^\.[a-z0-9.]+$/, 'a dot and lower-case letters, digits or dots, e.g. ".json"')
    .default('.json'),
  /** Whether every recording must have a sidecar (it then waits for one even when other sources are complete). */
  required: z.boolean().default(false),
  /**
   * How long after the recording's upload a missing sidecar is waited for before the recording is
   * REJECTED for missing metadata (0: no wait). The wait is a delayed re-check, never a sleep.
   */
  waitSeconds: z
    .int()
    .min(0)
    .max(24 * 3600)
    .default(300),
  /** How often a waiting recording looks for its sidecar again. */
  recheckSeconds: z.int().min(1).max(900).default(30),
  /** A larger sidecar is refused (it is read into memory). */
  maxBytes: z
    .int()
    .min(1)
    .max(1024 * 1024)
    .default(64 * 1024),
});

/**
 * Who signs the download URLs. `role`: the function's own role (GetObject/GetObjectVersion on the
 * recording prefixes, plus kms:Decrypt). `iamUser`: a dedicated IAM user whose access keys live in
 * the named Secrets Manager secret, for URLs that must outlive role credentials. Never an assumed
 * role: role chaining caps a URL's life at one hour.
 */
const signerSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('role') }),
  z.strictObject({ kind: z.literal('iamUser'), secretName: z.string().min(1) }),
]);

export type SignerSettings = z.output<typeof signerSchema>;

const presignSchema = z.strictObject({
  /** How long a download URL is valid: long enough for Zoom to fetch the file, and no longer. */
  urlExpirySeconds: z
    .int()
    .min(60)
    .max(7 * 24 * 3600)
    .default(3600),
  signer: signerSchema.default({ kind: 'role' }),
  /**
   * Temporary credentials that do not say when they expire (Lambda's role credentials) are assumed
   * to last at least this long: the stored `urlExpiresAt` is never later than that.
   */
  unknownCredentialLifetimeSeconds: z
    .int()
    .min(60)
    .max(12 * 3600)
    .default(900),
});

const retriesSchema = z.strictObject({
  /** Transient failures (5xx, timeouts, throttled AWS calls) retried before a recording ends FAILED. */
  transientAttempts: z.int().min(0).max(50).default(5),
  /** The first retry's delay; each next one doubles (with jitter) up to `maxDelaySeconds`. */
  baseDelaySeconds: z.int().min(1).max(900).default(20),
  maxDelaySeconds: z.int().min(1).max(900).default(900),
  /** Re-sends after a rate-limit refusal are spread over up to this many extra seconds, so they do not return as a herd. */
  rateLimitJitterSeconds: z.int().min(0).max(300).default(5),
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
  patienceSeconds: z
    .int()
    .min(60)
    .max(7 * 86_400)
    .default(6 * 3_600),
  /** The shortest wait between two lookups. */
  minRecheckSeconds: z.int().min(1).max(3_600).default(120),
  /** The longest wait between two lookups. */
  maxRecheckSeconds: z
    .int()
    .min(1)
    .max(6 * 3_600)
    .default(1_800),
  /** Pages of the listing (100 interactions each) read per lookup at most. */
  maxPages: z.int().min(1).max(50).default(5),
  /** Listed interactions whose detail is read to check the agent, per lookup, at most. */
  maxDetailChecks: z.int().min(1).max(20).default(5),
});

/** Key-path templates: one placeholder set, checked when the configuration is loaded. */
const keyTemplateSchema = z.string().superRefine((template, context) => {
  try {
    parseKeyTemplate(template);
  } catch (error) {
    if (!(error instanceof KeyTemplateError)) {
      throw error;
    }
    context.addIssue({ code: 'custom', message: error.message });
  }
});

export const ingestSettingsSchema = z
  .strictObject({
    /** Key prefixes under which objects are recordings ('' for every key). */
    recordingPrefixes: z.array(z.string()).min(1).default(['']),
    /** File name endings (lower case) that are recordings. */
    recordingSuffixes: z
      .array(z.string().regex(/^\.[a-z0-9]+$/, 'a dot and lower-case letters or digits, e.g. ".mp3"'))
      .min(1)
      .default(['.mp3', '.wav', '.m4a', '.mp4', '.ogg', '.webm', '.flac', '.aac', '.mov']),
    /** Time zone of call start times written without one (IANA name). */
    sourceTimeZone: z
      .string()
      .refine(isIanaTimeZone, 'an IANA time zone such as "UTC" or "Europe/Paris"')
      .default('UTC'),
    /** Recordings larger than this are rejected. */
    maxRecordingBytes: z
      .int()
      .positive()
      .default(2 * 1024 ** 3),
    /**
     * Metadata read from the key's path, lowest in precedence (below S3 user metadata and the
     * sidecar), e.g. `calls/{date}/{agent_email}/{direction}-{any}.{ext}`. See the README for
     * the placeholders.
     */
    keyTemplate: keyTemplateSchema.optional(),
    requiredMetadata: z.array(z.enum(METADATA_REQUIREMENTS)).default(['agent']),
    sidecar: sidecarSchema.prefault({}),
    presign: presignSchema.prefault({}),
    retries: retriesSchema.prefault({}),
    /**
     * After a crash between a POST and its record, on a Zoom account that ignores
     * Idempotency-Key, the interaction is looked for this far either side of the call's start
     * (or of the submission, when the start is unknown).
     */
    lookupWindowSeconds: z.int().min(1).max(86_400).default(300),
    uncertainPost: uncertainPostSchema.prefault({}),
    /**
     * The longest a recording may wait to be submitted, from its upload (or from an operator's
     * retry): rate limits, Zoom's daily limit, a late sidecar and transient failures all count.
     * Past it the recording ends FAILED ('max-age'), so no wait is unbounded. The default lets a
     * backfill of about 14 days of Zoom's daily POST budget drain before anything is given up.
     */
    maxAgeBeforeSubmissionSeconds: z
      .int()
      .min(3_600)
      .max(90 * 86_400)
      .default(14 * 86_400),
    /** A start time later than now by more than this is refused as invalid (clock skew allowance). */
    maxStartTimeAheadSeconds: z.int().min(0).max(86_400).default(300),
  })
  .superRefine((settings, context) => {
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
  });

export type IngestSettings = z.output<typeof ingestSettingsSchema>;

function isIanaTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
