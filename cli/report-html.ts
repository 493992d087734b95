import type { RecordingStatus } from '../shared/recordings/state-machine.ts';
import type { ResultsReport, ScoreDimension, ScoreRow } from '../shared/report/results-report.ts';
import { utc } from './recording-format.ts';
import { filterText, type ReportHeader, reportTables } from './report-output.ts';
import { fixed, type Table } from './text-table.ts';

/**
 * `qm-ingest report --format html`: one self-contained file a QA manager opens offline. The charts
 * are inline SVG drawn here (no script, no font, no stylesheet to fetch), and the page's content
 * security policy forbids any fetch at all. Every text from the data is escaped. Pure.
 */

const CHART_WIDTH = 760;
const LABEL_WIDTH = 230;
const ROW_HEIGHT = 22;
const AXIS_HEIGHT = 24;

/** One colour per status, readable on white; statuses absent here use grey. */
const STATUS_COLOURS: Partial<Record<RecordingStatus, string>> = {
  EVALUATED: '#2e7d32',
  EVALUATION_FAILED: '#c62828',
  NO_EVALUATION: '#f9a825',
  TIMED_OUT: '#6a1b9a',
  FAILED: '#b71c1c',
  REJECTED: '#ef6c00',
  NEEDS_REVIEW: '#ad1457',
  SUBMITTED: '#1565c0',
};
const TYPE_COLOURS: Readonly<Record<ScoreRow['evaluationType'], string>> = {
  automated: '#1565c0',
  manual: '#00897b',
};

export function reportHtml(report: ResultsReport, header: ReportHeader): string {
  const title = 'qm-ingest results report';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #212121; max-width: 60rem; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: .5rem 0; } td, th { padding: .2rem .6rem; border-bottom: 1px solid #e0e0e0; }
td.figure, th.figure { text-align: right; font-variant-numeric: tabular-nums; }
svg text { font-size: 12px; fill: #212121; } .muted { color: #616161; } .legend span { margin-right: 1rem; }
</style>
</head>
<body>
<h1>${title}</h1>
<p>${escapeHtml(header.source)}<br>${utc(report.window.from)} to ${utc(report.window.to)}${escapeHtml(filterText(report))}: <strong>${report.recordings}</strong> recordings.</p>
<h2>Scores by agent</h2>
${legend()}
${distributionChart(report, 'agent')}
<h2>Scores by queue</h2>
${distributionChart(report, 'queue')}
<h2>Outcomes over time</h2>
${outcomesChart(report)}
${reportTables(report)
  .map((table) => `<h2>${escapeHtml(table.title)}</h2>\n${htmlTable(table)}`)
  .join('\n')}
</body>
</html>
`;
}

function legend(): string {
  const types = Object.entries(TYPE_COLOURS)
    .map(
      ([type, colour]) =>
        `<span><svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" fill="${colour}"/></svg> ${type}</span>`,
    )
    .join('');
  return `<p class="legend muted">${types}<span>bar: p10 to p90, tick: p50, dot: mean (0 to 100%)</span></p>`;
}

/** One row per group and evaluation type: the p10-p90 bar, the median tick, the mean dot, over 0-100%. */
function distributionChart(report: ResultsReport, dimension: ScoreDimension): string {
  const rows = report.scores.filter((row) => row.dimension === dimension);
  if (rows.length === 0) {
    return '<p class="muted">(no scores)</p>';
  }
  const plotWidth = CHART_WIDTH - LABEL_WIDTH - 60;
  const x = (percent: number): number =>
    LABEL_WIDTH + (Math.min(100, Math.max(0, percent)) / 100) * plotWidth;
  const height = rows.length * ROW_HEIGHT + AXIS_HEIGHT;
  const bars = rows.map((row, index) => {
    const y = index * ROW_HEIGHT;
    const colour = TYPE_COLOURS[row.evaluationType];
    const label = `${row.group} (${row.evaluationType})`;
    const summary = `${label}: n ${row.n}, mean ${fixed(row.mean, 1)}, p10 ${fixed(row.p10, 1)}, p50 ${fixed(row.p50, 1)}, p90 ${fixed(row.p90, 1)}`;
    return `<g class="distribution" data-group="${escapeHtml(row.group)}" data-type="${row.evaluationType}" data-n="${row.n}" data-mean="${row.mean}">
<title>${escapeHtml(summary)}</title>
<text x="${LABEL_WIDTH - 8}" y="${y + 15}" text-anchor="end">${escapeHtml(truncate(label, 34))}</text>
<rect x="${x(row.p10)}" y="${y + 6}" width="${Math.max(2, x(row.p90) - x(row.p10))}" height="10" fill="${colour}" fill-opacity="0.35"/>
<line x1="${x(row.p50)}" x2="${x(row.p50)}" y1="${y + 3}" y2="${y + 19}" stroke="${colour}" stroke-width="2"/>
<circle cx="${x(row.mean)}" cy="${y + 11}" r="4" fill="${colour}"/>
<text x="${CHART_WIDTH - 50}" y="${y + 15}">n ${row.n}</text>
</g>`;
  });
  const ticks = [0, 25, 50, 75, 100].map(
    (percent) =>
      `<line x1="${x(percent)}" x2="${x(percent)}" y1="0" y2="${height - AXIS_HEIGHT}" stroke="#e0e0e0"/><text x="${x(percent)}" y="${height - 6}" text-anchor="middle">${percent}%</text>`,
  );
  return `<svg data-chart="scores-by-${dimension}" role="img" aria-label="Score distribution by ${dimension}" width="${CHART_WIDTH}" height="${height}" viewBox="0 0 ${CHART_WIDTH} ${height}" xmlns="http://www.w3.org/2000/svg">
${ticks.join('\n')}
${bars.join('\n')}
</svg>`;
}

/** Stacked bars: recordings per UTC day, by status. */
function outcomesChart(report: ResultsReport): string {
  const days = [...new Set(report.outcomesByDay.map((row) => row.day))];
  if (days.length === 0) {
    return '<p class="muted">(no recordings)</p>';
  }
  const statuses = [...new Set(report.outcomesByDay.map((row) => row.status))];
  const totals = days.map((day) =>
    report.outcomesByDay.filter((row) => row.day === day).reduce((sum, row) => sum + row.count, 0),
  );
  const highest = Math.max(...totals);
  const plotHeight = 180;
  const height = plotHeight + AXIS_HEIGHT + 8;
  const slot = Math.min(60, (CHART_WIDTH - 40) / days.length);
  const bars = days.map((day, index) => {
    let top = plotHeight;
    const segments = statuses.flatMap((status) => {
      const count = report.outcomesByDay.find((row) => row.day === day && row.status === status)?.count ?? 0;
      if (count === 0) {
        return [];
      }
      const segmentHeight = (count / highest) * (plotHeight - 16);
      top -= segmentHeight;
      return [
        `<rect x="${40 + index * slot + 4}" y="${top}" width="${slot - 8}" height="${segmentHeight}" fill="${STATUS_COLOURS[status] ?? '#9e9e9e'}" data-status="${status}" data-count="${count}"><title>${day} ${status}: ${count}</title></rect>`,
      ];
    });
    return `<g class="day" data-day="${day}">${segments.join('')}<text x="${40 + index * slot + slot / 2}" y="${plotHeight + 16}" text-anchor="middle">${day.slice(5)}</text><text x="${40 + index * slot + slot / 2}" y="${top - 4}" text-anchor="middle">${totals[index]}</text></g>`;
  });
  const legendItems = statuses
    .map(
      (status) =>
        `<span><svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" fill="${STATUS_COLOURS[status] ?? '#9e9e9e'}"/></svg> ${status}</span>`,
    )
    .join('');
  return `<p class="legend muted">${legendItems}</p>
<svg data-chart="outcomes-over-time" role="img" aria-label="Recordings per day by outcome" width="${CHART_WIDTH}" height="${height}" viewBox="0 0 ${CHART_WIDTH} ${height}" xmlns="http://www.w3.org/2000/svg">
<line x1="40" x2="${CHART_WIDTH}" y1="${plotHeight}" y2="${plotHeight}" stroke="#9e9e9e"/>
${bars.join('\n')}
</svg>`;
}

function htmlTable(table: Table): string {
  if (table.rows.length === 0) {
    return '<p class="muted">(none)</p>';
  }
  const textColumns = table.textColumns ?? 1;
  const cell = (tag: 'td' | 'th', text: string, column: number): string =>
    `<${tag}${column < textColumns ? '' : ' class="figure"'}>${escapeHtml(text)}</${tag}>`;
  return `<table>
<thead><tr>${table.header.map((heading, column) => cell('th', heading, column)).join('')}</tr></thead>
<tbody>
${table.rows.map((row) => `<tr>${row.map((text, column) => cell('td', text, column)).join('')}</tr>`).join('\n')}
</tbody>
</table>`;
}

function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
