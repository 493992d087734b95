import { Match, type Template } from 'aws-cdk-lib/assertions';

/**
 * Reading synthesized templates in tests: resources by type or physical name, intrinsic
 * references written the way CloudFormation templates hold them, and each role's grants flattened
 * to "action resource" pairs so a test can compare them exactly.
 */

export type Properties = Record<string, unknown>;

export interface TemplateResource {
  readonly logicalId: string;
  readonly type: string;
  readonly properties: Properties;
}

export function resourcesOf(template: Template, type?: string): TemplateResource[] {
  const resources = (template.toJSON()['Resources'] ?? {}) as Record<
    string,
    { Type: string; Properties?: Properties }
  >;
  return Object.entries(resources)
    .filter(([, resource]) => type === undefined || resource.Type === type)
    .map(([logicalId, resource]) => ({
      logicalId,
      type: resource.Type,
      properties: resource.Properties ?? {},
    }));
}

/**
 * The one resource of `type` whose `nameProperty` is `name`: a string, or the intrinsic it
 * resolves to (`stack.resolve(name)` for a name holding the account token).
 */
export function resourceNamed(
  template: Template,
  type: string,
  nameProperty: string,
  name: unknown,
): TemplateResource {
  const wanted = JSON.stringify(name);
  const matches = resourcesOf(template, type).filter(
    (resource) => JSON.stringify(resource.properties[nameProperty]) === wanted,
  );
  if (matches.length !== 1) {
    throw new Error(`expected one ${type} with ${nameProperty} ${wanted}, found ${matches.length}`);
  }
  return matches[0] as TemplateResource;
}

export const arnOf = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });
export const refOf = (logicalId: string) => ({ Ref: logicalId });
export const joined = (...parts: unknown[]) => ({ 'Fn::Join': ['', parts] });

/**
 * "action resource" for each action of each statement allowed to `roleOrUserLogicalId`, sorted;
 * "action resource if {conditions}" for a statement with conditions.
 */
export function grantsOf(template: Template, principalLogicalId: string): string[] {
  const grants = resourcesOf(template, 'AWS::IAM::Policy')
    .filter((policy) => {
      const attached = [...asArray(policy.properties['Roles']), ...asArray(policy.properties['Users'])];
      return attached.some(
        (reference) => JSON.stringify(reference) === JSON.stringify(refOf(principalLogicalId)),
      );
    })
    .flatMap((policy) => statementsOf(policy.properties))
    .flatMap((statement) => {
      expectAllow(statement);
      const condition = statement['Condition'];
      return asArray(statement['Action']).flatMap((action) =>
        asArray(statement['Resource']).map(
          (resource) =>
            `${String(action)} ${JSON.stringify(resource)}${condition === undefined ? '' : ` if ${JSON.stringify(condition)}`}`,
        ),
      );
    });
  return [...new Set(grants)].sort();
}

/** The pairs `grantsOf` returns for `actions` on each of `resources`. */
export function grant(actions: readonly string[], ...resources: unknown[]): string[] {
  return actions.flatMap((action) => resources.map((resource) => `${action} ${JSON.stringify(resource)}`));
}

/** The entries `grantsOf` returns for `actions` on `resource` under `condition`. */
export function conditionalGrant(
  actions: readonly string[],
  resource: unknown,
  condition: unknown,
): string[] {
  return grant(actions, resource).map((entry) => `${entry} if ${JSON.stringify(condition)}`);
}

/** The region the test environments deploy to (cdk/environments/*.json). */
const REGION = 'eu-west-1';

/** A key use as cdk/constructs/grants.ts conditions it: through one service, for the named resources only. */
export function keyUse(
  actions: readonly string[],
  key: unknown,
  service: string,
  contextKey: string,
  ...contextValues: unknown[]
): string[] {
  return conditionalGrant(actions, key, {
    StringEquals: { 'kms:ViaService': `${service}.${REGION}.amazonaws.com` },
    StringLike: {
      [`kms:EncryptionContext:${contextKey}`]: contextValues.length === 1 ? contextValues[0] : contextValues,
    },
  });
}

/** The KMS key the alias `aliasName` points at. */
export function keyAliasedAs(template: Template, aliasName: string): TemplateResource {
  const target = resourceNamed(template, 'AWS::KMS::Alias', 'AliasName', aliasName).properties[
    'TargetKeyId'
  ] as {
    'Fn::GetAtt': [string, string];
  };
  const key = resourcesOf(template, 'AWS::KMS::Key').find(
    (candidate) => candidate.logicalId === target['Fn::GetAtt'][0],
  );
  if (key === undefined) {
    throw new Error(`no KMS key behind ${aliasName}`);
  }
  return key;
}

function statementsOf(properties: Properties): Properties[] {
  const document = properties['PolicyDocument'] as { Statement?: Properties[] } | undefined;
  return document?.Statement ?? [];
}

function expectAllow(statement: Properties): void {
  if (statement['Effect'] !== 'Allow') {
    throw new Error(`unexpected statement in a function policy: ${JSON.stringify(statement)}`);
  }
}

export function asArray(value: unknown): unknown[] {
  if (value === undefined) {
    return [];
  }
  return Array.isArray(value) ? value : [value];
}

/** The properties that hold a resource's physical name, by resource type. */
const NAME_PROPERTIES: Readonly<Record<string, string>> = {
  'AWS::S3::Bucket': 'BucketName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::CloudWatch::Dashboard': 'DashboardName',
  'AWS::CloudWatch::Alarm': 'AlarmName',
  'AWS::Events::Rule': 'Name',
  'AWS::SecretsManager::Secret': 'Name',
  'AWS::KMS::Alias': 'AliasName',
  'AWS::IAM::User': 'UserName',
  'AWS::IAM::Role': 'RoleName',
};

/** Every explicit physical name in the template, as "type name" (intrinsics serialized). */
export function physicalNames(template: Template): string[] {
  return resourcesOf(template).flatMap((resource) => {
    const property = NAME_PROPERTIES[resource.type];
    const name = property === undefined ? undefined : resource.properties[property];
    return name === undefined ? [] : [`${resource.type} ${JSON.stringify(name)}`];
  });
}

/** A resource policy statement letting EventBridge `action` for the one rule `ruleLogicalId` only. */
export function onlyRuleMay(action: string, ruleLogicalId: string) {
  return Match.objectLike({
    Principal: { Service: 'events.amazonaws.com' },
    Action: action,
    Condition: { ArnEquals: { 'aws:SourceArn': arnOf(ruleLogicalId) } },
  });
}
