import { Stack, Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks, type NagPack, ServerlessChecks } from 'cdk-nag';
import { Construct, type IConstruct } from 'constructs';

/**
 * cdk-nag's AwsSolutions and Serverless packs, which check every synthesis: an unacknowledged
 * finding, error or warning, stops it. Each acknowledgement names one finding on one resource
 * (for IAM wildcards, the exact action or resource) and says why it is right there; they are made
 * where the construct that causes the finding is built.
 */
export function nagPacks(scope: IConstruct): NagPack[] {
  return [new AwsSolutionsChecks(scope, { verbose: true }), new ServerlessChecks(scope, { verbose: true })];
}

/** Acknowledges the finding `findingId` (a rule id, with `[finding]` for IAM wildcards) on `scope` and its children. */
export function acknowledge(scope: IConstruct, findingId: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: findingId, reason });
}

/**
 * Acknowledges the wildcard resource `resourceArn` in the policy of `grantee` (a role or a user):
 * the finding id cdk-nag gives it, computed from the ARN as it appears in the template.
 */
export function acknowledgeWildcardResource(
  grantee: iam.IGrantable,
  resourceArn: string,
  reason: string,
): void {
  const principal = grantee.grantPrincipal;
  if (Construct.isConstruct(principal)) {
    acknowledge(
      principal,
      `AwsSolutions-IAM5[Resource::${flattenedReference(principal, resourceArn)}]`,
      reason,
    );
  }
}

/**
 * A value as cdk-nag names it in a finding: intrinsic functions flattened (`Fn::GetAtt` ->
 * `<Logical.Attribute>`, `Ref` -> `<Name>`, `Fn::Join` joined).
 */
function flattenedReference(scope: IConstruct, value: string): string {
  return flatten(Stack.of(scope).resolve(value));
}

function flatten(node: unknown): string {
  if (typeof node === 'string') {
    return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  }
  if (typeof node === 'object' && node !== null) {
    if ('Fn::Join' in node && Array.isArray(node['Fn::Join'])) {
      const [delimiter, items] = node['Fn::Join'] as [string, unknown[]];
      return items.map(flatten).join(delimiter);
    }
    if ('Fn::GetAtt' in node && Array.isArray(node['Fn::GetAtt'])) {
      const [resource, attribute] = node['Fn::GetAtt'] as [unknown, unknown];
      return `<${flatten(resource)}.${flatten(attribute)}>`;
    }
    if ('Ref' in node) {
      return `<${flatten(node.Ref)}>`;
    }
  }
  return JSON.stringify(node);
}
