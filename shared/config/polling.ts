import * as z from '../zod.ts';

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
  baseSeconds: z._default(z.number().check(z.minimum(1), z.maximum(3_600)), 30),
  /** Growth per counted check (1 = a constant interval). */
  factor: z._default(z.number().check(z.minimum(1), z.maximum(10)), 2),
  /** Longest delay between two checks. Above SQS's 900 s, the message is re-sent until due. */
  capSeconds: z._default(z.number().check(z.minimum(1), z.maximum(6 * 3_600)), 900),
  /**
   * `equal` (the default): half the nominal delay plus a random share of the other half, so a
   * recording is never polled faster than half the schedule (a bounded number of Zoom calls);
   * `full`: anywhere between zero and the nominal delay (the widest spread, the most calls);
   * `none`: exactly the nominal delay (predictable; for tests and tiny deployments).
   */
  jitter: z._default(z.enum(['equal', 'full', 'none']), 'equal'),
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
  afterSeconds: z._default(z.int().check(z.minimum(1_800), z.maximum(14 * DAY_SECONDS)), 6 * 3_600),
  /** Bounded work per run: recordings looked at (waiting ones included). */
  maxExaminedPerRun: z._default(z.int().check(z.minimum(1), z.maximum(10_000)), 1_000),
  /** Bounded work per run: stuck recordings ended. */
  maxEndedPerRun: z._default(z.int().check(z.minimum(1), z.maximum(5_000)), 100),
});

export type StuckSweepSettings = z.output<typeof stuckSchema>;

const reconcilerSchema = z.strictObject({
  /** How often the reconciler runs (the CDK schedule's rate). */
  intervalMinutes: z._default(z.int().check(z.minimum(1), z.maximum(60)), 5),
  /** A poll this overdue is presumed lost (a lost message, a crash, a message in the DLQ) and re-queued. */
  overdueSlackSeconds: z._default(z.number().check(z.minimum(0), z.maximum(3_600)), 120),
  /** Bounded work per run: overdue recordings handled at most. */
  maxPollsPerRun: z._default(z.int().check(z.minimum(1), z.maximum(5_000)), 200),
  /** Bounded work per run: pending notifications published at most. */
  maxNotificationsPerRun: z._default(z.int().check(z.minimum(1), z.maximum(5_000)), 200),
  /**
   * Pending notifications younger than this are left to the writer that is publishing them right
   * now (a repeat would be harmless, subscribers drop it by id, but it costs a publish).
   */
  notificationMinAgeSeconds: z._default(z.number().check(z.minimum(0), z.maximum(3_600)), 60),
  stuck: z.prefault(stuckSchema, {}),
});

export type ReconcilerSettings = z.output<typeof reconcilerSchema>;

const keyPrefixSchema = z
  .string()
  .check(z.regex(/^([A-Za-z0-9!_.*'()-]+\/)*$/, 'empty, or path segments each ending with "/"'));

/** The BI export (shared/results/bi-export.ts): one JSON Lines object per result, by date. */
const exportSchema = z.strictObject({
  enabled: z._default(z.boolean(), true),
  /** Key prefix of the export in the results bucket; the Glue table's location. */
  keyPrefix: z._default(keyPrefixSchema.check(z.minLength(1)), 'export/results/'),
  /** Phone numbers and e-mails are masked in the export, as in notifications, unless this is true. */
  includePersonalData: z._default(z.boolean(), false),
});

const resultsSchema = z.strictObject({
  /**
   * Results documents up to this size (UTF-8 JSON) are stored in a DynamoDB item, larger ones in
   * the results bucket. DynamoDB items stop at 400 KB, names and keys included.
   */
  inlineMaxBytes: z._default(z.int().check(z.minimum(1_024), z.maximum(380_000)), 300_000),
  /** Key prefix of the transcripts and large results in the results bucket. */
  keyPrefix: z._default(keyPrefixSchema, 'results/'),
  /** Fetch each completed manual evaluation's scorecard (sections, questions): one MEDIUM call each. */
  fetchManualEvaluationDetails: z._default(z.boolean(), true),
  export: z.prefault(exportSchema, {}),
});

export type ResultsSettings = z.output<typeof resultsSchema>;

/**
 * Manual evaluations completed after a recording finished, on an account without webhooks: each
 * finished recording whose manual evaluations were still pending is looked at again (one detail
 * read) every `intervalSeconds` for `windowSeconds`, at most `maxPerRun` per reconciler run; its
 * results are amended when one completed. With webhooks, Zoom's `evaluation_completed` does it.
 */
const lateEvaluationsSchema = z.strictObject({
  enabled: z._default(z.boolean(), true),
  windowSeconds: z._default(z.number().check(z.minimum(1), z.maximum(60 * DAY_SECONDS)), 14 * DAY_SECONDS),
  intervalSeconds: z._default(z.number().check(z.minimum(1), z.maximum(7 * DAY_SECONDS)), 6 * 3_600),
  maxPerRun: z._default(z.int().check(z.minimum(1), z.maximum(5_000)), 100),
});

export const pollSettingsSchema = z
  .strictObject({
    /** Delay before the first status check after a successful submission. */
    firstDelaySeconds: z._default(z.int().check(z.minimum(0), z.maximum(900)), 60),
    /** A recording still not final this long after submission ends TIMED_OUT. */
    deadlineSeconds: z._default(z.int().check(z.minimum(1), z.maximum(14 * DAY_SECONDS)), DAY_SECONDS),
    backoff: z.prefault(backoffSchema, {}),
    /**
     * After a refusal for rate limit, the next check waits Retry-After plus up to this much more,
     * so the recordings refused together do not come back together.
     */
    rateLimitJitterSeconds: z._default(z.number().check(z.minimum(0), z.maximum(300)), 5),
    /** Analysis finished (the interaction is visible) but no automated evaluation this long after: NO_EVALUATION. */
    noEvaluationGraceSeconds: z._default(z.number().check(z.minimum(0)), 3_600),
    /**
     * Zoom answers 404 until it has downloaded and analysed the recording, and says nothing when
     * the download failed. Still 404 this long after submission, with the download URL expired,
     * the recording is submitted again once, then FAILED.
     */
    notFoundGraceSeconds: z._default(z.number().check(z.minimum(0)), 2 * 3_600),
    /**
     * A poller takes a recording's poll for this long before calling Zoom, so a duplicate message
     * finds it taken. Longer than the poll function's timeout: a poller that dies mid-poll is
     * replaced by the reconciler once the lease has passed.
     */
    leaseSeconds: z._default(z.number().check(z.minimum(1), z.maximum(3_600)), 300),
    reconciler: z.prefault(reconcilerSchema, {}),
    results: z.prefault(resultsSchema, {}),
    lateEvaluations: z.prefault(lateEvaluationsSchema, {}),
  })
  .check(
    z.superRefine((settings, context) => {
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
    }),
  );

export type PollSettings = z.output<typeof pollSettingsSchema>;
export type PollSettingsInput = z.input<typeof pollSettingsSchema>;
