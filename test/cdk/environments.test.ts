import { describe, expect, it } from 'vitest';
import { STACK_OUTPUTS, stackNameOf } from '../../shared/config/resources.ts';
import { synthesizedPerFile } from './helpers/synthesis-per-file.ts';
import { configuredDeployments } from './helpers/synthesize.ts';
import { physicalNames, resourcesOf } from './helpers/template.ts';

const synthesis = synthesizedPerFile();
const sameEnvironmentTwice = synthesizedPerFile(() => {
  const dev = configuredDeployments().find((deployment) => deployment.settings.name === 'dev');
  if (dev === undefined) throw new Error('no dev environment');
  return [dev, { ...dev }];
});

/** A resource's tags as a Key/Value list: most types take one, a few (API Gateway v2) a map. */
function tagList(tags: unknown): unknown {
  return Array.isArray(tags) || typeof tags !== 'object' || tags === null
    ? tags
    : Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

describe('every configured environment', () => {
  it('synthesizes its own stack, in its region and (when set) its account', () => {
    // Act
    const stacks = [...synthesis.environments.values()].map(({ stack, deployment }) => ({
      name: stack.stackName,
      region: stack.region,
      account: deployment.account === undefined ? 'any' : stack.account,
    }));

    // Assess
    expect(stacks).toEqual([
      { name: stackNameOf('dev'), region: 'eu-west-1', account: 'any' },
      { name: stackNameOf('prod'), region: 'eu-west-1', account: '111122223333' },
      { name: stackNameOf('staging'), region: 'eu-west-1', account: 'any' },
    ]);
  });

  it('protects a retained environment from deletion, and no other', () => {
    // Act
    const protection = [...synthesis.environments.values()].map(({ stack, deployment }) => [
      deployment.retention.removalPolicy,
      stack.terminationProtection,
    ]);

    // Assess
    expect(protection).toEqual([
      ['destroy', false],
      ['retain', true],
      ['destroy', false],
    ]);
  });

  it('tags every taggable resource with its environment and the configured tags', () => {
    // Prepare
    const expected = [
      { Key: 'cost-center', Value: 'contact-center' },
      { Key: 'owner', Value: 'platform' },
      { Key: 'qm-ingest:environment', Value: 'prod' },
    ];

    // Act
    const tagged = resourcesOf(synthesis.get('prod').template).filter(
      (resource) => resource.properties['Tags'],
    );

    // Assess
    expect(tagged.length).toBeGreaterThan(20);
    for (const resource of tagged) {
      expect(tagList(resource.properties['Tags']), resource.logicalId).toEqual(
        expect.arrayContaining(expected),
      );
    }
  });

  it('has the stable, export-free outputs the CLI and the README read', () => {
    // Act
    const outputs = synthesis.get('dev').template.toJSON()['Outputs'] as Record<
      string,
      Record<string, unknown>
    >;

    // Assess
    const expected = Object.values(STACK_OUTPUTS).filter((key) => key !== STACK_OUTPUTS.urlSignerSecretName);
    expect(Object.keys(outputs).sort()).toEqual(expected.sort());
    for (const output of Object.values(outputs)) {
      expect(output['Export']).toBeUndefined();
    }
    expect(outputs[STACK_OUTPUTS.zoomSecretNames]?.['Value']).toBe(
      JSON.stringify({ main: 'qm-ingest/dev/zoom/main' }),
    );
    expect(JSON.stringify(outputs[STACK_OUTPUTS.dashboardUrl]?.['Value'])).toContain(
      'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/',
    );
  });
});

describe('environments side by side in one account', () => {
  it('share no physical name, so they deploy without a clash', () => {
    // Prepare
    const namesByEnvironment = [...synthesis.environments.values()].map(({ stack, template }) => [
      `stack ${stack.stackName}`,
      ...physicalNames(template),
    ]);

    // Act
    const all = namesByEnvironment.flat();
    const duplicates = all.filter((name, index) => all.indexOf(name) !== index);

    // Assess
    expect(namesByEnvironment.every((names) => names.length > 20)).toBe(true);
    expect(duplicates).toEqual([]);
  });

  it('would clash if one environment were deployed twice (the check sees clashes)', () => {
    // Prepare
    const [first, second] = [...sameEnvironmentTwice.environments.values()];
    if (first === undefined || second === undefined) throw new Error('two stacks expected');

    // Act
    const firstNames = new Set(physicalNames(first.template));
    const shared = physicalNames(second.template).filter((name) => firstNames.has(name));

    // Assess
    expect(shared).toEqual(physicalNames(second.template));
  });
});
