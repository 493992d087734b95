import { afterAll, beforeAll } from 'vitest';
import type { Deployment } from '../../../shared/config/deployment.ts';
import { configuredDeployments, SYNTHESIS_TIMEOUT_MS, type Synthesis, synthesize } from './synthesize.ts';

/**
 * Synthesizes `deployments` (by default every configured environment) once for the calling test
 * file: in a `beforeAll` with the synthesis timeout, disposed in an `afterAll`. Call it at the top
 * level of a test file. Synthesis bundles the real handlers and takes seconds, so each file does it
 * once and every test reads the same result. The returned object forwards to that synthesis and
 * throws when read before `beforeAll` ran (for example at collection time).
 */
export function synthesizedPerFile(
  deployments: () => readonly Deployment[] = configuredDeployments,
): Synthesis {
  let current: Synthesis | undefined;

  beforeAll(() => {
    current = synthesize(deployments());
  }, SYNTHESIS_TIMEOUT_MS);

  afterAll(() => current?.dispose());

  const active = (): Synthesis => {
    if (current === undefined) throw new Error('the synthesis is read before beforeAll ran');
    return current;
  };
  return {
    get app() {
      return active().app;
    },
    get environments() {
      return active().environments;
    },
    get: (name) => active().get(name),
    dispose: () => active().dispose(),
  };
}
