import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { findDeployedEnvironment } from '../../../cli/deployed-environment.ts';
import { STACK_OUTPUTS } from '../../../shared/config/resources.ts';
import { ConfigError } from '../../../shared/errors.ts';

const cloudFormation = mockClient(CloudFormationClient);

afterEach(() => {
  cloudFormation.reset();
});

const prodOutputs = [
  { OutputKey: STACK_OUTPUTS.table, OutputValue: 'qm-ingest-prod-state' },
  { OutputKey: STACK_OUTPUTS.resultsBucket, OutputValue: 'qm-prod-results-123456789012-eu-west-1' },
  { OutputKey: STACK_OUTPUTS.recordingsBucket, OutputValue: 'qm-prod-recordings-123456789012-eu-west-1' },
  { OutputKey: STACK_OUTPUTS.region, OutputValue: 'eu-west-1' },
];

describe('findDeployedEnvironment', () => {
  it("reads the environment's table, buckets and region from its stack's outputs", async () => {
    // Prepare
    cloudFormation.on(DescribeStacksCommand, { StackName: 'qm-ingest-prod' }).resolves({
      Stacks: [
        {
          StackName: 'qm-ingest-prod',
          StackStatus: 'UPDATE_COMPLETE',
          CreationTime: new Date(),
          Outputs: prodOutputs,
        },
      ],
    });

    // Act
    const environment = await findDeployedEnvironment(
      new CloudFormationClient({ region: 'eu-west-1' }),
      'prod',
      'eu-west-1',
    );

    // Assess
    expect(environment).toEqual({
      name: 'prod',
      stackName: 'qm-ingest-prod',
      region: 'eu-west-1',
      tableName: 'qm-ingest-prod-state',
      resultsBucket: 'qm-prod-results-123456789012-eu-west-1',
      recordingsBucket: 'qm-prod-recordings-123456789012-eu-west-1',
      outputs: Object.fromEntries(prodOutputs.map((output) => [output.OutputKey, output.OutputValue])),
    });
  });

  it('says the stack is not deployed when CloudFormation does not know it', async () => {
    // Prepare
    const missing = Object.assign(new Error('Stack with id qm-ingest-nope does not exist'), {
      name: 'ValidationError',
    });
    cloudFormation.on(DescribeStacksCommand).rejects(missing);

    // Act
    const found = findDeployedEnvironment(
      new CloudFormationClient({ region: 'eu-west-1' }),
      'nope',
      'eu-west-1',
    );

    // Assess
    await expect(found).rejects.toThrow(ConfigError);
    await expect(found).rejects.toThrow('No stack qm-ingest-nope in eu-west-1');
  });

  it('names an output the stack lacks', async () => {
    // Prepare
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'qm-ingest-old',
          StackStatus: 'CREATE_COMPLETE',
          CreationTime: new Date(),
          Outputs: prodOutputs.filter((output) => output.OutputKey !== STACK_OUTPUTS.table),
        },
      ],
    });

    // Act / Assess
    await expect(
      findDeployedEnvironment(new CloudFormationClient({ region: 'eu-west-1' }), 'old', 'eu-west-1'),
    ).rejects.toThrow(`has no output ${STACK_OUTPUTS.table}`);
  });

  it('explains an access problem', async () => {
    // Prepare
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));

    // Act / Assess
    await expect(
      findDeployedEnvironment(new CloudFormationClient({ region: 'eu-west-1' }), 'prod', 'eu-west-1'),
    ).rejects.toThrow('cloudformation:DescribeStacks');
  });
});
