import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configuredEnvironments, loadDeployment } from '../../../cdk/environments.ts';
import { ConfigError } from '../../../shared/errors.ts';

let directory: string;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'qm-environments-'));
});

afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

function write(name: string, content: unknown): void {
  writeFileSync(
    join(directory, `${name}.json`),
    typeof content === 'string' ? content : JSON.stringify(content),
  );
}

const valid = (name: string) => ({
  region: 'eu-west-1',
  settings: {
    name,
    zoomProfiles: [{ name: 'main', secretName: `qm-ingest/${name}/zoom/main` }],
    defaultProfile: 'main',
  },
});

describe('the configured environments', () => {
  it('ship dev, staging and prod examples, each valid', () => {
    // Act
    const names = configuredEnvironments();

    // Assess
    expect(names).toEqual(['dev', 'prod', 'staging']);
    for (const name of names) {
      expect(loadDeployment(name).settings.name).toBe(name);
    }
  });
});

describe('loadDeployment', () => {
  it('reads and validates an environment file', () => {
    // Prepare
    write('qa', valid('qa'));

    // Act
    const deployment = loadDeployment('qa', directory);

    // Assess
    expect(deployment.region).toBe('eu-west-1');
    expect(deployment.settings.zoomProfiles[0]?.secretName).toBe('qm-ingest/qa/zoom/main');
  });

  it.each([
    ['an unknown name', 'nope'],
    ['a path instead of a name', '../qa'],
    ['an empty name', ''],
  ])('refuses %s, listing the configured environments', (_label, name) => {
    // Prepare
    write('qa', valid('qa'));
    write('uat', valid('uat'));

    // Act
    const act = () => loadDeployment(name, directory);

    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow('the configured environments are qa, uat');
  });

  it('names the file and every invalid field', () => {
    // Prepare
    write('qa', { ...valid('qa'), region: 'nowhere', alerts: { emails: ['ops'] } });

    // Act
    const act = () => loadDeployment('qa', directory);

    // Assess
    expect(act).toThrow(`${join(directory, 'qa.json')}: Invalid deployment configuration:`);
    expect(act).toThrow('deployment.region');
    expect(act).toThrow('deployment.alerts.emails.0');
  });

  it('refuses a file that is not JSON without quoting it', () => {
    // Prepare
    write('qa', '{"settings": {"client_secret": "s3cr3t-value"');

    // Act
    const act = () => loadDeployment('qa', directory);

    // Assess
    expect(act).toThrow(`${join(directory, 'qa.json')} is not valid JSON`);
    expect(() => loadDeployment('qa', directory)).not.toThrow(/s3cr3t/);
  });

  it('refuses a file whose environment name is not its own', () => {
    // Prepare
    write('qa', valid('uat'));

    // Act
    const act = () => loadDeployment('qa', directory);

    // Assess
    expect(act).toThrow('deployment.settings.name: must be "qa", the file\'s name');
  });
});

describe('two environments on one existing bucket', () => {
  const onBucket = (name: string, prefixes: string[], bucketName = 'corp-call-recordings') => ({
    ...valid(name),
    settings: { ...valid(name).settings, ingest: { recordingPrefixes: prefixes } },
    recordings: { mode: 'existing', bucketName },
  });

  it.each([
    ['the same prefix', ['calls/'], ['calls/']],
    ['a prefix inside the other’s', ['calls/us/'], ['calls/']],
    ['every key', [''], ['calls/']],
  ])('are refused at synthesis when their prefixes overlap: %s', (_label, mine, theirs) => {
    // Prepare
    write('qa', onBucket('qa', mine));
    write('uat', onBucket('uat', theirs));

    // Act
    const act = () => loadDeployment('qa', directory);

    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(
      `settings.ingest.recordingPrefixes: "${mine[0]}" overlaps the prefixes of environment "uat", which ingests from the same bucket corp-call-recordings`,
    );
  });

  it('are accepted with disjoint prefixes, and on different buckets whatever the prefixes', () => {
    // Prepare
    write('qa', onBucket('qa', ['calls/eu/']));
    write('uat', onBucket('uat', ['calls/us/', 'archive/']));
    write('demo', onBucket('demo', ['calls/eu/'], 'another-bucket'));

    // Act
    const names = ['qa', 'uat', 'demo'].map((name) => loadDeployment(name, directory).settings.name);

    // Assess
    expect(names).toEqual(['qa', 'uat', 'demo']);
  });
});
