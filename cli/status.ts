/**
 * `qm-ingest status <key | interaction-id | recording-id> [--json]`: one recording's status,
 * reason, Zoom interaction, scores and history, from the local runtime's table or, with
 * `--env <name>`, a deployed environment's.
 */
import { formatRecordingDetails, recordingDetailsJson } from './recording-format.ts';
import { findRecordings } from './recording-lookup.ts';
import { resultsStoreFor, withResults } from './recordings-with-results.ts';
import { runCommand } from './run-command.ts';
import { openTableTarget } from './table-target.ts';
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
      const found = await Promise.all(recordings.map((recording) => withResults(store, recording)));
      console.log(parsed.json ? recordingDetailsJson(found) : found.map(formatRecordingDetails).join('\n\n'));
      return 0;
    } finally {
      await target.close();
    }
  });
}
