import { describe, expect, it } from 'vitest';
import { OPERATOR_ACTIONS } from '../../cdk/constructs/operator-role.ts';
import { STACK_OUTPUTS } from '../../shared/config/resources.ts';
import { synthesizedPerFile } from './helpers/synthesis-per-file.ts';
import { arnOf, grant, grantsOf, joined, refOf, resourceNamed, resourcesOf } from './helpers/template.ts';

/**
 * The operator role: exactly what `qm-ingest status`, `list`, `retry`, `resolve`, `redrive`,
 * `backfill` and `erase` call, each on its own resource, assumable within the account only.
 */
const synthesis = synthesizedPerFile();

function operatorOf(name: string) {
  const { stack, template, deployment } = synthesis.get(name);
  const { names } = stack.resources;
  const id = (type: string, property: string, value: string) =>
    resourceNamed(template, type, property, stack.resolve(value)).logicalId;
  const [role] = resourcesOf(template, 'AWS::IAM::Role').filter((resource) =>
    String(resource.properties['Description']).startsWith('qm-ingest operator commands'),
  );
  if (role === undefined) throw new Error(`no operator role in ${name}`);
  const queue = (queueName: string) => arnOf(id('AWS::SQS::Queue', 'QueueName', queueName));
  const table = arnOf(id('AWS::DynamoDB::Table', 'TableName', names.table));
  const results = arnOf(id('AWS::S3::Bucket', 'BucketName', names.resultsBucket));
  const recordings =
    deployment.recordings.mode === 'existing'
      ? `arn:aws:s3:::${deployment.recordings.bucketName}`
      : arnOf(id('AWS::S3::Bucket', 'BucketName', names.recordingsBucket));
  const objects = (prefix: string) =>
    typeof recordings === 'string' ? `${recordings}/${prefix}*` : joined(recordings, `/${prefix}*`);
  const key = arnOf(resourcesOf(template, 'AWS::KMS::Key')[0]?.logicalId ?? 'missing');
  return { template, role, names, deployment, queue, table, results, recordings, objects, key, id };
}

describe.each(['dev', 'staging', 'prod'])('the operator role of %s', (name) => {
  it('allows exactly what the operator commands call, each on its own resource', () => {
    // Prepare
    const env = operatorOf(name);

    // Act
    const grants = grantsOf(env.template, env.role.logicalId);

    // Assess
    const expected = [
      ...grant(OPERATOR_ACTIONS.stack, { Ref: 'AWS::StackId' }),
      ...grant(OPERATOR_ACTIONS.table, env.table),
      ...grant(OPERATOR_ACTIONS.tableIndexes, joined(env.table, '/index/*')),
      ...grant(OPERATOR_ACTIONS.key, env.key),
      ...grant(OPERATOR_ACTIONS.recordingsBucket, env.recordings),
      ...grant(
        OPERATOR_ACTIONS.recordingObjects,
        ...env.deployment.settings.ingest.recordingPrefixes.map(env.objects),
      ),
      ...grant(OPERATOR_ACTIONS.resultsBucket, env.results),
      ...grant(OPERATOR_ACTIONS.resultsObjects, joined(env.results, '/*')),
      ...grant(OPERATOR_ACTIONS.workQueues, env.queue(env.names.ingestQueue), env.queue(env.names.pollQueue)),
      ...grant(
        OPERATOR_ACTIONS.deadLetterQueues,
        env.queue(env.names.ingestDeadLetterQueue),
        env.queue(env.names.pollDeadLetterQueue),
      ),
      ...grant(OPERATOR_ACTIONS.deliveryDeadLetterQueue, env.queue(env.names.deliveryDeadLetterQueue)),
      ...env.deployment.settings.zoomProfiles.flatMap((profile) =>
        grant(
          OPERATOR_ACTIONS.zoomSecrets,
          refOf(env.id('AWS::SecretsManager::Secret', 'Name', profile.secretName)),
        ),
      ),
    ];
    expect(grants).toEqual([...new Set(expected)].sort());
  });

  it('gives no wildcard action, and no write on the stack, the topics or the functions', () => {
    // Prepare
    const env = operatorOf(name);

    // Act
    const grants = grantsOf(env.template, env.role.logicalId);

    // Assess
    expect(grants.filter((entry) => entry.split(' ')[0]?.includes('*'))).toEqual([]);
    expect(
      grants.filter((entry) => /^(sns|lambda|iam|cloudformation:(?!DescribeStacks))/.test(entry)),
    ).toEqual([]);
    expect(grants.filter((entry) => entry.endsWith(' "*"'))).toEqual([]);
  });

  it('is assumable from the account only, and its ARN is a stack output', () => {
    // Prepare
    const env = operatorOf(name);

    // Act
    const trust = env.role.properties['AssumeRolePolicyDocument'];
    const output = env.template.toJSON()['Outputs']?.[STACK_OUTPUTS.operatorRoleArn];

    // Assess
    expect(JSON.stringify(trust)).toContain(':root');
    expect(JSON.stringify(trust)).not.toContain('"Service"');
    expect(output?.Value).toEqual(arnOf(env.role.logicalId));
  });
});
