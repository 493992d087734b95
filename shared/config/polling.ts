import * as z from 'zod';

/**
 * How submitted interactions are followed until their automated evaluations are final. Owned by
 * polling; validated with the environment. Every duration is in seconds (fractions allowed where a
 * test needs sub-minute timings; SQS itself delays in whole seconds, rounded up).
 */

const DAY_SECONDS = 86_400;

/**
 * The delay between two status checks of one recording: `min(cap, base * factor^(n-1))` after the
 * n-th counted check, with jitter so recordings submitted together do not poll together.
 */
const backoffSchema = z.strictObject({
  /** Delay after the first counted check. */
  baseSeconds: z.number().min(1).max(3_600).default(30),
  /** Growth per counted check (1 = a constant interval). */
  factor: z.number().min(1).max(10).default(2),
  /** Longest delay between two checks. Above SQS's 900 s, the message is re-sent until due. */
  capSeconds: z
    .number()
    .min(1)
    .max(6 * 3_600)
    .default(900),
  /**
   * `equal` (the default): half the nominal delay plus a random share of the other half, so a
   * recording is never polled faster than half the schedule (a bounded number of Zoom calls);
   * `full`: anywhere between zero and the nominal delay (the widest spread, the most calls);
   * `none`: exactly the nominal delay (predictable; for tests and tiny deployments).
   */
  jitter: z.enum(['equal', 'full', 'none']).default('equal'),
});

export type BackoffSettings = z.output<typeof backoffSchema>;

/**
 * The sweep of recordings stuck before submission: RECEIVED, SUBMITTING or RESUBMITTED with no
 * sign of life for `afterSeconds` (an ingest message that reached the DLQ, a resubmission that
 * was never taken up, a crash). Ingest records every wait on the recording itself (until when,
 * and why: a rate limit up to Zoom's daily reset, a sidecar, a transient failure's backoff), and
 * the sweep measures from the later of the recording's last write and the end of that wait, so a
 * legitimate wait of any length is never taken for a stuck recording. What the threshold must
 * still cover is what ingest cannot record: one SQS delay (900 s at most), a function's run, the
 * ingest queue's redeliveries before its DLQ (maxReceiveCount x visibility timeout: an hour with
 * the stack's defaults) and any backlog of the ingest queue.
 */
const stuckSchema = z.strictObject({
  /** No write and no recorded wait ending within this long: the recording is stuck. */
  afterSeconds: z
    .int()
    .min(1_800)
    .max(14 * DAY_SECONDS)
    .default(6 * 3_600),
  /** Bounded work per run: recordings looked at (waiting ones included). */
  maxExaminedPerRun: z.int().min(1).max(10_000).default(1_000),
  /** Bounded work per run: stuck recordings ended. */
  maxEndedPerRun: z.int().min(1).max(5_000).default(100),
});

export type StuckSweepSettings = z.output<typeof stuckSchema>;

const reconcilerSchema = z.strictObject({
  /** How often the reconciler runs (the CDK schedule's rate). */
  intervalMinutes: z.int().min(1).max(60).default(5),
  /** A poll this overdue is presumed lost (a lost message, a crash, a message in the DLQ) and re-queued. */
  overdueSlackSeconds: z.number().min(0).max(3_600).default(120),
  /** Bounded work per run: overdue recordings handled at most. */
  maxPollsPerRun: z.int().min(1).max(5_000).default(200),
  /** Bounded work per run: pending notifications published at most. */
  maxNotificationsPerRun: z.int().min(1).max(5_000).default(200),
  /**
   * Pending notifications younger than this are left to the writer that is publishing them right
   * now (a repeat would be harmless, subscribers drop it by id, but it costs a publish).
   */
  notificationMinAgeSeconds: z.number().min(0).max(3_600).default(60),
  stuck: stuckSchema.prefault({}),
});

export type ReconcilerSettings = z.output<typeof reconcilerSchema>;

const keyPrefixSchema = z
  .string()
  .regex(/^([A-Za-z0-9!_.*'()-]+\/)*$/, 'empty, or path segments each ending with "/"');

/** The BI export (shared/results/bi-export.ts): one JSON Lines object per result, by date. */
const exportSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Key prefix of the export in the results bucket; the Glue table's location. */
  keyPrefix: keyPrefixSchema.min(1).default('export/results/'),
  /** Phone numbers and e-mails are masked in the export, as in notifications, unless this is true. */
  includePersonalData: z.boolean().default(false),
});

const resultsSchema = z.strictObject({
  /**
   * Results documents up to this size (UTF-8 JSON) are stored in a DynamoDB item, larger ones in
   * the results bucket. DynamoDB items stop at 400 KB, names and keys included.
   */
  inlineMaxBytes: z.int().min(1_024).max(380_000).default(300_000),
  /** Key prefix of the transcripts and large results in the results bucket. */
  keyPrefix: keyPrefixSchema.default('results/'),
  /** Fetch each completed manual evaluation's scorecard (sections, questions): one MEDIUM call each. */
  fetchManualEvaluationDetails: z.boolean().default(true),
  export: exportSchema.prefault({}),
});

export type ResultsSettings = z.output<typeof resultsSchema>;

/**
 * Manual evaluations completed after a recording finished, on an account without webhooks: each
 * finished recording whose manual evaluations were still pending is looked at again (one detail
 * read) every `intervalSeconds` for `windowSeconds`, at most `maxPerRun` per reconciler run; its
 * results are amended when one completed. With webhooks, Zoom's `evaluation_completed` does it.
 */
const lateEvaluationsSchema = z.strictObject({
  enabled: z.boolean().default(true),
  windowSeconds: z
    .number()
    .min(1)
    .max(60 * DAY_SECONDS)
    .default(14 * DAY_SECONDS),
  intervalSeconds: z
    .number()
    .min(1)
    .max(7 * DAY_SECONDS)
    .default(6 * 3_600),
  maxPerRun: z.int().min(1).max(5_000).default(100),
});

export const pollSettingsSchema = z
  .strictObject({
    /** Delay before the first status check after a successful submission. */
    firstDelaySeconds: z.int().min(0).max(900).default(60),
    /** A recording still not final this long after submission ends TIMED_OUT. */
    deadlineSeconds: z
      .int()
      .min(1)
      .max(14 * DAY_SECONDS)
      .default(DAY_SECONDS),
    backoff: backoffSchema.prefault({}),
    /**
     * After a refusal for rate limit, the next check waits Retry-After plus up to this much more,
     * so the recordings refused together do not come back together.
     */
    rateLimitJitterSeconds: z.number().min(0).max(300).default(5),
    /** Analysis finished (the interaction is visible) but no automated evaluation this long after: NO_EVALUATION. */
    noEvaluationGraceSeconds: z.number().min(0).default(3_600),
    /**
     * Zoom answers 404 until it has downloaded and analysed the recording, and says nothing when
     * the download failed. Still 404 this long after submission, with the download URL expired,
     * the recording is submitted again once, then FAILED.
     */
    notFoundGraceSeconds: z
      .number()
      .min(0)
      .default(2 * 3_600),
    /**
     * A poller takes a recording's poll for this long before calling Zoom, so a duplicate message
     * finds it taken. Longer than the poll function's timeout: a poller that dies mid-poll is
     * replaced by the reconciler once the lease has passed.
     */
    leaseSeconds: z.number().min(1).max(3_600).default(300),
    reconciler: reconcilerSchema.prefault({}),
    results: resultsSchema.prefault({}),
    lateEvaluations: lateEvaluationsSchema.prefault({}),
  })
  .superRefine((settings, context) => {
    const shorterThanDeadline = [
      ['firstDelaySeconds', settings.firstDelaySeconds],
      ['noEvaluationGraceSeconds', settings.noEvaluationGraceSeconds],
      ['notFoundGraceSeconds', settings.notFoundGraceSeconds],
    ] as const;
    for (const [field, seconds] of shorterThanDeadline) {
      if (seconds >= settings.deadlineSeconds) {
        context.addIssue({
          code: 'custom',
          path: [field],
          message: `must be shorter than deadlineSeconds (${settings.deadlineSeconds})`,
        });
      }
    }
    if (settings.backoff.capSeconds < settings.backoff.baseSeconds) {
      context.addIssue({
        code: 'custom',
        path: ['backoff', 'capSeconds'],
        message: 'must be at least backoff.baseSeconds',
      });
    }
  });

export type PollSettings = z.output<typeof pollSettingsSchema>;
export type PollSettingsInput = z.input<typeof pollSettingsSchema>;
