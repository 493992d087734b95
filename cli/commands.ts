/** A subcommand of `qm-ingest`: its name, a one-line summary, and its lazily loaded module. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly load: () => Promise<{ run(args: readonly string[]): Promise<number> }>;
}

/** Every subcommand, in the order `qm-ingest --help` lists them. */
export const commands: readonly Command[] = [
  {
    name: 'local',
    summary: 'Run the whole pipeline on this machine (what `npm start` runs); --demo N for a scripted run',
    load: () => import('./local.ts'),
  },
  {
    name: 'status',
    summary: "Show a recording's status, history and scores, by key, interaction id or recording id",
    load: () => import('./status.ts'),
  },
  {
    name: 'list',
    summary: 'List recordings by status and time (the local runtime, or a deployed environment with --env)',
    load: () => import('./list.ts'),
  },
  {
    name: 'report',
    summary:
      'Report outcomes, scores by agent, queue and scorecard, and timings over a window (table, csv, jsonl, html)',
    load: () => import('./report.ts'),
  },
  {
    name: 'export',
    summary: 'Rebuild the BI export of the results (export --rebuild --since 30d), idempotent',
    load: () => import('./export.ts'),
  },
  {
    name: 'retry',
    summary: 'Retry recordings that ended FAILED, TIMED_OUT, REJECTED or NEEDS_REVIEW, as new submissions',
    load: () => import('./retry.ts'),
  },
  {
    name: 'resolve',
    summary: 'Settle a NEEDS_REVIEW recording: link its Zoom interaction, or resubmit it',
    load: () => import('./resolve.ts'),
  },
  {
    name: 'redrive',
    summary: "Move the dead-letter queues' messages back to their queues",
    load: () => import('./redrive.ts'),
  },
  {
    name: 'backfill',
    summary: "Ingest recordings already in a bucket (s3://bucket/prefix), at Zoom's allowed rate",
    load: () => import('./backfill.ts'),
  },
  {
    name: 'erase',
    summary: 'Delete a recording everywhere qm-ingest keeps it (state, results; --with-object: S3 too)',
    load: () => import('./erase.ts'),
  },
  {
    name: 'config-reference',
    summary:
      'Print every setting of an environment file, its type, allowed values and default (from the schemas)',
    load: () => import('./config-reference.ts'),
  },
  {
    name: 'simulator',
    summary: 'Run the local Zoom QM simulator (OAuth + QM API on 127.0.0.1)',
    load: () => import('./simulator.ts'),
  },
  {
    name: 'local-aws',
    summary: 'Run the local AWS stack (S3, SQS, DynamoDB, Secrets Manager, SNS, EventBridge) on 127.0.0.1',
    load: () => import('../local/aws/command.ts'),
  },
];
