import { describe, expect, it } from 'vitest';
import { OPERATOR_ACTIONS } from '../../cdk/constructs/operator-role.ts';
import { STACK_OUTPUTS } from '../../shared/config/resources.ts';
import { synthesizedPerFile } from './helpers/synthesis-per-file.ts';
import {
  arnOf,
  conditionalGrant,
  grant,
  grantsOf,
  joined,
  keyAliasedAs,
  keyUse,
  refOf,
  resourceNamed,
  resourcesOf,
} from './helpers/template.ts';

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
  const tableId = id('AWS::DynamoDB::Table', 'TableName', names.table);
  const table = arnOf(tableId);
  const tableName = refOf(tableId);
  const results = arnOf(id('AWS::S3::Bucket', 'BucketName', names.resultsBucket));
  const recordings =
    deployment.recordings.mode === 'existing'
      ? `arn:aws:s3:::${deployment.recordings.bucketName}`
      : arnOf(id('AWS::S3::Bucket', 'BucketName', names.recordingsBucket));
  const objects = (prefix: string) =>
    typeof recordings === 'string' ? `${recordings}/${prefix}*` : joined(recordings, `/${prefix}*`);
  const key = arnOf(keyAliasedAs(template, names.keyAlias).logicalId);
  return {
    template,
    role,
    names,
    deployment,
    queue,
    table,
    tableName,
    results,
    recordings,
    objects,
    key,
    id,
  };
}

describe.each(['dev', 'staging', 'prod'])('the operator role of %s', (name) => {
  it('allows exactly what the operator commands call, each on its own resource', () => {
    // Prepare
    const env = operatorOf(name);

    // Act
    const grants = grantsOf(env.template, env.role.logicalId);

    // Assess
    const prefixes = env.deployment.settings.ingest.recordingPrefixes;
    const queues = [
      env.names.ingestQueue,
      env.names.pollQueue,
      env.names.ingestDeadLetterQueue,
      env.names.pollDeadLetterQueue,
      env.names.deliveryDeadLetterQueue,
    ].map(env.queue);
    const secrets = env.deployment.settings.zoomProfiles.map((profile) =>
      refOf(env.id('AWS::SecretsManager::Secret', 'Name', profile.secretName)),
    );
    const expected = [
      ...grant(OPERATOR_ACTIONS.stack, { Ref: 'AWS::StackId' }),
      ...grant(OPERATOR_ACTIONS.table, env.table),
      ...grant(OPERATOR_ACTIONS.tableIndexes, joined(env.table, '/index/*')),
      ...keyUse(OPERATOR_ACTIONS.tableKey, env.key, 'dynamodb', 'aws:dynamodb:tableName', env.tableName),
      ...keyUse(OPERATOR_ACTIONS.queueKey, env.key, 'sqs', 'aws:sqs:arn', ...queues),
      ...keyUse(OPERATOR_ACTIONS.resultsKey, env.key, 's3', 'aws:s3:arn', env.results),
      ...(prefixes.includes('')
        ? grant(OPERATOR_ACTIONS.recordingsBucket, env.recordings)
        : conditionalGrant(OPERATOR_ACTIONS.recordingsBucket, env.recordings, {
            StringLikeIfExists: { 's3:prefix': prefixes.map((prefix) => `${prefix}*`) },
          })),
      ...grant(OPERATOR_ACTIONS.recordingObjects, ...prefixes.map(env.objects)),
      ...grant(OPERATOR_ACTIONS.resultsBucket, env.results),
      ...grant(OPERATOR_ACTIONS.resultsObjects, joined(env.results, '/*')),
      ...grant(OPERATOR_ACTIONS.workQueues, env.queue(env.names.ingestQueue), env.queue(env.names.pollQueue)),
      ...grant(
        OPERATOR_ACTIONS.deadLetterQueues,
        env.queue(env.names.ingestDeadLetterQueue),
        env.queue(env.names.pollDeadLetterQueue),
      ),
      ...grant(OPERATOR_ACTIONS.deliveryDeadLetterQueue, env.queue(env.names.deliveryDeadLetterQueue)),
      ...secrets.flatMap((secret) => [
        ...grant(OPERATOR_ACTIONS.zoomSecrets, secret),
        ...keyUse(['kms:Decrypt'], env.key, 'secretsmanager', 'SecretARN', secret),
      ]),
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
