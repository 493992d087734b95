import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { LOCAL_CREDENTIALS, startLocalAws } from '../local/aws/index.ts';
import {
  dataPaths,
  localDynamoDbClient,
  type RuntimeState,
  readRuntimeState,
  runningRuntime,
} from '../local/runtime/index.ts';
import { ConfigError } from '../shared/errors.ts';
import { type DeployedEnvironment, findDeployedEnvironment } from './deployed-environment.ts';

/**
 * Where `qm-ingest status` and `list` read: the local runtime's state table (found through the
 * state file its data folder keeps; read through the running runtime, or, once it stopped, through
 * a DynamoDB Local started on its data for the read), or a deployed environment's table (found
 * from its CloudFormation stack's outputs, read with the caller's AWS credentials).
 */

export interface TableTarget {
  /** What is read, for the output's first line. */
  readonly description: string;
  readonly dynamodb: DynamoDBClient;
  readonly s3: S3Client;
  readonly tableName: string;
  readonly resultsBucket: string;
  /** The Zoom accounts of the environment, when known (a recording is then found by interaction id with one query). */
  readonly zoomAccountIds: readonly string[] | undefined;
  /** The environment's name (`local` for the local runtime): remedies name it with `--env`. */
  readonly environmentName: string;
  /** Where the table was found: what the operator commands that act read the rest from. */
  readonly source: TargetSource;
  /** Closes the clients and stops what was started for the read. */
  close(): Promise<void>;
}

export type TargetSource =
  | { readonly kind: 'local'; readonly state: RuntimeState; readonly running: boolean; readonly root: string }
  | { readonly kind: 'deployed'; readonly environment: DeployedEnvironment };

export interface TargetOptions {
  /** A deployed environment's name; the local runtime when absent. */
  readonly env?: string | undefined;
  readonly region?: string | undefined;
  /** The local runtime's data folder. */
  readonly dataDir: string;
}

export function openTableTarget(options: TargetOptions): Promise<TableTarget> {
  return options.env === undefined ? openLocal(options.dataDir) : openDeployed(options.env, options.region);
}

async function openLocal(dataDir: string): Promise<TableTarget> {
  const paths = dataPaths(dataDir);
  const state = readRuntimeState(paths);
  if (state === undefined) {
    throw new ConfigError(
      `No local runtime has run with data in ${paths.root}: start one with \`npm start\` (or \`npx qm-ingest local\`), pass its --data-dir, or read a deployed environment with --env <name>`,
    );
  }
  const common = {
    environmentName: state.environment,
    tableName: state.tableName,
    resultsBucket: state.resultsBucket,
    zoomAccountIds: state.zoomAccountIds,
  };
  const running = runningRuntime(paths);
  const dynamodbEndpoint = running?.endpoints['dynamodb'];
  const s3Endpoint = running?.endpoints['s3'];
  if (running !== undefined && dynamodbEndpoint !== undefined && s3Endpoint !== undefined) {
    const clients = localReadClients(dynamodbEndpoint, s3Endpoint, running.region);
    return {
      ...common,
      ...clients,
      source: { kind: 'local', state: running, running: true, root: paths.root },
      description: `the local runtime in ${paths.root} (running, pid ${running.pid})`,
      close: async () => clients.destroy(),
    };
  }
  // Stopped: its data is on disk; DynamoDB Local and S3 read it again for a moment.
  const servers = await startLocalAws({
    services: ['dynamodb', 's3'],
    dataDir: paths.aws,
    region: state.region,
  });
  const clients = localReadClients(servers.endpoints.dynamodb, servers.endpoints.s3, state.region);
  return {
    ...common,
    ...clients,
    source: { kind: 'local', state, running: false, root: paths.root },
    description: `the local runtime in ${paths.root} (stopped; its data read from disk)`,
    close: async () => {
      clients.destroy();
      await servers.stop();
    },
  };
}

function localReadClients(dynamodbEndpoint: string, s3Endpoint: string, region: string) {
  const dynamodb = localDynamoDbClient(dynamodbEndpoint, region);
  const s3 = new S3Client({
    region,
    endpoint: s3Endpoint,
    forcePathStyle: true,
    credentials: LOCAL_CREDENTIALS,
  });
  return {
    dynamodb,
    s3,
    destroy: () => {
      dynamodb.destroy();
      s3.destroy();
    },
  };
}

async function openDeployed(env: string, regionOption: string | undefined): Promise<TableTarget> {
  const cloudFormation = new CloudFormationClient({
    maxAttempts: 3,
    ...(regionOption === undefined ? {} : { region: regionOption }),
  });
  try {
    const region = await resolveRegion(cloudFormation, regionOption);
    const environment = await findDeployedEnvironment(cloudFormation, env, region);
    const dynamodb = new DynamoDBClient({ region: environment.region, maxAttempts: 3 });
    const s3 = new S3Client({ region: environment.region, maxAttempts: 3 });
    return {
      description: `environment ${env} (stack ${environment.stackName}, ${environment.region})`,
      dynamodb,
      s3,
      tableName: environment.tableName,
      resultsBucket: environment.resultsBucket,
      zoomAccountIds: undefined,
      environmentName: env,
      source: { kind: 'deployed', environment },
      close: async () => {
        dynamodb.destroy();
        s3.destroy();
      },
    };
  } finally {
    cloudFormation.destroy();
  }
}

/** --region, else the SDK's own sources (AWS_REGION, the profile). */
async function resolveRegion(
  client: CloudFormationClient,
  regionOption: string | undefined,
): Promise<string> {
  if (regionOption !== undefined) {
    return regionOption;
  }
  try {
    return await client.config.region();
  } catch (error) {
    throw new ConfigError('Which region is the environment in? Pass --region (or set AWS_REGION)', {
      cause: error,
    });
  }
}
