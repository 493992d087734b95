import type { ScenarioInput } from '../../local/zoom-simulator/index.ts';

/**
 * The simulator scenario of the polling integration tests: Zoom's processing at 1/100 of its speed
 * with fixed timings (analysis 1 s after the download, automated evaluations 1 s later), and each
 * recording's fate chosen by its key:
 * - `fail-evaluation`: the last automated evaluation FAILED;
 * - `no-evaluation`: analysed, no automated evaluation;
 * - `manual-evaluation`: completed, plus a manual evaluation assigned 0.5 s after the analysis
 *   that takes hours to complete;
 * - `manual-only`: no automated evaluation, only that manual one;
 * - `large-transcript`: a 450 KB transcript;
 * - `slow-analysis`: an analysis that takes 10 s (for deadlines).
 */
export const POLLING_TEST_SCENARIO: ScenarioInput = {
  description: 'Polling integration tests: fixed short timings, fates chosen by the key',
  seed: 11,
  quirks: true,
  processing: {
    timeScale: 0.01,
    analysis: 100,
    outcomes: { completed: 1, failed: 0, noEvaluation: 0 },
    automatedEvaluations: { min: 1, max: 2, duration: 100 },
    manualEvaluations: {
      probability: 0,
      assignedAfter: 50,
      completedAfter: 2_000_000,
      outcomes: { completed: 1, expired: 0, canceled: 0 },
    },
    rules: [
      { match: { downloadUrlIncludes: 'fail-evaluation' }, outcome: 'failed' },
      { match: { downloadUrlIncludes: 'no-evaluation' }, outcome: 'noEvaluation' },
      {
        match: { downloadUrlIncludes: 'manual-evaluation' },
        outcome: 'completed',
        manualEvaluation: 'completed',
      },
      {
        match: { downloadUrlIncludes: 'manual-only' },
        outcome: 'noEvaluation',
        manualEvaluation: 'completed',
      },
      { match: { downloadUrlIncludes: 'large-transcript' }, transcriptBytes: 450_000 },
      { match: { downloadUrlIncludes: 'slow-analysis' }, analysis: 1_000 },
    ],
  },
};
