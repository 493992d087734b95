import { defineConfig } from 'vitest/config';
import { NoSkippedTestsReporter } from './test/helpers/no-skipped-tests-reporter.ts';
import { SummaryLineReporter } from './test/helpers/summary-line-reporter.ts';

/**
 * One project per test layer. `npm test` runs them all; a focused (`.only`) or skipped test fails
 * the run, so a layer can never be silently switched off.
 */
export default defineConfig({
  test: {
    allowOnly: false,
    reporters: ['default', new NoSkippedTestsReporter(), new SummaryLineReporter()],
    restoreMocks: true,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'cdk', include: ['test/cdk/**/*.test.ts'], testTimeout: 60_000 },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/helpers/local-stack-global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
