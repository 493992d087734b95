import { CfnResource, type RemovalPolicy, type Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';

export interface HelperFunctionLogsProps {
  readonly retentionDays: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Gives each of CDK's own helper functions (the S3 notifications handler, the auto-delete-objects
 * provider: functions CDK adds to the stack, not ours) a log group with the environment's
 * retention. Lambda would otherwise create `/aws/lambda/<name>` on the first run, kept forever.
 * Each function is pointed at its log group (LoggingConfig), so the group exists before the
 * function first runs. Call once, after every construct is built.
 */
export function expireHelperFunctionLogs(stack: Stack, props: HelperFunctionLogsProps): void {
  const helpers = stack.node
    .findAll()
    .filter(
      (construct): construct is CfnResource =>
        construct instanceof CfnResource &&
        construct.cfnResourceType === 'AWS::Lambda::Function' &&
        !(construct instanceof lambda.CfnFunction),
    );
  for (const helper of helpers) {
    const logGroup = new logs.LogGroup(helper.node.scope ?? stack, `${helper.node.id}Logs`, {
      retention: props.retentionDays,
      removalPolicy: props.removalPolicy,
    });
    helper.addPropertyOverride('LoggingConfig', { LogGroup: logGroup.logGroupName });
  }
}
