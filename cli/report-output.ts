import type { ResultsReport } from '../shared/report/results-report.ts';
import { utc } from './recording-format.ts';
import { fixed, formatTable, type Table } from './text-table.ts';

/**
 * `qm-ingest report` as text: a terminal table (the default), CSV or JSON Lines. CSV and JSON
 * Lines hold the same flat rows, one per figure group, each naming its `section`, so a
 * spreadsheet filters on it. Pure.
 */

export interface ReportHeader {
  /** What was read (the local runtime, an environment). */
  readonly source: string;
}

/** One flat row of the report (CSV line, JSON Lines object). */
export type ReportRow = Readonly<Record<string, string | number>>;

const ROW_COLUMNS = [
  'section',
  'status',
  'reason',
  'dimension',
  'group',
  'evaluation_type',
  'stage',
  'day',
  'count',
  'n',
  'mean',
  'p10',
  'p50',
  'p90',
  'p95',
] as const;

export function reportRows(report: ResultsReport): ReportRow[] {
  return [
    ...report.outcomes.map((row) => ({ section: 'outcome', status: row.status, count: row.count })),
    ...report.failureReasons.map((row) => ({
      section: 'failure_reason',
      status: row.status,
      reason: row.reason,
      count: row.count,
    })),
    ...report.scores.map((row) => ({
      section: 'score',
      dimension: row.dimension,
      group: row.group,
      evaluation_type: row.evaluationType,
      n: row.n,
      mean: round(row.mean),
      p10: row.p10,
      p50: row.p50,
      p90: row.p90,
    })),
    ...report.timings.map((row) => ({
      section: 'timing_seconds',
      stage: row.stage,
      n: row.n,
      p50: round(row.p50Seconds),
      p95: round(row.p95Seconds),
    })),
    ...(report.zoomCalls === undefined
      ? []
      : [
          {
            section: 'zoom_calls_per_recording',
            n: report.zoomCalls.n,
            mean: round(report.zoomCalls.mean),
            p50: report.zoomCalls.p50,
            p95: report.zoomCalls.p95,
          },
        ]),
    ...report.outcomesByDay.map((row) => ({
      section: 'outcome_by_day',
      day: row.day,
      status: row.status,
      count: row.count,
    })),
  ];
}

export function reportCsv(report: ResultsReport): string {
  const lines = [
    ROW_COLUMNS.join(','),
    ...reportRows(report).map((row) => ROW_COLUMNS.map((column) => csvField(row[column])).join(',')),
  ];
  return `${lines.join('\r\n')}\r\n`;
}

/** A first line describing the report (window, filters, source), then one line per row. */
export function reportJsonLines(report: ResultsReport, header: ReportHeader): string {
  const first = {
    section: 'report',
    source: header.source,
    from: new Date(report.window.from).toISOString(),
    to: new Date(report.window.to).toISOString(),
    filters: report.filters,
    recordings: report.recordings,
  };
  return `${[first, ...reportRows(report)].map((row) => JSON.stringify(row)).join('\n')}\n`;
}

/** The report's tables, as the terminal shows them and the HTML page lays them out. */
export function reportTables(report: ResultsReport): Table[] {
  return [
    {
      title: 'Outcomes',
      header: ['status', 'recordings'],
      rows: report.outcomes.map((row) => [row.status, String(row.count)]),
    },
    {
      title: 'Failure reasons',
      header: ['status', 'reason', 'recordings'],
      textColumns: 2,
      rows: report.failureReasons.map((row) => [row.status, row.reason, String(row.count)]),
    },
    {
      title: "Scores (% of the scorecard's total)",
      header: ['by', 'group', 'evaluations', 'n', 'mean', 'p10', 'p50', 'p90'],
      textColumns: 3,
      rows: report.scores.map((row) => [
        row.dimension,
        row.group,
        row.evaluationType,
        String(row.n),
        fixed(row.mean, 1),
        fixed(row.p10, 1),
        fixed(row.p50, 1),
        fixed(row.p90, 1),
      ]),
    },
    {
      title: 'Time from the drop (seconds)',
      header: ['to', 'recordings', 'p50', 'p95'],
      rows: report.timings.map((row) => [
        row.stage,
        String(row.n),
        fixed(row.p50Seconds, 1),
        fixed(row.p95Seconds, 1),
      ]),
    },
    {
      title: 'Zoom calls per recording (at least: one per submission and counted poll)',
      header: ['recordings', 'mean', 'p50', 'p95'],
      textColumns: 0,
      rows:
        report.zoomCalls === undefined
          ? []
          : [
              [
                String(report.zoomCalls.n),
                fixed(report.zoomCalls.mean, 1),
                String(report.zoomCalls.p50),
                String(report.zoomCalls.p95),
              ],
            ],
    },
  ];
}

export function reportText(report: ResultsReport, header: ReportHeader): string {
  return [
    `Results report: ${header.source}`,
    `Window ${utc(report.window.from)} to ${utc(report.window.to)}${filterText(report)}: ${report.recordings} recording${report.recordings === 1 ? '' : 's'}`,
    ...reportTables(report).map((table) =>
      formatTable(table.rows.length === 0 ? { ...table, notes: ['(none)'] } : table),
    ),
  ].join('\n\n');
}

/** The filters in words, for a title: ", agent Jane Doe, queue Sales" or "". */
export function filterText(report: ResultsReport): string {
  const given = Object.entries(report.filters).filter(([, value]) => value !== undefined);
  return given.map(([name, value]) => `, ${name} ${String(value)}`).join('');
}

function csvField(value: string | number | undefined): string {
  if (value === undefined) {
    return '';
  }
  // A text cell starting like a formula is read as text by spreadsheets, not evaluated.
  const text = typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
