import * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { SingleRuleTarget } from './rule-target.ts';

export interface KeyStateAlertProps {
  readonly ruleName: string;
  /** The environment key watched. */
  readonly key: kms.IKey;
  /** Encrypted with a key of its own (not `key`), so the alert gets through while `key` is unusable. */
  readonly alertTopic: sns.ITopic;
  /** Where EventBridge puts the alert it could not publish. */
  readonly deadLetterQueue: sqs.IQueue;
}

/** The KMS calls that make the environment key unusable: every function, queue and table stops with it. */
export const KEY_STATE_CHANGES = ['DisableKey', 'ScheduleKeyDeletion'] as const;

/**
 * An EventBridge rule that publishes to the alert topic the CloudTrail record of a call that
 * disables the environment key or schedules its deletion (EventBridge receives these management
 * events from CloudTrail; the account needs a trail logging management events, which most have).
 * The alarm on the rule's matches (PipelineAlarms) gives it a runbook line and a place on the
 * dashboard. A scheduled deletion can be cancelled for the key's 30-day pending window.
 */
export function keyStateAlert(scope: Construct, id: string, props: KeyStateAlertProps): events.Rule {
  return new events.Rule(scope, id, {
    ruleName: props.ruleName,
    description: 'The qm-ingest environment key was disabled or scheduled for deletion',
    eventPattern: {
      source: ['aws.kms'],
      detailType: ['AWS API Call via CloudTrail'],
      detail: {
        eventSource: ['kms.amazonaws.com'],
        eventName: [...KEY_STATE_CHANGES],
        resources: { ARN: [props.key.keyArn] },
      },
    },
    targets: [
      new SingleRuleTarget({
        destination: props.alertTopic,
        arn: props.alertTopic.topicArn,
        action: 'sns:Publish',
        sid: 'AllowKeyStateRule',
        deadLetterQueue: props.deadLetterQueue,
      }),
    ],
  });
}
