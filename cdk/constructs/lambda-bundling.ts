import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type BuildOptions, build, type Plugin } from 'esbuild';

/**
 * How every qm-ingest function is bundled, in one place: the CDK construct (BundledFunction,
 * through cdk/bundle-lambda.ts), the bench's bundle economy and the bundle tests all build with
 * {@link lambdaBuildOptions}, so what is measured and tested is what is deployed.
 */

/** The bundle's file name in the function's code: the handler is `index.handler`. */
export const LAMBDA_BUNDLE_FILE = 'index.mjs';

/** Dependencies written as CommonJS call require(): the ES module bundle gets one. */
const REQUIRE_BANNER =
  "import { createRequire as qmCreateRequire } from 'node:module'; const require = qmCreateRequire(import.meta.url);";

/**
 * Packages a Lambda bundle takes from the project instead (esbuild's alias), with why:
 * - `@aws-sdk/credential-provider-node`: on Lambda the role's credentials are always in the
 *   environment, so only the chain's first link is bundled (shared/aws/lambda-credentials.ts).
 */
const ALIASES: Readonly<Record<string, string>> = {
  '@aws-sdk/credential-provider-node': 'shared/aws/lambda-credentials.ts',
};

/** An AWS SDK client's generated schemas: one module holding every shape of the service. */
const SDK_SCHEMAS_MODULE = /[\\/]@aws-sdk[\\/]client-[a-z0-9-]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/;

/** A top-level schema declaration whose value is an array literal, up to the line that closes it. */
const SCHEMA_DECLARATION = /^((?:export )?var [\w$]+ = )(\[[\s\S]*?\]);$/gm;

/**
 * Lets esbuild drop the schemas of operations a function never calls. Each SDK client declares
 * every shape of its service as data (`export var GetObjectRequest$ = [3, ns, name, { [_h]: ... }]`);
 * the computed keys in them make esbuild keep every declaration, so a function calling four S3
 * operations carried all of S3's (about 70 KiB). The declarations are pure (literals, and arrow
 * functions for references), so each is marked as such; the ones no kept code refers to are
 * dropped. The only side effects of these modules, their error registrations, stay. A module that
 * no longer has this shape is left as it is, with a warning: the bundle is then bigger, never wrong.
 */
export const sdkSchemasArePure: Plugin = {
  name: 'qm-sdk-schemas-are-pure',
  setup(esbuild) {
    esbuild.onLoad({ filter: SDK_SCHEMAS_MODULE }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      let marked = 0;
      const contents = source.replace(SCHEMA_DECLARATION, (_declaration, head: string, value: string) => {
        marked += 1;
        return `${head}/* @__PURE__ */ (() => ${value})();`;
      });
      return {
        contents,
        loader: 'js',
        warnings:
          marked === 0
            ? [{ text: `no schema declaration found to mark pure in ${path}: its schemas stay whole` }]
            : [],
      };
    });
  },
};

/**
 * The esbuild options of one function's bundle: ESM for Lambda's newest Node.js, minified, the
 * AWS SDK included (the tested version is the deployed one), ES module builds of dependencies
 * first (so unused code can be dropped), the require() banner, the aliases, and a source map
 * without sources (the stack traces of `--enable-source-maps`, no code twice).
 */
export function lambdaBuildOptions(projectRoot: string, entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [join(projectRoot, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    mainFields: ['module', 'main'],
    tsconfig: join(projectRoot, 'tsconfig.json'),
    banner: { js: REQUIRE_BANNER },
    alias: Object.fromEntries(Object.entries(ALIASES).map(([name, path]) => [name, join(projectRoot, path)])),
    plugins: [sdkSchemasArePure],
    logLevel: 'warning',
  };
}

/** Bundles one function's handler into `outputDir` as the deployed code: index.mjs and its map. */
export async function bundleLambda(projectRoot: string, entry: string, outputDir: string): Promise<void> {
  await build(lambdaBuildOptions(projectRoot, entry, join(outputDir, LAMBDA_BUNDLE_FILE)));
}
