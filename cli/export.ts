/**
 * `qm-ingest export --rebuild --since 30d`: writes the BI export of every recording that reached
 * a terminal status within the window, from the local runtime's table or, with `--env <name>`, a
 * deployed environment's. For results stored before the export existed, or whose export failed
 * (the poller logs and counts it). Idempotent: each result goes to the key the poller writes it
 * to, with the same bytes.
 */
import { loadDeployment } from '../cdk/environments.ts';
import { pollSettingsSchema } from '../shared/config/polling.ts';
import { ConfigError } from '../shared/errors.ts';
import { TERMINAL_STATUSES } from '../shared/recordings/state-machine.ts';
import { ResultsExporter } from '../shared/results/bi-export.ts';
import { recordingsWithResults } from './recordings-with-results.ts';
import { runCommand } from './run-command.ts';
import { openTableTarget } from './table-target.ts';
import { TARGET_OPTIONS_USAGE, type TargetArgs } from './target-args.ts';
import { parseSince } from './time-window.ts';

const USAGE = `Usage: qm-ingest export --rebuild --since <window> [options]

Writes the BI export (the results bucket's export prefix, one object per result, by date) of
every recording that reached a final status within the window. Writing a result again rewrites
the same object with the same bytes, so it is safe to run any number of times.

Options:
  --rebuild               rebuild the export for the window (required)
  --since <window>        start: 90s, 30m, 24h, 7d, or a date/time (required)
${TARGET_OPTIONS_USAGE}
  -h, --help              show this help

With --env, the export's prefix and personal-data setting are read from cdk/environments/<name>.json,
and objects take the bucket's default encryption (the environment's KMS key).`;

export function run(args: readonly string[]): Promise<number> {
  return runCommand(
    'export',
    USAGE,
    args,
    { positionals: 0, extraOptions: { since: { type: 'string' }, rebuild: { type: 'boolean' } } },
    async (parsed: TargetArgs) => {
      const since = parsed.extra['since'];
      if (parsed.flags['rebuild'] !== true || since === undefined) {
        throw new ConfigError(
          'give --rebuild and --since <window>: the export is written as results arrive, rebuilt on demand',
        );
      }
      const now = Date.now();
      const from = parseSince(since, now);
      const settings =
        parsed.target.env === undefined
          ? pollSettingsSchema.parse({}).results.export
          : loadDeployment(parsed.target.env).settings.polling.results.export;
      if (!settings.enabled) {
        throw new ConfigError(
          `The export is off in environment ${parsed.target.env}: set polling.results.export.enabled to true first`,
        );
      }
      const target = await openTableTarget(parsed.target);
      try {
        const exporter = new ResultsExporter(target.s3, {
          bucket: target.resultsBucket,
          keyPrefix: settings.keyPrefix,
          includePersonalData: settings.includePersonalData,
          kms: undefined,
        });
        const found = await recordingsWithResults(target, TERMINAL_STATUSES, { from, to: now + 60_000 });
        let written = 0;
        let failed = 0;
        for (const entry of found) {
          if (entry.resultsError !== undefined) {
            failed += 1;
            console.error(
              `qm-ingest export: ${entry.recording.recordingId} skipped, its results are not readable: ${entry.resultsError}`,
            );
            continue;
          }
          try {
            await exporter.write(entry.recording, entry.results);
            written += 1;
          } catch (error) {
            failed += 1;
            console.error(
              `qm-ingest export: ${entry.recording.recordingId} not written: ${error instanceof Error ? error.message : String(error)}`,
            );
          }
        }
        console.log(
          `Exported ${written} results to s3://${target.resultsBucket}/${settings.keyPrefix} from ${target.description}${failed === 0 ? '' : `; ${failed} failed (above): fix and run again`}`,
        );
        return failed === 0 ? 0 : 1;
      } finally {
        await target.close();
      }
    },
  );
}
