import { describe, expect, it } from 'vitest';
import {
  buildResultsReport,
  type ReportFilters,
  type ScoreRow,
} from '../../../shared/report/results-report.ts';
import { failureReasonOf, recordingFacts, scorePercent } from '../../../shared/results/result-facts.ts';
import { DROPPED_AT, FIXED_RECORDINGS } from './support/finished-recordings.ts';

const WINDOW = { from: DROPPED_AT - 86_400_000, to: DROPPED_AT + 86_400_000 };

/** An expected score row: [n, mean, p10, p50, p90]. */
function scores(
  dimension: ScoreRow['dimension'],
  group: string,
  evaluationType: ScoreRow['evaluationType'],
  [n, mean, p10, p50, p90]: readonly [number, number, number, number, number],
): ScoreRow {
  return { dimension, group, evaluationType, n, mean, p10, p50, p90 };
}

function reportOf(filters: ReportFilters = {}) {
  const facts = FIXED_RECORDINGS.map(({ recording, results }) => recordingFacts(recording, results));
  return buildResultsReport(facts, WINDOW, filters);
}

describe('the results report over a fixed set of recordings', () => {
  it('counts recordings by outcome, the largest first', () => {
    // Act
    const report = reportOf();

    // Assess
    expect(report.recordings).toBe(6);
    expect(report.outcomes).toEqual([
      { status: 'EVALUATED', count: 3 },
      { status: 'EVALUATION_FAILED', count: 1 },
      { status: 'REJECTED', count: 1 },
      { status: 'SUBMITTED', count: 1 },
    ]);
  });

  it('counts failure reasons without their particulars or personal data', () => {
    // Act
    const report = reportOf();

    // Assess
    expect(report.failureReasons).toEqual([
      { status: 'EVALUATION_FAILED', reason: '# of # automated evaluations failed in Zoom', count: 1 },
      { status: 'REJECTED', reason: 'Missing metadata', count: 1 },
    ]);
  });

  it('gives each agent, queue and scorecard its score distribution, automated and manual apart', () => {
    // Act
    const report = reportOf();

    // Assess: a rate of 0.8 and one of 60 (already a percentage) are 80% and 60%; 9/10 points is 90%
    expect(report.scores).toEqual([
      scores('agent', 'Jane Doe', 'automated', [2, 70, 60, 60, 80]),
      scores('agent', 'Jane Doe', 'manual', [1, 90, 90, 90, 90]),
      scores('agent', 'Omar Haddad', 'automated', [1, 100, 100, 100, 100]),
      scores('queue', 'Sales', 'automated', [2, 90, 80, 80, 100]),
      scores('queue', 'Sales', 'manual', [1, 90, 90, 90, 90]),
      scores('queue', 'Support', 'automated', [1, 60, 60, 60, 60]),
      scores('scorecard', 'Compliance', 'automated', [1, 100, 100, 100, 100]),
      scores('scorecard', 'Customer Care', 'automated', [2, 70, 60, 60, 80]),
      scores('scorecard', 'Customer Care', 'manual', [1, 90, 90, 90, 90]),
    ]);
  });

  it('times each stage from the drop (p50, p95, nearest rank)', () => {
    // Act
    const report = reportOf();

    // Assess
    expect(report.timings).toEqual([
      { stage: 'submitted', n: 5, p50Seconds: 20, p95Seconds: 40 },
      { stage: 'first-result', n: 5, p50Seconds: 100, p95Seconds: 300 },
      { stage: 'terminal', n: 5, p50Seconds: 100, p95Seconds: 300 },
    ]);
  });

  it('counts the Zoom calls each recording that reached Zoom proves: a POST and its counted polls', () => {
    // Act
    const report = reportOf();

    // Assess: 1+2, 1+3, 1+1, 1+1 and 1+0 for the recording still polled; none for the rejected one
    expect(report.zoomCalls).toEqual({ n: 5, mean: 2.4, p10: 1, p50: 2, p90: 4, p95: 4 });
  });

  it('counts recordings per day of their current status, for the outcomes chart', () => {
    // Act
    const report = reportOf();

    // Assess
    expect(report.outcomesByDay).toEqual([
      { day: '2026-11-23', status: 'EVALUATED', count: 3 },
      { day: '2026-11-23', status: 'EVALUATION_FAILED', count: 1 },
      { day: '2026-11-23', status: 'REJECTED', count: 1 },
      { day: '2026-11-23', status: 'SUBMITTED', count: 1 },
    ]);
  });

  it('filters by agent and queue, case-insensitively', () => {
    // Act
    const byAgent = reportOf({ agent: 'jane doe' });
    const byQueue = reportOf({ queue: 'SUPPORT' });

    // Assess
    expect(byAgent.recordings).toBe(2);
    expect(byAgent.scores.filter((row) => row.dimension === 'agent').map((row) => row.group)).toEqual([
      'Jane Doe',
      'Jane Doe',
    ]);
    expect(byQueue.recordings).toBe(1);
    expect(byQueue.outcomes).toEqual([{ status: 'EVALUATED', count: 1 }]);
  });

  it('filters by scorecard: only recordings scored on it, and only its scores', () => {
    // Act
    const report = reportOf({ scorecard: 'compliance' });

    // Assess
    expect(report.recordings).toBe(1);
    expect(report.scores.map((row) => [row.dimension, row.group, row.mean])).toEqual([
      ['agent', 'Omar Haddad', 100],
      ['queue', 'Sales', 100],
      ['scorecard', 'Compliance', 100],
    ]);
  });

  it('filters by profile', () => {
    // Act
    const report = reportOf({ profile: 'another' });

    // Assess
    expect(report.recordings).toBe(0);
    expect(report.timings).toEqual([]);
    expect(report.zoomCalls).toBeUndefined();
  });
});

describe('scores and reasons', () => {
  it.each([
    [{ scoreRate: 0.755 }, 75.5],
    [{ scoreRate: 88.6 }, 88.6],
    [{ score: 10, totalScore: 30 }, 33.33],
    [{ score: 3 }, undefined],
    [{ score: 1, totalScore: 0 }, undefined],
  ])('%j is %s%%', (evaluation, expected) => {
    // Act
    const percent = scorePercent(evaluation);

    // Assess
    expect(percent).toBe(expected);
  });

  it.each([
    ['Stuck in RECEIVED: 3 h 10 min since it was dropped.', 'Stuck in RECEIVED'],
    [
      'Not final 6 h after submission (deadline 2026-11-24T10:00:00Z); ended',
      'Not final # h after submission',
    ],
    ['Zoom refused "jane.doe@example.com"; check it', 'Zoom refused …'],
    ['Agent jane.doe@example.com is unknown', 'Agent … is unknown'],
    ['', '(unknown)'],
  ])('"%s" counts as "%s"', (reason, expected) => {
    // Act
    const general = failureReasonOf(reason);

    // Assess
    expect(general).toBe(expected);
  });
});
