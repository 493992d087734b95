import { describe, expect, it } from 'vitest';
import { formatScores, outcomeDetails } from '../../../local/runtime/outcome-details.ts';

describe('outcomeDetails', () => {
  it('reads the reason code ingest writes and the scores the poller writes', () => {
    // Act
    const details = outcomeDetails({
      code: 'zero-bytes',
      polls: 3,
      evaluations: [
        {
          evaluationId: 'e1',
          type: 'automated',
          score: 9,
          totalScore: 30,
          scoreRate: 0.3,
          status: 'COMPLETED',
        },
      ],
    });

    // Assess
    expect(details).toEqual({
      code: 'zero-bytes',
      scores: [{ type: 'automated', score: 9, totalScore: 30, scoreRate: 0.3 }],
    });
  });

  it('ignores what it does not know and survives details that are no object', () => {
    // Act / Assess
    expect(outcomeDetails({ evaluations: [{ score: 'high' }] })).toEqual({
      code: undefined,
      scores: [{ type: undefined, score: undefined, totalScore: undefined, scoreRate: undefined }],
    });
    expect(outcomeDetails(null)).toEqual({ code: undefined, scores: [] });
  });
});

describe('formatScores', () => {
  it('shows points out of the total, else the rate as a percentage, else a dash', () => {
    // Act / Assess
    expect(
      formatScores([
        { score: 88.64, totalScore: 100 },
        { scoreRate: 0.875 },
        { scoreRate: 92 },
        { type: 'manual' },
      ]),
    ).toBe('88.6/100 87.5% 92% -');
    expect(formatScores([])).toBe('-');
  });
});
