import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { DeadLetterQueueDefinition, QueueDefinition } from '../../shared/config/resources.ts';
import { acknowledge } from '../nag.ts';

/** An encrypted, TLS-only queue: the settings every qm-ingest queue shares. */
function encryptedQueue(
  scope: Construct,
  id: string,
  encryptionKey: kms.IKey,
  props: Omit<sqs.QueueProps, 'encryption' | 'encryptionMasterKey' | 'enforceSSL' | 'removalPolicy'>,
): sqs.Queue {
  return new sqs.Queue(scope, id, {
    ...props,
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: encryptionKey,
    enforceSSL: true,
    // Messages in flight are transient: a deleted environment has nothing left to process.
    removalPolicy: RemovalPolicy.DESTROY,
  });
}

export interface DeadLetterQueueProps {
  readonly definition: DeadLetterQueueDefinition;
  readonly encryptionKey: kms.IKey;
}

/** A dead-letter queue: where messages wait for a person (an alarm fires on the first one). */
export class DeadLetterQueue extends Construct {
  readonly queue: sqs.Queue;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);
    this.queue = encryptedQueue(this, 'Queue', props.encryptionKey, {
      queueName: props.definition.name,
      retentionPeriod: Duration.seconds(props.definition.retentionSeconds),
    });
    acknowledge(
      this.queue,
      'Serverless-SQSRedrivePolicy',
      'This queue is itself a dead-letter queue: its messages wait for a person (an alarm fires on the first one) instead of moving on.',
    );
  }
}

export interface WorkQueueProps {
  readonly definition: QueueDefinition;
  readonly encryptionKey: kms.IKey;
}

/**
 * A queue a function consumes, with its dead-letter queue: a message that fails
 * `maxReceiveCount` times moves there instead of blocking or looping. Visibility timeout, retention
 * and receive count come from the shared resource definition, as in the local runtime.
 */
export class WorkQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: WorkQueueProps) {
    super(scope, id);
    const { definition, encryptionKey } = props;
    this.deadLetterQueue = new DeadLetterQueue(this, 'DeadLetter', {
      definition: definition.deadLetterQueue,
      encryptionKey,
    }).queue;
    this.queue = encryptedQueue(this, 'Queue', encryptionKey, {
      queueName: definition.name,
      visibilityTimeout: Duration.seconds(definition.visibilityTimeoutSeconds),
      retentionPeriod: Duration.seconds(definition.retentionSeconds),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: definition.maxReceiveCount },
    });
  }
}
