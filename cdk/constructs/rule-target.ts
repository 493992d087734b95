import type * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';

/** A queue or topic an EventBridge rule delivers to, through its resource policy. */
export interface RuleDestination extends IConstruct {
  addToResourcePolicy(statement: iam.PolicyStatement): iam.AddToResourcePolicyResult;
}

export interface SingleRuleTargetProps {
  readonly destination: RuleDestination;
  readonly arn: string;
  /** `sqs:SendMessage` or `sns:Publish`. */
  readonly action: string;
  /** The statement's id in the destination's policy. */
  readonly sid: string;
  /** Where EventBridge puts what it could not deliver after its retries. */
  readonly deadLetterQueue: sqs.IQueue;
  readonly retry?: Pick<targets.TargetBaseProps, 'retryAttempts' | 'maxEventAge'>;
}

/**
 * An encrypted queue or topic as a rule's target that only that rule may deliver to
 * (`aws:SourceArn`), not any rule of the account. Unlike CDK's SqsQueue and SnsTopic targets, it
 * grants EventBridge nothing on the destination's key: the stack lets EventBridge use each key
 * for deliveries once, on behalf of this account (EnvironmentKey.allowServiceDelivery('events')).
 */
export class SingleRuleTarget implements events.IRuleTarget {
  readonly #props: SingleRuleTargetProps;

  constructor(props: SingleRuleTargetProps) {
    this.#props = props;
  }

  bind(rule: events.IRule): events.RuleTargetConfig {
    const { destination, arn, action, sid, deadLetterQueue, retry } = this.#props;
    destination.addToResourcePolicy(
      new iam.PolicyStatement({
        sid,
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: [action],
        resources: [arn],
        conditions: { ArnEquals: { 'aws:SourceArn': rule.ruleArn } },
      }),
    );
    targets.addToDeadLetterQueueResourcePolicy(rule, deadLetterQueue);
    return {
      ...targets.bindBaseTargetConfig({ deadLetterQueue, ...retry }),
      arn,
      targetResource: destination,
    };
  }
}
