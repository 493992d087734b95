/**
 * `qm-ingest resolve <recording> --interaction <id> | --resubmit`: settles a NEEDS_REVIEW recording,
 * by linking the interaction the operator found in Zoom QM (shared/operator/resolve.ts), or by a
 * retry that accepts the risk of a duplicate (shared/operator/retry.ts).
 */
import { systemClock } from '../shared/clock.ts';
import { ConfigError } from '../shared/errors.ts';
import { SqsIngestRequeue } from '../shared/ingest/sqs-requeue.ts';
import { type LinkOutcome, linkInteraction } from '../shared/operator/resolve.ts';
import { retryRecording } from '../shared/operator/retry.ts';
import { SqsPollScheduler } from '../shared/polling/sqs-poll-scheduler.ts';
import type { Recording } from '../shared/recordings/recording.ts';
import { RecordingRepository } from '../shared/recordings/repository.ts';
import { ACTION_OPTIONS, ACTION_OPTIONS_USAGE, confirm } from './operator-io.ts';
import { type OperatorTarget, openOperatorTarget } from './operator-target.ts';
import { findRecordings } from './recording-lookup.ts';
import { describeOutcome } from './retry.ts';
import { runCommand } from './run-command.ts';
import type { TargetArgs } from './target-args.ts';

const USAGE = `Usage: qm-ingest resolve <key | s3://bucket/key | interaction-id | recording-id> --interaction <id> [options]
       qm-ingest resolve <key | s3://bucket/key | interaction-id | recording-id> --resubmit [options]

Settles a NEEDS_REVIEW recording: qm-ingest could not tell whether Zoom created its interaction.
Look the recording up in Zoom QM first.

Options:
  --interaction <id>      link the interaction found in Zoom QM: it is checked in the recording's
                          Zoom account, then polling carries on from it
  --resubmit              submit the recording again (a retry), accepting that Zoom may then hold
                          two interactions for it; asks first unless --yes
${ACTION_OPTIONS_USAGE}`;

export function run(args: readonly string[]): Promise<number> {
  return runCommand(
    'resolve',
    USAGE,
    args,
    {
      positionals: 1,
      extraOptions: {
        interaction: { type: 'string' },
        resubmit: { type: 'boolean' },
        ...ACTION_OPTIONS,
      },
    },
    async (parsed: TargetArgs) => {
      const interactionId = parsed.extra['interaction'];
      const resubmitting = parsed.flags['resubmit'] === true;
      if ((interactionId === undefined) === !resubmitting) {
        throw new ConfigError('give either --interaction <id> or --resubmit');
      }
      const [reference = ''] = parsed.positionals;
      const target = await openOperatorTarget(parsed.target);
      try {
        const recording = (await findRecordings(target, reference)).find(
          (candidate) => candidate.status === 'NEEDS_REVIEW',
        );
        if (recording === undefined) {
          console.error(
            `qm-ingest resolve: no NEEDS_REVIEW recording matches "${reference}" in ${target.description}`,
          );
          return 1;
        }
        return interactionId === undefined
          ? await resubmit(target, parsed, recording)
          : await link(target, parsed, recording, interactionId);
      } finally {
        await target.close();
      }
    },
  );
}

async function link(
  target: OperatorTarget,
  parsed: TargetArgs,
  recording: Recording,
  interactionId: string,
): Promise<number> {
  const outcome = await linkInteraction(
    {
      recordings: new RecordingRepository(target.dynamodb, { tableName: target.tableName }),
      zoom: (profile) => target.zoom.forProfile(profile).client,
      pollScheduler: new SqsPollScheduler(target.sqs, target.pollQueueUrl, systemClock),
      polling: target.settings.polling,
      clock: systemClock,
    },
    recording,
    interactionId,
    parsed.flags['dry-run'] === true,
  );
  const text = describeLink(outcome, interactionId);
  console.log(
    parsed.json
      ? JSON.stringify(
          {
            recordingId: recording.recordingId,
            interactionId,
            outcome: outcome.kind,
            status: outcome.recording.status,
            submission: outcome.recording.submission,
            message: text,
          },
          null,
          2,
        )
      : text,
  );
  return outcome.kind === 'linked' || outcome.kind === 'would-link' ? 0 : 1;
}

function describeLink(outcome: LinkOutcome, interactionId: string): string {
  const name = `${outcome.recording.recordingId} (${outcome.recording.key})`;
  switch (outcome.kind) {
    case 'linked':
      return `linked ${name} to Zoom interaction ${interactionId}: SUBMITTED as submission ${outcome.recording.submission}, polling carries on`;
    case 'would-link':
      return `would link ${name} to Zoom interaction ${interactionId}: it exists in account ${outcome.recording.zoomAccountId}`;
    case 'not-needs-review':
      return `not linked ${name}: it is ${outcome.recording.status}, not NEEDS_REVIEW`;
    case 'interaction-not-found':
      return `not linked ${name}: Zoom has no interaction ${interactionId} in account ${outcome.recording.zoomAccountId}, or has not analysed it yet (Zoom shows a new interaction only then); check the id in Zoom QM, or try again later`;
    case 'interaction-taken':
      return `not linked ${name}: interaction ${interactionId} belongs to recording ${outcome.owner}`;
    case 'moved-on':
      return `not linked ${name}: it changed since it was read; look at it again with qm-ingest status`;
  }
}

async function resubmit(target: OperatorTarget, parsed: TargetArgs, recording: Recording): Promise<number> {
  const dryRun = parsed.flags['dry-run'] === true;
  const question = `Resubmit ${recording.recordingId} (${recording.key})? Zoom may already hold an interaction for it (submission ${recording.submission}): resubmitting accepts the risk of a duplicate interaction.`;
  if (!dryRun && !(await confirm(question, parsed.flags['yes'] === true))) {
    console.error('qm-ingest resolve: nothing resubmitted');
    return 1;
  }
  const outcome = await retryRecording(
    {
      recordings: new RecordingRepository(target.dynamodb, { tableName: target.tableName }),
      requeue: new SqsIngestRequeue(target.sqs, target.ingestQueueUrl, systemClock),
      clock: systemClock,
    },
    recording,
    { reason: `resubmitted by ${target.operator}, accepting a possible duplicate`, dryRun },
  );
  const text = describeOutcome(outcome);
  console.log(
    parsed.json
      ? JSON.stringify({ recordingId: recording.recordingId, outcome: outcome.kind, message: text }, null, 2)
      : text,
  );
  return outcome.kind === 'retried' || outcome.kind === 'would-retry' ? 0 : 1;
}
