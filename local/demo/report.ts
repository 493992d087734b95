import { formatScores } from '../runtime/outcome-details.ts';
import type { DemoReport, DemoResult } from './run-demo.ts';

/**
 * The demo's results table, as `qm-ingest local --demo N` prints it: one row per drop (what it
 * shows, its agent, the status it reached, its scores, the time from drop to result, whether it
 * is what it declared), then a verdict, and for each miss what went wrong. Pure text.
 */

export function formatDemoReport(report: DemoReport): string {
  const header = ['#', 'recording', 'agent', 'status', 'scores', 'drop→result', 'ok'];
  const rows = report.results.map((result, index) => [
    String(index + 1),
    result.recording.description,
    result.recording.agent ?? '-',
    statusOf(result),
    formatScores(result.scores),
    durationOf(result),
    result.problem === undefined ? 'yes' : 'NO',
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  const misses = report.results
    .map((result, index) => ({ result, index }))
    .filter(({ result }) => result.problem !== undefined);
  const total = report.results.length;
  const seconds = (report.elapsedMs / 1_000).toFixed(1);
  const verdict =
    misses.length === 0
      ? `All ${total} recordings reached their expected outcome, notified and alerted as they should, in ${seconds} s.`
      : `${misses.length} of ${total} recordings did not reach their expected outcome (${seconds} s):`;
  return [
    line(header),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map(line),
    '',
    verdict,
    ...misses.map(
      ({ result, index }) =>
        `  #${index + 1} ${result.recording.description} (${result.recording.key}): ${result.problem}${
          result.reason === undefined ? '' : ` [reason: ${result.reason}]`
        }`,
    ),
  ].join('\n');
}

function statusOf(result: DemoResult): string {
  if (result.status === undefined) {
    return 'no outcome';
  }
  return result.code === undefined ? result.status : `${result.status} (${result.code})`;
}

function durationOf(result: DemoResult): string {
  if (result.finishedAt === undefined || result.droppedAt === 0) {
    return '-';
  }
  return `${(Math.max(0, result.finishedAt - result.droppedAt) / 1_000).toFixed(1)} s`;
}
