import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * The credential chain of a Lambda bundle. Lambda hands a function its execution role's keys in
 * AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN (the runtime's reserved
 * variables), so the SDK's default chain (`@aws-sdk/credential-provider-node`) always stops at its
 * first link there; its other links (profiles, SSO, web identity, processes, instance metadata)
 * and the STS/SSO clients they carry are about 100 KiB and a fifth of the cold import. The bundle
 * replaces that package with this module (an esbuild alias, see cdk/constructs/lambda-bundling.ts);
 * the SDK's maintainers point to bundler substitution for this (aws/aws-sdk-js-v3#6087). Code run
 * from source (the local runtime, the CLI, tests) keeps the SDK's default chain.
 */
export const defaultProvider: typeof fromEnv = (init) => fromEnv(init);
