/**
 * `qm-ingest backfill s3://bucket/prefix [--since] [--until] [--rate]`: ingests objects that already
 * exist, through the ingest queue as S3 events (shared/operator/backfill.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { systemClock } from '../shared/clock.ts';
import { ConfigError } from '../shared/errors.ts';
import { S3RecordingObjects } from '../shared/ingest/object-store.ts';
import {
  announceObjects,
  type BackfillPlan,
  estimateSeconds,
  planBackfill,
  type SubmitBudget,
  submitBudgetOf,
} from '../shared/operator/backfill.ts';
import { ACTION_OPTIONS, ACTION_OPTIONS_USAGE, confirm, startProgress } from './operator-io.ts';
import { openOperatorTarget } from './operator-target.ts';
import { runCommand } from './run-command.ts';
import { listenForStop } from './stop-signal.ts';
import type { TargetArgs } from './target-args.ts';
import { parseInstant } from './time-window.ts';

const USAGE = `Usage: qm-ingest backfill s3://bucket/prefix [options]

Ingests recordings that are already in a bucket (an archive, a bucket adopted after deployment,
objects written while the local runtime was stopped). Each object is announced on the ingest
queue as an S3 event, so it goes exactly the way an upload goes. Objects that already have a
recording are left out: running it again, or after Ctrl-C, announces only the rest. It prints the
count and an estimate from Zoom's limits first, and announces nothing until you confirm.

Options:
  --since <when>          only objects last modified at or after: a duration back (7d) or a date
  --until <when>          only objects last modified before
  --rate <n>              announcements per second (default: what the Zoom profile's budget for
                          submissions allows: its plan's limit times its limitFraction)
${ACTION_OPTIONS_USAGE}`;

const S3_PREFIX_URL = /^s3:\/\/([^/]+)\/?(.*)$/;

export function run(args: readonly string[]): Promise<number> {
  return runCommand(
    'backfill',
    USAGE,
    args,
    {
      positionals: 1,
      positionalName: 'location: s3://bucket/prefix',
      extraOptions: {
        since: { type: 'string' },
        until: { type: 'string' },
        rate: { type: 'string' },
        ...ACTION_OPTIONS,
      },
    },
    async (parsed: TargetArgs) => {
      const location = S3_PREFIX_URL.exec(parsed.positionals[0] ?? '');
      if (location === null) {
        throw new ConfigError('give the objects as s3://bucket/prefix');
      }
      const now = Date.now();
      const { since, until } = parsed.extra;
      const request = {
        bucket: location[1] ?? '',
        prefix: location[2] ?? '',
        since: since === undefined ? undefined : parseInstant('--since', since, now),
        until: until === undefined ? undefined : parseInstant('--until', until, now),
      };
      const target = await openOperatorTarget(parsed.target);
      try {
        const plan = await planBackfill(
          {
            s3: target.s3,
            dynamodb: target.dynamodb,
            tableName: target.tableName,
            objects: new S3RecordingObjects(target.s3),
            settings: target.settings,
          },
          request,
        );
        const budget = submitBudgetOf(target.settings, request.bucket, plan.objects);
        const rate = parseRate(parsed.extra['rate']) ?? budget.perSecond;
        const dryRun = parsed.flags['dry-run'] === true;
        const summary = describePlan(plan, budget, rate);
        if (dryRun || plan.objects.length === 0) {
          console.log(parsed.json ? planJson(plan, budget, rate, 0, dryRun) : summary);
          return 0;
        }
        if (
          !(await confirm(
            `${summary}\nAnnounce them to ${target.description}?`,
            parsed.flags['yes'] === true,
          ))
        ) {
          console.error('qm-ingest backfill: nothing announced (a dry run)');
          return 1;
        }
        const stop = listenForStop();
        const progress = startProgress('announced', plan.objects.length);
        try {
          const result = await announceObjects(
            {
              sqs: target.sqs,
              ingestQueueUrl: target.ingestQueueUrl,
              region: target.region,
              clock: systemClock,
              sleep: (ms) => sleep(ms),
            },
            plan,
            rate,
            (announced) => progress.update(announced),
            () => stop.received !== undefined,
          );
          progress.finish();
          console.log(
            parsed.json
              ? planJson(plan, budget, rate, result.announced, dryRun)
              : result.interrupted
                ? `Stopped after announcing ${result.announced} of ${plan.objects.length}: run the same command again to announce the rest.`
                : `Announced ${result.announced} objects; follow them with \`qm-ingest list --since 1h\`${targetHint(parsed)}.`,
          );
          return result.interrupted ? 1 : 0;
        } finally {
          stop.dispose();
        }
      } finally {
        await target.close();
      }
    },
  );
}

function parseRate(value: string | undefined): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  const rate = Number(value);
  if (!Number.isFinite(rate) || rate <= 0) {
    throw new ConfigError('--rate takes a positive number of announcements per second');
  }
  return rate;
}

function describePlan(plan: BackfillPlan, budget: SubmitBudget, rate: number): string {
  const { left } = plan;
  const eta = estimateSeconds(plan.objects.length, Math.min(rate, budget.perSecond), budget.perDay);
  return [
    `${plan.objects.length} objects to ingest under s3://${plan.request.bucket}/${plan.request.prefix}`,
    `  left out: ${left.recorded} already recorded, ${left.notRecordings} not recordings (sidecars, other suffixes), ${left.outsideWindow} outside --since/--until`,
    `  Zoom's budget for submissions: ${budget.perSecond}/s${budget.perDay === undefined ? '' : `, ${budget.perDay}/day`}; announcing at ${rate}/s`,
    `  estimated time: ${formatSeconds(eta)}${budget.perDay !== undefined && plan.objects.length > budget.perDay ? ' (more than a day of the daily limit: ingest waits for each reset at 00:00 UTC)' : ''}`,
  ].join('\n');
}

function planJson(
  plan: BackfillPlan,
  budget: SubmitBudget,
  rate: number,
  announced: number,
  dryRun: boolean,
): string {
  return JSON.stringify(
    {
      dryRun,
      bucket: plan.request.bucket,
      prefix: plan.request.prefix,
      toIngest: plan.objects.length,
      left: plan.left,
      budget,
      rate,
      estimatedSeconds: estimateSeconds(plan.objects.length, Math.min(rate, budget.perSecond), budget.perDay),
      announced,
    },
    null,
    2,
  );
}

function formatSeconds(seconds: number): string {
  if (seconds < 120) {
    return `${Math.ceil(seconds)} s`;
  }
  if (seconds < 7_200) {
    return `${Math.ceil(seconds / 60)} min`;
  }
  return `${(seconds / 3_600).toFixed(1)} h`;
}

function targetHint(parsed: TargetArgs): string {
  return parsed.target.env === undefined ? '' : ` --env ${parsed.target.env}`;
}
