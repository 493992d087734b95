import { hostname, userInfo } from 'node:os';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { loadDeployment } from '../cdk/environments.ts';
import { LOCAL_CREDENTIALS } from '../local/aws/index.ts';
import { type EnvironmentSettings, parseEnvironmentSettings } from '../shared/config/environment.ts';
import { STACK_OUTPUTS } from '../shared/config/resources.ts';
import { ConfigError } from '../shared/errors.ts';
import { parseQueueMessage } from '../shared/ingest/events.ts';
import {
  type MessageMover,
  type QueueMove,
  ReceiveSendDeleteMover,
  SqsMessageMoveTask,
} from '../shared/queue/message-move.ts';
import { ZoomClientRegistry } from '../shared/zoom/client-registry.ts';
import { requireOutput } from './deployed-environment.ts';
import { openTableTarget, type TableTarget, type TargetOptions } from './table-target.ts';

/**
 * What the operator commands that act (`retry`, `resolve`, `redrive`, `backfill`, `erase`) work
 * on, beyond the table `status` reads: the environment's settings (Zoom profiles, ingest and
 * polling), its queues and their DLQs, SQS and Secrets Manager clients, and how a DLQ's messages
 * are moved. On the local runtime everything comes from the state file of the running runtime
 * (its functions must run to take the work up); on a deployed environment the names come from
 * the stack's outputs and the settings from the environment's file in cdk/environments/, the one
 * `cdk deploy -c env=<name>` deployed.
 */

export interface OperatorTarget extends TableTarget {
  readonly region: string;
  readonly recordingsBucket: string;
  readonly settings: EnvironmentSettings;
  readonly sqs: SQSClient;
  readonly ingestQueueUrl: string;
  readonly pollQueueUrl: string;
  /** Each DLQ with the queue its messages go back to. */
  readonly deadLetterQueues: readonly { readonly move: QueueMove; readonly mover: MessageMover }[];
  readonly zoom: ZoomClientRegistry;
  /** Who runs the command, for audit entries: the operating-system user and host. */
  readonly operator: string;
}

export async function openOperatorTarget(options: TargetOptions): Promise<OperatorTarget> {
  const table = await openTableTarget(options);
  try {
    const parts = table.source.kind === 'local' ? localParts(table) : deployedParts(table);
    const zoom = new ZoomClientRegistry({
      profiles: parts.settings.zoomProfiles,
      dynamoDb: table.dynamodb,
      tableName: table.tableName,
      secretsManager: parts.secretsManager,
    });
    return {
      ...table,
      ...parts,
      zoom,
      operator: `${userInfo().username}@${hostname()}`,
      close: async () => {
        parts.sqs.destroy();
        parts.secretsManager.destroy();
        await table.close();
      },
    };
  } catch (error) {
    await table.close();
    throw error;
  }
}

type Parts = Pick<
  OperatorTarget,
  'region' | 'recordingsBucket' | 'settings' | 'sqs' | 'ingestQueueUrl' | 'pollQueueUrl' | 'deadLetterQueues'
> & { readonly secretsManager: SecretsManagerClient };

function localParts(table: TableTarget): Parts {
  const { source } = table;
  if (source.kind !== 'local') {
    throw new ConfigError('not a local runtime');
  }
  if (!source.running) {
    throw new ConfigError(
      `The local runtime in ${source.root} is stopped: start it (\`npm start\`, with the same --data-dir) so its functions take the work up`,
    );
  }
  const { state } = source;
  const sqsEndpoint = state.endpoints['sqs'];
  const secretsEndpoint = state.endpoints['secretsManager'];
  if (
    state.queues === undefined ||
    state.settings === undefined ||
    sqsEndpoint === undefined ||
    secretsEndpoint === undefined
  ) {
    throw new ConfigError(
      `The local runtime in ${source.root} was started by an older release: restart it so its state file names its queues and settings`,
    );
  }
  const common = { region: state.region, credentials: LOCAL_CREDENTIALS, maxAttempts: 3 } as const;
  const sqs = new SQSClient({ ...common, endpoint: sqsEndpoint });
  // The local SQS server has no message move task: the same move by receive, send, delete.
  const mover = new ReceiveSendDeleteMover(sqs);
  return {
    region: state.region,
    recordingsBucket: state.recordingsBucket,
    settings: parseEnvironmentSettings(state.settings),
    sqs,
    secretsManager: new SecretsManagerClient({ ...common, endpoint: secretsEndpoint }),
    ingestQueueUrl: state.queues.ingest,
    pollQueueUrl: state.queues.poll,
    deadLetterQueues: [
      {
        move: {
          name: 'ingest',
          deadLetterQueueUrl: state.queues.ingestDeadLetter,
          sourceQueueUrl: state.queues.ingest,
        },
        mover,
      },
      {
        move: {
          name: 'poll',
          deadLetterQueueUrl: state.queues.pollDeadLetter,
          sourceQueueUrl: state.queues.poll,
        },
        mover,
      },
    ],
  };
}

function deployedParts(table: TableTarget): Parts {
  const { source } = table;
  if (source.kind !== 'deployed') {
    throw new ConfigError('not a deployed environment');
  }
  const { environment } = source;
  const output = (key: string) => requireOutput(environment, key);
  const ingestQueueUrl = output(STACK_OUTPUTS.ingestQueueUrl);
  const pollQueueUrl = output(STACK_OUTPUTS.pollQueueUrl);
  const sqs = new SQSClient({ region: environment.region, maxAttempts: 3 });
  const moveTask = new SqsMessageMoveTask(sqs, {
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  });
  return {
    region: environment.region,
    recordingsBucket: environment.recordingsBucket,
    settings: loadDeployment(environment.name).settings,
    sqs,
    secretsManager: new SecretsManagerClient({ region: environment.region, maxAttempts: 3 }),
    ingestQueueUrl,
    pollQueueUrl,
    deadLetterQueues: [
      {
        move: {
          name: 'ingest',
          deadLetterQueueUrl: output(STACK_OUTPUTS.ingestDeadLetterQueueUrl),
          sourceQueueUrl: ingestQueueUrl,
        },
        mover: moveTask,
      },
      {
        move: {
          name: 'poll',
          deadLetterQueueUrl: output(STACK_OUTPUTS.pollDeadLetterQueueUrl),
          sourceQueueUrl: pollQueueUrl,
        },
        mover: moveTask,
      },
      {
        // Its messages come from several senders (EventBridge, SNS, the scheduler): only the
        // recording events EventBridge could not deliver go back, to the ingest queue.
        move: {
          name: 'delivery',
          deadLetterQueueUrl: output(STACK_OUTPUTS.deliveryDeadLetterQueueUrl),
          sourceQueueUrl: ingestQueueUrl,
          accepts: (body) => parseQueueMessage(body).kind === 'object-created',
        },
        mover: new ReceiveSendDeleteMover(sqs),
      },
    ],
  };
}
