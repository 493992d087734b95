import { join } from 'node:path';

/**
 * How every qm-ingest function is bundled, in one place: the CDK construct (BundledFunction) and
 * the bench's bundle economy build from these, so what is measured is what is deployed.
 */

/** The runtime the bundle is written for (the functions run on Lambda's newest Node.js). */
export const LAMBDA_BUNDLE_TARGET = 'node24';

/** ES module builds of dependencies first: esbuild can drop what a function never imports. */
export const LAMBDA_BUNDLE_MAIN_FIELDS = ['module', 'main'];

/** Dependencies written as CommonJS call require(): the ES module bundle gets one. */
export const LAMBDA_BUNDLE_REQUIRE_BANNER =
  "import { createRequire as qmCreateRequire } from 'node:module'; const require = qmCreateRequire(import.meta.url);";

/**
 * Packages a Lambda bundle takes from the project instead (esbuild's alias), with why:
 * - `@aws-sdk/credential-provider-node`: on Lambda the role's credentials are always in the
 *   environment, so only the chain's first link is bundled (shared/aws/lambda-credentials.ts).
 */
const LAMBDA_BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  '@aws-sdk/credential-provider-node': 'shared/aws/lambda-credentials.ts',
};

/** The aliases with absolute paths: esbuild resolves an alias's target from its working directory. */
export function lambdaBundleAliases(projectRoot: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(LAMBDA_BUNDLE_ALIASES).map(([name, path]) => [name, join(projectRoot, path)]),
  );
}
