import { describe, expect, it } from 'vitest';
import { demoPlan } from '../../../local/demo/plan.ts';
import { formatDemoReport } from '../../../local/demo/report.ts';
import type { DemoResult } from '../../../local/demo/run-demo.ts';

const [evaluated, lateSidecar] = demoPlan({
  count: 2,
  now: new Date('2026-11-25T12:00:00Z'),
  prefix: 'calls/',
  sidecarSuffix: '.json',
});
const droppedAt = Date.parse('2026-11-25T12:00:00Z');

function result(overrides: Partial<DemoResult>): DemoResult {
  if (evaluated === undefined) {
    throw new Error('the plan has no first recording');
  }
  return {
    recording: evaluated,
    droppedAt,
    recordingId: 'rec1',
    status: 'EVALUATED',
    code: undefined,
    reason: 'The automated evaluation completed',
    scores: [{ type: 'automated', score: 9, totalScore: 30 }],
    finishedAt: droppedAt + 7_340,
    notified: true,
    alerted: false,
    problem: undefined,
    ...overrides,
  };
}

describe('formatDemoReport', () => {
  it('prints a row per drop, aligned, and the verdict when every drop is as declared', () => {
    // Prepare
    const report = {
      passed: true,
      elapsedMs: 9_510,
      results: [
        result({}),
        result({
          recording: lateSidecar ?? evaluated,
          status: 'REJECTED',
          code: 'missing-metadata',
          scores: [],
          alerted: true,
        }),
      ],
    } as const;

    // Act
    const lines = formatDemoReport(report).split('\n');

    // Assess
    expect(lines[0]).toBe(
      '#  recording                   agent                 status                       scores  drop→result  ok',
    );
    expect(lines[2]).toBe(
      '1  S3 object metadata          jane.doe@example.com  EVALUATED                    9/30    7.3 s        yes',
    );
    expect(lines[3]).toBe(
      '2  sidecar JSON arriving late  sam.lee@example.com   REJECTED (missing-metadata)  -       7.3 s        yes',
    );
    expect(lines.at(-1)).toBe(
      'All 2 recordings reached their expected outcome, notified and alerted as they should, in 9.5 s.',
    );
  });

  it('marks each miss and says what went wrong', () => {
    // Prepare
    const report = {
      passed: false,
      elapsedMs: 90_000,
      results: [
        result({}),
        result({
          status: undefined,
          finishedAt: undefined,
          scores: [],
          problem: 'did not finish in time',
          reason: undefined,
        }),
      ],
    } as const;

    // Act
    const text = formatDemoReport(report);

    // Assess
    expect(text).toContain(
      '2  S3 object metadata  jane.doe@example.com  no outcome  -       -            NO',
    );
    expect(text).toContain('1 of 2 recordings did not reach their expected outcome (90.0 s):');
    expect(text).toContain(`  #2 S3 object metadata (${evaluated?.key}): did not finish in time`);
  });
});
