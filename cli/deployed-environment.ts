import {
  type CloudFormationClient,
  DescribeStacksCommand,
  type Output,
} from '@aws-sdk/client-cloudformation';
import { STACK_OUTPUTS, stackNameOf } from '../shared/config/resources.ts';
import { ConfigError } from '../shared/errors.ts';

/**
 * Finds a deployed environment from its CloudFormation stack's outputs (the stack the CDK app
 * deploys as `qm-ingest-<name>`): its state table, results bucket and region. The outputs are the
 * contract: names are never guessed from the naming scheme, so a stack deployed with other names
 * (an older release, a customised one) is still found.
 */

export interface DeployedEnvironment {
  readonly name: string;
  readonly stackName: string;
  readonly region: string;
  readonly tableName: string;
  readonly resultsBucket: string;
  readonly recordingsBucket: string;
  /** Every output of the stack, by key (STACK_OUTPUTS), for what a command needs beyond the table. */
  readonly outputs: Readonly<Record<string, string>>;
}

export async function findDeployedEnvironment(
  cloudFormation: CloudFormationClient,
  name: string,
  region: string,
): Promise<DeployedEnvironment> {
  const stackName = stackNameOf(name);
  let outputs: readonly Output[];
  try {
    const { Stacks = [] } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = Stacks[0];
    if (stack === undefined) {
      throw notDeployed(stackName, region);
    }
    outputs = stack.Outputs ?? [];
  } catch (error) {
    if (error instanceof ConfigError) {
      throw error;
    }
    if (isMissingStack(error)) {
      throw notDeployed(stackName, region, error);
    }
    throw new ConfigError(
      `Could not read stack ${stackName} in ${region}: ${error instanceof Error ? error.message : String(error)} (check your AWS credentials and cloudformation:DescribeStacks)`,
      { cause: error },
    );
  }
  const values: Record<string, string> = Object.fromEntries(
    outputs.flatMap((candidate) =>
      candidate.OutputKey === undefined || candidate.OutputValue === undefined
        ? []
        : [[candidate.OutputKey, candidate.OutputValue]],
    ),
  );
  const found = { name, stackName, region: values[STACK_OUTPUTS.region] ?? region, outputs: values };
  return {
    ...found,
    tableName: requireOutput(found, STACK_OUTPUTS.table),
    resultsBucket: requireOutput(found, STACK_OUTPUTS.resultsBucket),
    recordingsBucket: requireOutput(found, STACK_OUTPUTS.recordingsBucket),
  };
}

/** One output of the environment's stack; a {@link ConfigError} saying to deploy the current release when it has none. */
export function requireOutput(
  environment: Pick<DeployedEnvironment, 'name' | 'stackName' | 'region' | 'outputs'>,
  key: string,
): string {
  const value = environment.outputs[key];
  if (value === undefined || value === '') {
    throw new ConfigError(
      `Stack ${environment.stackName} in ${environment.region} has no output ${key}: deploy the current release of the stack (cdk deploy -c env=${environment.name})`,
    );
  }
  return value;
}

/** CloudFormation answers a ValidationError "Stack with id X does not exist" for a stack it does not know. */
function isMissingStack(error: unknown): boolean {
  return error instanceof Error && error.name === 'ValidationError' && /does not exist/i.test(error.message);
}

function notDeployed(stackName: string, region: string, cause?: unknown): ConfigError {
  return new ConfigError(
    `No stack ${stackName} in ${region}: deploy the environment first (cdk deploy -c env=<name>), or give its region with --region`,
    cause === undefined ? undefined : { cause },
  );
}
