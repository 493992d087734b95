import { App, Validations } from 'aws-cdk-lib';
import { ConfigError } from '../shared/errors.ts';
import { loadDeployment } from './environments.ts';
import { nagPacks } from './nag.ts';
import { QmIngestStack } from './stack.ts';

/**
 * The CDK app: `cdk synth|deploy -c env=<name>` synthesizes the one environment named, from
 * cdk/environments/<name>.json, checked by cdk-nag's AwsSolutions and Serverless packs (any
 * unacknowledged finding stops synthesis). A configuration error prints its message, naming the
 * file and field, and exits with status 1.
 */
const app = new App();
try {
  const name: unknown = app.node.tryGetContext('env');
  if (typeof name !== 'string' || name === '') {
    throw new ConfigError(
      'Choose an environment: cdk synth -c env=<name> (the names of the files in cdk/environments/)',
    );
  }
  new QmIngestStack(app, name, { deployment: loadDeployment(name) });
  Validations.of(app).addPlugins(...nagPacks(app));
} catch (error) {
  if (!(error instanceof ConfigError)) {
    throw error;
  }
  console.error(error.message);
  process.exit(1);
}
