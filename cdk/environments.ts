import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Deployment, parseDeployment } from '../shared/config/deployment.ts';
import { ConfigError } from '../shared/errors.ts';

/**
 * The environments' configuration files: one JSON file per environment in cdk/environments/, named
 * after the environment (`dev.json` for `cdk deploy -c env=dev`). Each is validated against the
 * deployment schema before anything is synthesized, so a typo stops `cdk synth` with the file and
 * the field, never half-way through a deployment.
 */

/** Where the configured environments live. */
export const ENVIRONMENTS_DIRECTORY = fileURLToPath(new URL('./environments/', import.meta.url));

const ENVIRONMENT_NAME = /^[a-z][a-z0-9-]{0,19}$/;

/** The names of the configured environments, sorted. */
export function configuredEnvironments(directory: string = ENVIRONMENTS_DIRECTORY): string[] {
  return readdirSync(directory)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
}

/**
 * Reads and validates the environment `name`. A {@link ConfigError} names the file and every
 * invalid field; an unknown name lists the configured ones. An environment that ingests from the
 * same existing bucket as another configured environment, under prefixes that overlap, is refused
 * too: both would ingest every recording there, and submit it twice.
 */
export function loadDeployment(name: string, directory: string = ENVIRONMENTS_DIRECTORY): Deployment {
  const deployment = readDeployment(name, directory);
  for (const other of configuredEnvironments(directory)) {
    if (other !== name) {
      refuseSharedRecordings(deployment, readDeployment(other, directory), join(directory, `${name}.json`));
    }
  }
  return deployment;
}

/**
 * Throws when `deployment` and `other` ingest from the same existing bucket under overlapping
 * prefixes. Bucket names are global, so the same name is the same bucket whatever the accounts.
 */
export function refuseSharedRecordings(deployment: Deployment, other: Deployment, file: string): void {
  const { recordings } = deployment;
  if (
    recordings.mode !== 'existing' ||
    other.recordings.mode !== 'existing' ||
    recordings.bucketName !== other.recordings.bucketName
  ) {
    return;
  }
  const mine = deployment.settings.ingest.recordingPrefixes;
  const theirs = other.settings.ingest.recordingPrefixes;
  const overlap = mine.find((prefix) =>
    theirs.some((their) => prefix.startsWith(their) || their.startsWith(prefix)),
  );
  if (overlap !== undefined) {
    throw new ConfigError(
      `${file}: settings.ingest.recordingPrefixes: "${overlap}" overlaps the prefixes of environment "${other.settings.name}", which ingests from the same bucket ${recordings.bucketName}: every recording there would be ingested twice; give the two environments disjoint prefixes`,
    );
  }
}

function readDeployment(name: string, directory: string): Deployment {
  const known = configuredEnvironments(directory);
  if (!ENVIRONMENT_NAME.test(name) || !known.includes(name)) {
    throw new ConfigError(
      `Unknown environment "${name}": the configured environments are ${known.join(', ') || '(none)'}; add ${join(directory, '<name>.json')} for another`,
    );
  }
  const file = join(directory, `${name}.json`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    // The parser's message quotes the text, which may hold a pasted secret: name the file only.
    throw new ConfigError(`${file} is not valid JSON`, {
      cause: error instanceof SyntaxError ? undefined : error,
    });
  }
  let deployment: Deployment;
  try {
    deployment = parseDeployment(json);
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new ConfigError(`${file}: ${error.message}`);
    }
    throw error;
  }
  if (deployment.settings.name !== name) {
    throw new ConfigError(
      `${file}: deployment.settings.name: must be "${name}", the file's name, so \`-c env=${name}\` deploys it`,
    );
  }
  return deployment;
}
