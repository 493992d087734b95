import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { configuredEnvironments, loadDeployment } from '../../../cdk/environments.ts';
import { QmIngestStack } from '../../../cdk/stack.ts';
import type { Deployment } from '../../../shared/config/deployment.ts';

/**
 * Synthesis for the CDK tests, as `cdk synth` does it: the feature flags of cdk.json, the real
 * handlers bundled by esbuild (once per test file: CDK reuses a bundle within a process), into a
 * temporary cloud assembly removed afterwards. Nothing calls AWS.
 */

const CDK_JSON = fileURLToPath(new URL('../../../cdk.json', import.meta.url));

/** The context `cdk synth` gives the app: cdk.json's feature flags. */
export function cdkContext(): Record<string, unknown> {
  const config: unknown = JSON.parse(readFileSync(CDK_JSON, 'utf8'));
  if (typeof config !== 'object' || config === null || !('context' in config)) {
    throw new Error('cdk.json has no context');
  }
  return config.context as Record<string, unknown>;
}

export interface SynthesizedEnvironment {
  readonly deployment: Deployment;
  readonly stack: QmIngestStack;
  readonly template: Template;
}

export interface Synthesis {
  readonly app: App;
  readonly environments: ReadonlyMap<string, SynthesizedEnvironment>;
  /** The one environment named; throws when it was not synthesized. */
  get(name: string): SynthesizedEnvironment;
  /** Removes the temporary cloud assembly. */
  dispose(): void;
}

/** Every environment of cdk/environments/, validated. */
export function configuredDeployments(): Deployment[] {
  return configuredEnvironments().map((name) => loadDeployment(name));
}

/**
 * Synthesizes `deployments` side by side in one app. The stack id (and the key in `environments`)
 * is the environment's name, suffixed with its position when an environment comes twice.
 */
export function synthesize(deployments: readonly Deployment[]): Synthesis {
  const outdir = mkdtempSync(join(tmpdir(), 'qm-cdk-test-'));
  const dispose = () => rmSync(outdir, { recursive: true, force: true });
  try {
    const app = new App({ outdir, context: cdkContext() });
    const stacks = deployments.map((deployment, index) => {
      const { name } = deployment.settings;
      const first = deployments.findIndex((other) => other.settings.name === name) === index;
      const id = first ? name : `${name}-${index}`;
      return [id, deployment, new QmIngestStack(app, id, { deployment })] as const;
    });
    const environments = new Map(
      stacks.map(([id, deployment, stack]) => [
        id,
        { deployment, stack, template: Template.fromStack(stack) },
      ]),
    );
    return synthesis(app, environments, dispose);
  } catch (error) {
    dispose();
    throw error;
  }
}

function synthesis(
  app: App,
  environments: ReadonlyMap<string, SynthesizedEnvironment>,
  dispose: () => void,
): Synthesis {
  return {
    app,
    environments,
    get(name) {
      const environment = environments.get(name);
      if (environment === undefined) {
        throw new Error(`environment ${name} was not synthesized`);
      }
      return environment;
    },
    dispose,
  };
}

/** How long synthesizing with bundling may take in a beforeAll. */
export const SYNTHESIS_TIMEOUT_MS = 180_000;
