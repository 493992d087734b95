import { CfnOutput, type Stack } from 'aws-cdk-lib';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { EnvironmentSettings } from '../shared/config/environment.ts';
import { STACK_OUTPUTS } from '../shared/config/resources.ts';
import type { PipelineTopics } from './constructs/pipeline-topics.ts';
import type { WorkQueue } from './constructs/work-queue.ts';

export interface StackOutputsProps {
  readonly settings: EnvironmentSettings;
  readonly recordingsBucket: s3.IBucket;
  readonly resultsBucket: s3.IBucket;
  readonly tableName: string;
  readonly ingestQueue: WorkQueue;
  readonly pollQueue: WorkQueue;
  readonly deliveryDeadLetterQueue: sqs.IQueue;
  readonly topics: PipelineTopics;
  readonly dashboardName: string;
  /** The dedicated URL signer's secret, when there is one. */
  readonly urlSignerSecretName?: string | undefined;
  /** The role the operator commands run with (`qm-ingest retry --env ...`). */
  readonly operatorRoleArn: string;
}

/**
 * The outputs the CLI and the README read, under the stable keys of STACK_OUTPUTS. None is
 * exported: stacks never depend on each other, and an environment deletes cleanly.
 */
export function addStackOutputs(stack: Stack, props: StackOutputsProps): void {
  const output = (key: string, value: string, description: string) =>
    new CfnOutput(stack, key, { value, description });
  const { region } = stack;
  output(STACK_OUTPUTS.environment, props.settings.name, 'The qm-ingest environment');
  output(STACK_OUTPUTS.region, region, 'The region of every resource');
  output(STACK_OUTPUTS.recordingsBucket, props.recordingsBucket.bucketName, 'Drop recordings here');
  output(STACK_OUTPUTS.resultsBucket, props.resultsBucket.bucketName, 'Transcripts and large results');
  output(STACK_OUTPUTS.table, props.tableName, 'The state table (status, results, outbox)');
  output(STACK_OUTPUTS.ingestQueueUrl, props.ingestQueue.queue.queueUrl, 'The ingest queue');
  output(
    STACK_OUTPUTS.ingestDeadLetterQueueUrl,
    props.ingestQueue.deadLetterQueue.queueUrl,
    "The ingest queue's DLQ",
  );
  output(STACK_OUTPUTS.pollQueueUrl, props.pollQueue.queue.queueUrl, 'The poll queue');
  output(
    STACK_OUTPUTS.pollDeadLetterQueueUrl,
    props.pollQueue.deadLetterQueue.queueUrl,
    "The poll queue's DLQ",
  );
  output(
    STACK_OUTPUTS.deliveryDeadLetterQueueUrl,
    props.deliveryDeadLetterQueue.queueUrl,
    'Undelivered events, schedule invocations and alerts',
  );
  output(
    STACK_OUTPUTS.notificationTopicArn,
    props.topics.notifications.topicArn,
    'Subscribe here for results',
  );
  output(STACK_OUTPUTS.alertTopicArn, props.topics.alerts.topicArn, 'Subscribe here for alerts');
  output(
    STACK_OUTPUTS.dashboardUrl,
    `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards/dashboard/${props.dashboardName}`,
    'The CloudWatch dashboard',
  );
  output(
    STACK_OUTPUTS.zoomSecretNames,
    JSON.stringify(
      Object.fromEntries(props.settings.zoomProfiles.map((profile) => [profile.name, profile.secretName])),
    ),
    'Zoom profile -> the secret holding its credentials',
  );
  output(
    STACK_OUTPUTS.operatorRoleArn,
    props.operatorRoleArn,
    'Assume it to run the qm-ingest operator commands',
  );
  if (props.urlSignerSecretName !== undefined) {
    output(
      STACK_OUTPUTS.urlSignerSecretName,
      props.urlSignerSecretName,
      "The URL signer's rotated access key",
    );
  }
}
