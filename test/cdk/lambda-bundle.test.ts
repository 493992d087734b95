import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaBuildOptions } from '../../cdk/constructs/lambda-bundling.ts';
import { FUNCTION_ROLES } from '../../shared/config/resources.ts';

/**
 * What each function's bundle carries and leaves out: the cold-start work (issue 17) holds only
 * while no import brings back the SDK's whole credential chain or the full zod build. Each
 * function is bundled with the settings the CDK construct uses (cdk/constructs/lambda-bundling.ts).
 */

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const runFile = promisify(execFile);

async function bundleMetafile(entry: string): Promise<Metafile> {
  const result = await build({
    ...lambdaBuildOptions(PROJECT_ROOT, entry, join('out', 'index.mjs')),
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return result.metafile;
}

/** The source files that put bytes in the output (a file only imported for types puts none), with their bytes. */
function includedInputs(metafile: Metafile): Map<string, number> {
  return new Map(
    Object.values(metafile.outputs).flatMap((output) =>
      Object.entries(output.inputs)
        .filter(([, input]) => input.bytesInOutput > 0)
        .map(([path, input]) => [path, input.bytesInOutput] as const),
    ),
  );
}

/** Parts of the SDK's default credential chain past its first link, and the STS/SSO clients they use. */
const CREDENTIAL_CHAIN =
  /node_modules\/@aws-sdk\/(credential-provider-(node|ini|sso|process|web-identity|login|http)|nested-clients|token-providers)\//;
const FULL_ZOD = /node_modules\/zod\/v4\/classic\//;

describe.each(FUNCTION_ROLES.map((role) => `functions/${role}.ts`))('the bundle of %s', (entry) => {
  let bytesByInput = new Map<string, number>();
  let inputs: string[] = [];

  beforeAll(async () => {
    bytesByInput = includedInputs(await bundleMetafile(entry));
    inputs = [...bytesByInput.keys()];
  });

  it('carries the handler and the SDK clients it calls', () => {
    // Assess
    expect(inputs).toContain(entry);
    expect(inputs.some((path) => path.includes('node_modules/@aws-sdk/client-dynamodb/'))).toBe(true);
  });

  it('takes credentials from the environment only, without the rest of the default chain', () => {
    // Assess
    expect(inputs).toContain('shared/aws/lambda-credentials.ts');
    expect(inputs.filter((path) => CREDENTIAL_CHAIN.test(path))).toEqual([]);
  });

  it('carries zod/mini, not the full zod build', () => {
    // Assess
    expect(inputs.filter((path) => FULL_ZOD.test(path))).toEqual([]);
  });

  it("carries only the S3 schemas of the operations it calls, not all of S3's (about 70 KiB)", () => {
    // Act
    const s3Schemas = bytesByInput.get('node_modules/@aws-sdk/client-s3/dist-es/schemas/schemas_0.js') ?? 0;

    // Assess
    expect(s3Schemas).toBeGreaterThan(0);
    expect(s3Schemas).toBeLessThan(25 * 1024);
  });
});

describe('an SDK client in a Lambda bundle', () => {
  let workDir = '';

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'qm-lambda-bundle-'));
    const probe = join(workDir, 'probe.ts');
    // The client is one the functions use; what it resolves is what a deployed function would sign with.
    await writeFile(
      probe,
      [
        "import { SQSClient } from '@aws-sdk/client-sqs';",
        "const client = new SQSClient({ region: 'us-east-1' });",
        'try {',
        '  const credentials = await client.config.credentials();',
        '  process.stdout.write(JSON.stringify({ accessKeyId: credentials.accessKeyId, sessionToken: credentials.sessionToken }));',
        '} catch (error) {',
        "  process.stdout.write(JSON.stringify({ error: error instanceof Error ? error.name : 'unknown' }));",
        '}',
      ].join('\n'),
    );
    await build({
      ...lambdaBuildOptions(PROJECT_ROOT, 'functions/ingest.ts', join(workDir, 'probe.mjs')),
      entryPoints: [probe],
      nodePaths: [join(PROJECT_ROOT, 'node_modules')],
      logLevel: 'silent',
    });
  });

  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  async function runProbe(env: Record<string, string>): Promise<unknown> {
    const { stdout } = await runFile(
      process.execPath,
      [fileURLToPath(pathToFileURL(join(workDir, 'probe.mjs')))],
      {
        env,
        timeout: 30_000,
      },
    );
    return JSON.parse(stdout);
  }

  it("signs with the role's keys Lambda puts in the environment", async () => {
    // Act
    const resolved = await runProbe({
      AWS_ACCESS_KEY_ID: 'ASIAEXAMPLEROLEKEY',
      AWS_SECRET_ACCESS_KEY: 'example-secret',
      AWS_SESSION_TOKEN: 'example-session-token',
    });

    // Assess
    expect(resolved).toEqual({ accessKeyId: 'ASIAEXAMPLEROLEKEY', sessionToken: 'example-session-token' });
  });

  it('fails with the SDK credentials error when the environment has none (no profile or SSO look-up)', async () => {
    // Act
    const resolved = await runProbe({ HOME: workDir, AWS_PROFILE: 'would-be-read-by-the-full-chain' });

    // Assess
    expect(resolved).toEqual({ error: 'CredentialsProviderError' });
  });
});
