import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { AssetHashType, DockerImage, Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Deployment, LogRetentionDays } from '../../shared/config/deployment.ts';
import type { FunctionDefinition } from '../../shared/config/resources.ts';
import { METRICS_NAMESPACE } from '../../shared/observability/powertools.ts';
import { acknowledgeWildcardResource } from '../nag.ts';
import { grantQueueSend } from './grants.ts';
import { LAMBDA_BUNDLE_FILE } from './lambda-bundling.ts';

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** What every function of an environment is deployed with, besides its own definition. */
export interface EnvironmentFunctionDefaults {
  readonly deployment: Pick<Deployment, 'functions' | 'retention'>;
  readonly projectRoot: string;
  /** The QM_* variables every function gets. */
  readonly environment: Readonly<Record<string, string>>;
  readonly logRemovalPolicy: RemovalPolicy;
}

/** A function of the shared definitions (shared/config/resources.ts), deployed as every function is. */
export function definedFunction(
  scope: Construct,
  id: string,
  definition: FunctionDefinition,
  description: string,
  defaults: EnvironmentFunctionDefaults,
  deadLetterQueue?: sqs.IQueue,
): BundledFunction {
  const { deployment } = defaults;
  return new BundledFunction(scope, id, {
    functionName: definition.name,
    description,
    entry: definition.entry,
    projectRoot: defaults.projectRoot,
    memoryMb: definition.memoryMb,
    timeoutSeconds: definition.timeoutSeconds,
    serviceName: definition.role,
    environment: defaults.environment,
    logLevel: deployment.functions.logLevel,
    logRetentionDays: deployment.retention.logRetentionDays,
    logRemovalPolicy: defaults.logRemovalPolicy,
    reservedConcurrency: definition.reservedConcurrency,
    deadLetterQueue,
  });
}

export interface BundledFunctionProps {
  readonly functionName: string;
  readonly description: string;
  /** The handler module relative to the repository root; it exports `handler`. */
  readonly entry: string;
  /** The repository root: where package-lock.json and tsconfig.json are. */
  readonly projectRoot: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /** The function's role in logs and metrics (Powertools' service name). */
  readonly serviceName: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly logLevel: LogLevel;
  readonly logRetentionDays: LogRetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
  /** Concurrent executions reserved for the function (its share of the account's pool, and its ceiling). */
  readonly reservedConcurrency: number;
  /** For asynchronously invoked functions: where Lambda puts an event whose invocation failed after its retries. */
  readonly deadLetterQueue?: sqs.IQueue | undefined;
}

/**
 * A function as every qm-ingest function is deployed: bundled on this machine with the settings
 * of lambda-bundling.ts (ESM, minified, with source maps, the AWS SDK included so the tested
 * version is the deployed one, credentials from the environment, the SDK's unused schemas
 * dropped), arm64, the newest Node.js runtime, structured JSON logs in a log group with a
 * retention, X-Ray tracing, Powertools configured by environment variables, and a role of its own
 * that starts empty: it gets only what the stack grants it.
 */
export class BundledFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: BundledFunctionProps) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.functionName}: only what this function needs`,
    });
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${props.functionName}`,
      retention: props.logRetentionDays,
      removalPolicy: props.logRemovalPolicy,
    });
    this.logGroup.grantWrite(this.role);
    this.function = new lambda.Function(this, 'Function', {
      functionName: props.functionName,
      description: props.description,
      code: bundledCode(props.projectRoot, props.entry),
      handler: `${LAMBDA_BUNDLE_FILE.replace(/\.mjs$/, '')}.handler`,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memoryMb,
      timeout: Duration.seconds(props.timeoutSeconds),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel[props.logLevel],
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      tracing: lambda.Tracing.ACTIVE,
      reservedConcurrentExecutions: props.reservedConcurrency,
      environment: {
        ...props.environment,
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: props.logLevel,
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
    if (props.deadLetterQueue !== undefined) {
      // Set on the template rather than through the construct, whose grant gives the queue's key unconditioned.
      (this.function.node.defaultChild as lambda.CfnFunction).deadLetterConfig = {
        targetArn: props.deadLetterQueue.queueArn,
      };
      grantQueueSend(this.role, props.deadLetterQueue);
    }
    acknowledgeWildcardResource(
      this.role,
      '*',
      'Only actions that support no resource-level permissions are granted on "*": X-Ray PutTraceSegments and PutTelemetryRecords, for active tracing.',
    );
  }
}

/**
 * The function's code: its handler bundled on this machine by cdk/constructs/lambda-bundling.ts
 * (the settings the bench measures and the tests check), hashed by the bundle it produced.
 */
function bundledCode(projectRoot: string, entry: string): lambda.Code {
  return lambda.Code.fromAsset(projectRoot, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // The same script in a container, were local bundling ever declined (it never is: esbuild is a
      // dependency). The command also keys CDK's bundling cache: one bundle per entry.
      image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:24'),
      command: ['node', '/asset-input/cdk/bundle-lambda.ts', '/asset-input', entry, '/asset-output'],
      local: {
        tryBundle(outputDir) {
          execFileSync(
            process.execPath,
            [join(projectRoot, 'cdk/bundle-lambda.ts'), projectRoot, entry, outputDir],
            { stdio: ['ignore', 'inherit', 'inherit'] },
          );
          return true;
        },
      },
    },
  });
}
