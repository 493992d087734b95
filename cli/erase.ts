/**
 * `qm-ingest erase <recording> [--with-object]`: deletes a recording everywhere qm-ingest keeps it
 * (shared/operator/erase.ts) and says what Zoom still holds.
 */
import { systemClock } from '../shared/clock.ts';
import { sidecarKeyOf } from '../shared/ingest/object-filter.ts';
import { type EraseReport, eraseRecording } from '../shared/operator/erase.ts';
import { ACTION_OPTIONS, ACTION_OPTIONS_USAGE, confirm } from './operator-io.ts';
import { openOperatorTarget } from './operator-target.ts';
import { findRecordings } from './recording-lookup.ts';
import { runCommand } from './run-command.ts';
import type { TargetArgs } from './target-args.ts';

const USAGE = `Usage: qm-ingest erase <key | s3://bucket/key | interaction-id | recording-id> [options]

Deletes a recording everywhere qm-ingest keeps it: its state items (status, history, outbox
notifications, results) and its documents in the results bucket. Zoom's QM API has no delete: the
Zoom interaction is printed, to name in a deletion request to Zoom. An audit entry in the state
table records who erased which recording id and when (no key, no personal data). A key that names
several recordings (overwritten with other bytes) erases each, after confirmation.

Options:
  --with-object           also delete the recording and its sidecar from the recordings bucket
                          (every version)
${ACTION_OPTIONS_USAGE}`;

export function run(args: readonly string[]): Promise<number> {
  return runCommand(
    'erase',
    USAGE,
    args,
    {
      positionals: 1,
      extraOptions: {
        'with-object': { type: 'boolean' },
        ...ACTION_OPTIONS,
      },
    },
    async (parsed: TargetArgs) => {
      const [reference = ''] = parsed.positionals;
      const dryRun = parsed.flags['dry-run'] === true;
      const withObject = parsed.flags['with-object'] === true;
      const target = await openOperatorTarget(parsed.target);
      try {
        const recordings = await findRecordings(target, reference);
        if (recordings.length === 0) {
          console.error(`qm-ingest erase: no recording matches "${reference}" in ${target.description}`);
          return 1;
        }
        if (
          !dryRun &&
          recordings.length > 1 &&
          !(await confirm(
            `"${reference}" names ${recordings.length} recordings in ${target.description}: erase every one?`,
            parsed.flags['yes'] === true,
          ))
        ) {
          console.error('qm-ingest erase: nothing erased');
          return 1;
        }
        const reports: EraseReport[] = [];
        for (const recording of recordings) {
          reports.push(
            await eraseRecording(
              {
                dynamodb: target.dynamodb,
                s3: target.s3,
                tableName: target.tableName,
                resultsBucket: target.resultsBucket,
                resultsKeyPrefix: target.settings.polling.results.keyPrefix,
                exportKeyPrefix: target.settings.polling.results.export.keyPrefix,
                clock: systemClock,
              },
              recording,
              {
                withObject,
                sidecarKey: sidecarKeyOf(recording.key, target.settings.ingest),
                operator: target.operator,
                dryRun,
              },
            ),
          );
        }
        console.log(
          parsed.json
            ? JSON.stringify({ dryRun, withObject, erased: reports }, null, 2)
            : reports.map((report) => describe(report, withObject)).join('\n\n'),
        );
        return 0;
      } finally {
        await target.close();
      }
    },
  );
}

function describe(report: EraseReport, withObject: boolean): string {
  const verb = report.dryRun ? 'Would erase' : 'Erased';
  const lines = [
    `${verb} recording ${report.recordingId}:`,
    `  ${report.items} state table items (the recording, its history, notifications and results)`,
    `  ${report.resultsObjects} objects in the results bucket`,
    withObject
      ? `  ${report.recordingObjects} object versions of the recording and its sidecar in the recordings bucket`
      : '  the recording and its sidecar stay in the recordings bucket (--with-object deletes them)',
  ];
  lines.push(
    report.zoom.interactionId === undefined
      ? '  Zoom: no interaction was created for it'
      : `  Zoom still holds interaction ${report.zoom.interactionId} in account ${report.zoom.accountId}: Zoom's QM API has no delete, so ask Zoom to delete it`,
  );
  if (!report.dryRun) {
    lines.push('  An audit entry records the erasure (recording id, who, when; no personal data).');
  }
  return lines.join('\n');
}
