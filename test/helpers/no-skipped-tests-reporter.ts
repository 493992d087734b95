import type { Reporter, TestModule } from 'vitest/node';

/**
 * Fails the run when any test was skipped or left as a todo, whether by `.skip`, `.todo`,
 * `skipIf`, `ctx.skip()` or a focused sibling: a layer that quietly stops running is a layer
 * that quietly stops protecting anything.
 */
export class NoSkippedTestsReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const skipped: string[] = [];
    for (const testModule of testModules) {
      for (const testCase of testModule.children.allTests()) {
        const state = testCase.result().state;
        if (state === 'skipped' || state === 'pending') {
          skipped.push(`${testModule.moduleId} > ${testCase.fullName}`);
        }
      }
    }
    if (skipped.length > 0) {
      console.error(
        `\n${skipped.length} test(s) were skipped; every test must run:\n  ${skipped.join('\n  ')}`,
      );
      process.exitCode = 1;
    }
  }
}
