import { describe, expect, it } from 'vitest';
import { reportHtml } from '../../../cli/report-html.ts';
import { reportCsv, reportJsonLines, reportText } from '../../../cli/report-output.ts';
import { buildResultsReport, type ReportFilters } from '../../../shared/report/results-report.ts';
import { recordingFacts } from '../../../shared/results/result-facts.ts';
import { DROPPED_AT, FIXED_RECORDINGS, finished } from './support/finished-recordings.ts';

const WINDOW = { from: DROPPED_AT - 86_400_000, to: DROPPED_AT + 86_400_000 };
const HEADER = { source: 'the local runtime in .local' };

function reportOf(recordings = FIXED_RECORDINGS, filters: ReportFilters = {}) {
  return buildResultsReport(
    recordings.map(({ recording, results }) => recordingFacts(recording, results)),
    WINDOW,
    filters,
  );
}

/** One EVALUATED recording of this agent and queue, scored 50%. */
function scoredOnce(agent: string, queue: string) {
  return finished({
    id: 'one',
    status: 'EVALUATED',
    submittedAfter: 1,
    terminalAfter: 2,
    zoom: { agent, queue },
    evaluations: [{ scoreRate: 0.5 }],
  });
}

describe('the report as text', () => {
  it('has a titled table per part, figures aligned right, and says when a part is empty', () => {
    // Act
    const text = reportText(reportOf(FIXED_RECORDINGS, { queue: 'Support' }), HEADER);

    // Assess
    expect(text).toContain('Results report: the local runtime in .local');
    expect(text).toContain('Window 2026-11-22 09:00:00Z to 2026-11-24 09:00:00Z, queue Support: 1 recording');
    expect(text).toContain('agent      Jane Doe       automated    1  60.0  60.0  60.0  60.0');
    expect(text).toMatch(/Failure reasons\n=+\nstatus\s+reason\s+recordings\n[- ]+\n {2}\(none\)/);
  });
});

describe('the report as CSV and JSON Lines', () => {
  it('gives the same flat rows, each naming its section', () => {
    // Prepare
    const report = reportOf();

    // Act
    const csv = reportCsv(report).split('\r\n');
    const jsonl = reportJsonLines(report, HEADER)
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));

    // Assess
    expect(csv[0]).toBe(
      'section,status,reason,dimension,group,evaluation_type,stage,day,count,n,mean,p10,p50,p90,p95',
    );
    expect(csv).toContain('score,,,agent,Jane Doe,automated,,,,2,70,60,60,80,');
    expect(csv).toContain('timing_seconds,,,,,,submitted,,,5,,,20,,40');
    expect(jsonl[0]).toEqual({
      section: 'report',
      source: HEADER.source,
      from: '2026-11-22T09:00:00.000Z',
      to: '2026-11-24T09:00:00.000Z',
      filters: {},
      recordings: 6,
    });
    expect(jsonl).toContainEqual({ section: 'zoom_calls_per_recording', n: 5, mean: 2.4, p50: 2, p95: 4 });
    expect(jsonl.length).toBe(csv.filter((line) => line !== '').length);
  });

  it('quotes commas and quotes, and keeps a cell that looks like a formula from being one', () => {
    // Prepare
    const odd = scoredOnce('=HYPERLINK("x"), Inc', 'Sales');

    // Act
    const csv = reportCsv(reportOf([odd]));

    // Assess
    expect(csv).toContain('score,,,agent,"\'=HYPERLINK(""x""), Inc",automated,');
  });
});

describe('the report as HTML', () => {
  it('is one offline page: no script, a policy that forbids fetching, a chart group per agent', () => {
    // Act
    const html = reportHtml(reportOf(), HEADER);

    // Assess
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    );
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(/i);
    // The SVG namespace is a name, never fetched: the only URL in the page.
    expect(new Set(html.match(/https?:\/\/[^"]+/g))).toEqual(new Set(['http://www.w3.org/2000/svg']));
    for (const agent of ['Jane Doe', 'Omar Haddad']) {
      expect(html).toContain(`<g class="distribution" data-group="${agent}" data-type="automated"`);
    }
    expect(html).toContain('data-status="EVALUATED" data-count="3"');
  });

  it('escapes every text from the data', () => {
    // Prepare
    const hostile = scoredOnce('<script>alert("hi")</script>', 'Q&A');

    // Act
    const html = reportHtml(reportOf([hostile]), HEADER);

    // Assess
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt;');
    expect(html).toContain('Q&amp;A');
  });
});
