/**
 * `qm-ingest retry [<recording>] [--status S] [--reason text] [--since window]`: an operator's retry
 * of one recording, or of a selection, through ingest as a new submission (shared/operator/retry.ts).
 */
import { systemClock } from '../shared/clock.ts';
import { ConfigError } from '../shared/errors.ts';
import { SqsIngestRequeue } from '../shared/ingest/sqs-requeue.ts';
import { canRetry, RETRYABLE_STATUSES, type RetryOutcome, retryRecording } from '../shared/operator/retry.ts';
import type { Recording } from '../shared/recordings/recording.ts';
import { RecordingRepository } from '../shared/recordings/repository.ts';
import { parseStatuses } from './list.ts';
import { ACTION_OPTIONS, ACTION_OPTIONS_USAGE, confirm, startProgress } from './operator-io.ts';
import { type OperatorTarget, openOperatorTarget } from './operator-target.ts';
import { listRecordings } from './recording-listing.ts';
import { findRecordings } from './recording-lookup.ts';
import { runCommand } from './run-command.ts';
import type { TargetArgs } from './target-args.ts';
import { parseSince } from './time-window.ts';

const MAX_SELECTION = 1_000;

const USAGE = `Usage: qm-ingest retry <key | s3://bucket/key | interaction-id | recording-id> [options]
       qm-ingest retry --status <S[,S...]> [--reason <text>] [--since <window>] [options]

Retries recordings that ended ${RETRYABLE_STATUSES.join(', ')}: each becomes RESUBMITTED with a new
submission number and goes through ingest again, as a new upload does: its object and metadata
are read again (a sidecar or metadata fixed since counts). A NEEDS_REVIEW recording may already
have its interaction in Zoom: a retry may then create a duplicate (\`resolve --interaction\` links
the one found instead), so it is confirmed first.

Options:
  --status <S[,S...]>     select recordings in these statuses (default: all of ${RETRYABLE_STATUSES.join(', ')})
  --reason <text>         select recordings whose reason contains <text> (any case)
  --since <window>        select recordings that reached their status within it (default 24h)
${ACTION_OPTIONS_USAGE}`;

export function run(args: readonly string[]): Promise<number> {
  return runCommand(
    'retry',
    USAGE,
    args,
    {
      positionals: 'optional',
      extraOptions: {
        status: { type: 'string' },
        reason: { type: 'string' },
        since: { type: 'string' },
        ...ACTION_OPTIONS,
      },
    },
    async (parsed: TargetArgs) => {
      checkSelection(parsed);
      const target = await openOperatorTarget(parsed.target);
      try {
        const { recordings, bulk } = await select(target, parsed);
        if (recordings.length === 0) {
          console.error(`qm-ingest retry: no recording to retry matches in ${target.description}`);
          return 1;
        }
        return await retryAll(target, parsed, recordings, bulk);
      } finally {
        await target.close();
      }
    },
  );
}

/** One recording, or a selection: exactly one of the two, checked before anything is opened. */
function checkSelection(parsed: TargetArgs): void {
  const { status, reason, since } = parsed.extra;
  const selecting = status !== undefined || reason !== undefined || since !== undefined;
  if (parsed.positionals.length > 0 && selecting) {
    throw new ConfigError('give one recording, or a selection (--status, --reason, --since), not both');
  }
  if (parsed.positionals.length === 0 && !selecting) {
    throw new ConfigError('give one recording, or select recordings with --status, --reason or --since');
  }
}

async function select(
  target: OperatorTarget,
  parsed: TargetArgs,
): Promise<{ readonly recordings: readonly Recording[]; readonly bulk: boolean }> {
  const [reference] = parsed.positionals;
  const { status, reason, since } = parsed.extra;
  if (reference !== undefined) {
    // A key overwritten with other bytes names several recordings: the retryable ones, when there are some.
    const found = await findRecordings(target, reference);
    const retryable = found.filter((recording) => canRetry(recording.status));
    return { recordings: retryable.length > 0 ? retryable : found, bulk: false };
  }
  const statuses = status === undefined ? [...RETRYABLE_STATUSES] : parseStatuses(status);
  const refused = statuses.filter((candidate) => !RETRYABLE_STATUSES.includes(candidate));
  if (refused.length > 0) {
    throw new ConfigError(
      `--status: ${refused.join(', ')} cannot be retried; only ${RETRYABLE_STATUSES.join(', ')}`,
    );
  }
  const now = Date.now();
  const listing = await listRecordings(target, {
    statuses,
    range: { from: parseSince(since ?? '24h', now), to: now + 60_000 },
    limit: MAX_SELECTION,
  });
  if (listing.truncated) {
    throw new ConfigError(
      `more than ${MAX_SELECTION} recordings match: narrow --since, --status or --reason`,
    );
  }
  const needle = reason?.toLowerCase();
  return {
    recordings: listing.recordings.filter(
      (recording) => needle === undefined || recording.reason.toLowerCase().includes(needle),
    ),
    bulk: true,
  };
}

async function retryAll(
  target: OperatorTarget,
  parsed: TargetArgs,
  recordings: readonly Recording[],
  bulk: boolean,
): Promise<number> {
  const dryRun = parsed.flags['dry-run'] === true;
  const retryable = recordings.filter((recording) => canRetry(recording.status));
  const needsReview = retryable.filter((recording) => recording.status === 'NEEDS_REVIEW').length;
  if (!dryRun && retryable.length > 0 && (bulk || needsReview > 0)) {
    const risk =
      needsReview === 0
        ? ''
        : `\n${needsReview} of them ${needsReview === 1 ? 'is' : 'are'} NEEDS_REVIEW: Zoom may already have the interaction, so a retry may create a duplicate.`;
    const question = `Retry ${retryable.length} recording${retryable.length === 1 ? '' : 's'} in ${target.description} (${countByStatus(retryable)})?${risk}`;
    if (!(await confirm(question, parsed.flags['yes'] === true))) {
      console.error('qm-ingest retry: nothing retried');
      return 1;
    }
  }
  const deps = {
    recordings: new RecordingRepository(target.dynamodb, { tableName: target.tableName }),
    requeue: new SqsIngestRequeue(target.sqs, target.ingestQueueUrl, systemClock),
    clock: systemClock,
  };
  const outcomes: RetryOutcome[] = [];
  const progress = bulk ? startProgress('retried', recordings.length) : undefined;
  for (const recording of recordings) {
    outcomes.push(await retryRecording(deps, recording, { reason: `by ${target.operator}`, dryRun }));
    progress?.update(outcomes.length);
  }
  progress?.finish();
  console.log(parsed.json ? retryJson(outcomes, dryRun) : outcomes.map(describeOutcome).join('\n'));
  return outcomes.every((outcome) => ['retried', 'handed-over-again', 'would-retry'].includes(outcome.kind))
    ? 0
    : 1;
}

function countByStatus(recordings: readonly Recording[]): string {
  const counts = new Map<string, number>();
  for (const recording of recordings) {
    counts.set(recording.status, (counts.get(recording.status) ?? 0) + 1);
  }
  return [...counts].map(([status, count]) => `${count} ${status}`).join(', ');
}

export function describeOutcome(outcome: RetryOutcome): string {
  const { recording } = outcome;
  const name = `${recording.recordingId} (${recording.key})`;
  switch (outcome.kind) {
    case 'retried':
      return `retried ${name}: RESUBMITTED as submission ${recording.submission}, handed to ingest`;
    case 'handed-over-again':
      return `handed over again ${name}: already RESUBMITTED (submission ${recording.submission})`;
    case 'would-retry':
      return `would retry ${name}: ${recording.status} -> RESUBMITTED as submission ${recording.submission + 1}`;
    case 'not-retryable':
      return `not retried ${name}: ${outcome.why}`;
    case 'moved-on':
      return `not retried ${name}: it changed since it was read; look at it again with qm-ingest status`;
  }
}

function retryJson(outcomes: readonly RetryOutcome[], dryRun: boolean): string {
  return JSON.stringify(
    {
      dryRun,
      recordings: outcomes.map((outcome) => ({
        recordingId: outcome.recording.recordingId,
        key: outcome.recording.key,
        outcome: outcome.kind,
        status: outcome.recording.status,
        submission: outcome.recording.submission,
        ...(outcome.kind === 'not-retryable' ? { why: outcome.why } : {}),
      })),
    },
    null,
    2,
  );
}
