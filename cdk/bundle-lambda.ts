import { bundleLambda } from './constructs/lambda-bundling.ts';

/**
 * `node cdk/bundle-lambda.ts <projectRoot> <entry> <outputDir>`: one function's bundle, for the
 * CDK's local bundling (which must be synchronous, while esbuild runs plugins only in its
 * asynchronous API). A failure prints esbuild's errors and exits 1, which fails the synthesis.
 */
const [projectRoot, entry, outputDir] = process.argv.slice(2);
if (projectRoot === undefined || entry === undefined || outputDir === undefined) {
  console.error('usage: node cdk/bundle-lambda.ts <projectRoot> <entry> <outputDir>');
  process.exit(2);
}
try {
  await bundleLambda(projectRoot, entry, outputDir);
} catch {
  // esbuild has printed what failed.
  process.exit(1);
}
