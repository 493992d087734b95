/**
 * `qm-ingest report [--since 7d] [--until ...] [--agent A] [--queue Q] [--scorecard S]
 * [--profile P] [--format table|csv|jsonl|html] [--output file]`: how agents, queues and
 * scorecards are doing across the recordings sent, from the local runtime's table or, with
 * `--env <name>`, a deployed environment's. Read through the by-status index, never a scan.
 */
import { writeFileSync } from 'node:fs';
import { ConfigError } from '../shared/errors.ts';
import { RECORDING_STATUSES } from '../shared/recordings/state-machine.ts';
import {
  buildResultsReport,
  type ReportFilters,
  type ResultsReport,
} from '../shared/report/results-report.ts';
import { recordingFacts } from '../shared/results/result-facts.ts';
import { recordingsWithResults } from './recordings-with-results.ts';
import { reportHtml } from './report-html.ts';
import { type ReportHeader, reportCsv, reportJsonLines, reportText } from './report-output.ts';
import { runCommand } from './run-command.ts';
import { openTableTarget } from './table-target.ts';
import { TARGET_OPTIONS_USAGE, type TargetArgs } from './target-args.ts';
import { parseSince } from './time-window.ts';

const FORMATS = ['table', 'csv', 'jsonl', 'html'] as const;
type ReportFormat = (typeof FORMATS)[number];

const USAGE = `Usage: qm-ingest report [options]

Reports on the recordings whose status changed within a window: counts by outcome and failure
reason, score distributions (n, mean, p10, p50, p90) by agent, queue and scorecard with automated
and manual evaluations apart, time from the drop to submission, first result and final status
(p50, p95), and Zoom calls per recording.

Options:
  --since <window>        start: 90s, 30m, 24h, 7d, or a date/time (default 7d)
  --until <instant>       end, the same way (default now)
  --agent <name>          only this agent (Zoom's agent name, or the email or user id sent)
  --queue <name>          only this queue (Zoom's queue name, or the queue id sent)
  --scorecard <name>      only recordings scored on this scorecard, and only those scores
  --profile <name>        only this Zoom profile
  --format <f>            table (default), csv, jsonl, or html (one file with charts, works offline)
  --json                  the same as --format jsonl
  --output <file>         write to this file instead of standard output
${TARGET_OPTIONS_USAGE}
  -h, --help              show this help`;

export function run(args: readonly string[]): Promise<number> {
  return runCommand(
    'report',
    USAGE,
    args,
    {
      positionals: 0,
      extraOptions: {
        since: { type: 'string' },
        until: { type: 'string' },
        agent: { type: 'string' },
        queue: { type: 'string' },
        scorecard: { type: 'string' },
        profile: { type: 'string' },
        format: { type: 'string' },
        output: { type: 'string' },
      },
    },
    async (parsed: TargetArgs) => {
      const now = Date.now();
      const { extra } = parsed;
      const format = parseFormat(extra['format'], parsed.json);
      const from = parseSince(extra['since'] ?? '7d', now);
      // A minute ahead by default: a status written by a machine whose clock runs slightly fast is still counted.
      const to = extra['until'] === undefined ? now + 60_000 : parseSince(extra['until'], now, '--until');
      if (to <= from) {
        throw new ConfigError('--until must come after --since');
      }
      const filters: ReportFilters = {
        agent: extra['agent'],
        queue: extra['queue'],
        scorecard: extra['scorecard'],
        profile: extra['profile'],
      };
      const target = await openTableTarget(parsed.target);
      try {
        const found = await recordingsWithResults(target, RECORDING_STATUSES, { from, to });
        const unreadable = found.filter((entry) => entry.resultsError !== undefined);
        for (const entry of unreadable) {
          console.error(
            `qm-ingest report: results of ${entry.recording.recordingId} not readable (${entry.resultsError}); counted without scores`,
          );
        }
        const report = buildResultsReport(
          found.map((entry) => recordingFacts(entry.recording, entry.results)),
          { from, to },
          filters,
        );
        const output = render(report, format, { source: target.description });
        if (extra['output'] === undefined) {
          process.stdout.write(output.endsWith('\n') ? output : `${output}\n`);
        } else {
          writeFileSync(extra['output'], output);
          console.error(
            `qm-ingest report: ${format} report of ${report.recordings} recordings written to ${extra['output']}`,
          );
        }
        return 0;
      } finally {
        await target.close();
      }
    },
  );
}

function render(report: ResultsReport, format: ReportFormat, header: ReportHeader): string {
  switch (format) {
    case 'table':
      return reportText(report, header);
    case 'csv':
      return reportCsv(report);
    case 'jsonl':
      return reportJsonLines(report, header);
    case 'html':
      return reportHtml(report, header);
  }
}

/** `--format`; `--json` (the option `status` and `list` share) means JSON Lines. */
function parseFormat(value: string | undefined, json: boolean): ReportFormat {
  if (value === undefined) {
    return json ? 'jsonl' : 'table';
  }
  const format = FORMATS.find((candidate) => candidate === value.toLowerCase());
  if (format === undefined || (json && format !== 'jsonl')) {
    throw new ConfigError(`--format takes one of ${FORMATS.join(', ')}${json ? ' (jsonl with --json)' : ''}`);
  }
  return format;
}
