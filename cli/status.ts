/**
 * `qm-ingest status <key | interaction-id | recording-id> [--json]`: one recording's status,
 * reason, Zoom interaction, scores and history, from the local runtime's table or, with
 * `--env <name>`, a deployed environment's.
 */
import { notificationRemedy, type Remedy, remedyFor } from '../shared/operator/remedies.ts';
import { notificationIdOf } from '../shared/recordings/notification.ts';
import { OutboxRepository } from '../shared/recordings/outbox.ts';
import type { Recording } from '../shared/recordings/recording.ts';
import { isTerminal } from '../shared/recordings/state-machine.ts';
import { describeUnreadable } from '../shared/recordings/unreadable.ts';
import { formatRecordingDetails, recordingDetailsJson } from './recording-format.ts';
import { findRecordings } from './recording-lookup.ts';
import { resultsStoreFor, withResults } from './recordings-with-results.ts';
import { runCommand } from './run-command.ts';
import { openTableTarget, type TableTarget } from './table-target.ts';
import { TARGET_OPTIONS_USAGE, type TargetArgs } from './target-args.ts';

const USAGE = `Usage: qm-ingest status <key | s3://bucket/key | interaction-id | recording-id> [options]

Shows a recording's status, why it is there, its Zoom interaction, scores and history. A key that
was overwritten with other bytes names several recordings: each is shown, newest first.

Options:
  --json                  print JSON (the full record, metadata included, and its results)
${TARGET_OPTIONS_USAGE}
  -h, --help              show this help`;

export function run(args: readonly string[]): Promise<number> {
  return runCommand('status', USAGE, args, { positionals: 1 }, async (parsed: TargetArgs) => {
    const [reference = ''] = parsed.positionals;
    const target = await openTableTarget(parsed.target);
    try {
      const recordings = await findRecordings(target, reference);
      if (recordings.length === 0) {
        console.error(`qm-ingest status: no recording matches "${reference}" in ${target.description}`);
        return 1;
      }
      const store = resultsStoreFor(target);
      const found = await Promise.all(
        recordings.map(async (recording) => ({
          ...(await withResults(store, recording)),
          remedy: await remedyOf(target, recording),
        })),
      );
      console.log(parsed.json ? recordingDetailsJson(found) : found.map(formatRecordingDetails).join('\n\n'));
      return 0;
    } finally {
      await target.close();
    }
  });
}

/**
 * What fixes the recording's status: from the notification of its ending when the outbox still
 * holds it (its code tells a retry-able rejection from bytes that need a new upload), else from
 * the status alone (also when the notification cannot be read: status only shows).
 */
async function remedyOf(target: TableTarget, recording: Recording): Promise<Remedy | undefined> {
  if (!isTerminal(recording.status)) {
    return undefined;
  }
  const outbox = new OutboxRepository(target.dynamodb, {
    tableName: target.tableName,
    onUnreadable: (item) => console.error(describeUnreadable(item)),
  });
  const notification = await outbox
    .get(recording.recordingId, notificationIdOf(recording.recordingId, recording.submission))
    .catch(() => undefined);
  return notification === undefined
    ? remedyFor(recording, target.environmentName)
    : notificationRemedy(notification, target.environmentName);
}
