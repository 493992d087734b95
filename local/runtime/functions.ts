import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { RuntimeTuning } from '../../shared/config/deployment.ts';
import {
  type EnvironmentResources,
  FUNCTION_ROLES,
  type FunctionDefinition,
  type FunctionRole,
  type QueueConsumerDefinition,
} from '../../shared/config/resources.ts';
import { type RuntimeConfig, toRuntimeVariables } from '../../shared/config/runtime.ts';
import { METRICS_NAMESPACE } from '../../shared/observability/powertools.ts';
import {
  type FunctionSettings,
  type InvocationResult,
  invokeHandler,
  type LambdaHandler,
  type RunningSchedule,
  type RunningSqsEventSource,
  startSchedule,
  startSqsEventSource,
} from '../triggers/index.ts';
import type { RuntimeEvent } from './events.ts';
import { type FunctionHost, startFunctionHost } from './function-host.ts';

/**
 * The pipeline's functions and the triggers AWS wires to them, from the same definitions the CDK
 * stack deploys: each function's handler module, timeout and memory, the ingest and poll queues'
 * event source mappings (batch size, batching window, maximum concurrency, partial batch
 * responses; visibility timeout and DLQ redrive are the queues' own), and the reconciler's
 * schedule. Each function runs its deployed handler in execution environments of its own
 * (function-host.ts) with the variables the stack gives it.
 */

export interface LocalFunctionsOptions {
  readonly definitions: EnvironmentResources;
  readonly tuning: RuntimeTuning;
  readonly config: RuntimeConfig;
  /** `AWS_ENDPOINT_URL_<SERVICE>`, region and the local credentials. */
  readonly awsEnv: Readonly<Record<string, string>>;
  readonly region: string;
  readonly accountId: string;
  readonly sqs: SQSClient;
  /** Folder of the functions' log files; no files when absent. */
  readonly logsDir?: string | undefined;
  readonly emit: (event: RuntimeEvent) => void;
}

export interface LocalFunctions {
  /** Execution environments started and alive, per function. */
  environments(): Readonly<Record<FunctionRole, { readonly started: number; readonly alive: number }>>;
  /** Invokes the webhook function as its HTTP API does, with an API Gateway (payload 2.0) event. */
  invokeWebhook(event: unknown): Promise<InvocationResult<unknown>>;
  /** Stops the triggers (waiting for invocations in flight), then the functions. */
  stop(): Promise<void>;
}

/** The repository's root: the definitions' `entry` paths are relative to it. */
const PROJECT_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export async function startLocalFunctions(options: LocalFunctionsOptions): Promise<LocalFunctions> {
  const { definitions } = options;
  const hosts = Object.fromEntries(
    FUNCTION_ROLES.map((role) => [role, hostFor(definitions.functions[role], options)]),
  ) as Record<FunctionRole, FunctionHost>;
  const sources: RunningSqsEventSource[] = [];
  let schedule: RunningSchedule | undefined;
  const stop = async (): Promise<void> => {
    await Promise.all([...sources.map((source) => source.stop()), schedule?.stop()]);
    await Promise.all(Object.values(hosts).map((host) => host.stop()));
  };
  try {
    for (const role of ['ingest', 'poll'] as const) {
      sources.push(await startQueueTrigger(definitions.functions[role], hosts[role].handler, options));
    }
    const reconcile = definitions.functions.reconcile;
    schedule = startSchedule({
      ruleName: definitions.names.reconcileSchedule,
      every: rateExpression(reconcile.scheduleRateMinutes),
      handler: hosts.reconcile.handler,
      function: functionSettings(reconcile, options),
      onError: reportTo(options.emit, reconcile.name),
      // As in the stack: the reconciler never runs twice at once, a firing that finds it busy is dropped.
      reservedConcurrency: reconcile.reservedConcurrency,
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    environments: () =>
      Object.fromEntries(FUNCTION_ROLES.map((role) => [role, hosts[role].environments()])) as Record<
        FunctionRole,
        { started: number; alive: number }
      >,
    invokeWebhook: (event) =>
      invokeHandler(hosts.webhook.handler, event, functionSettings(definitions.functions.webhook, options)),
    stop,
  };
}

function hostFor(definition: FunctionDefinition, options: LocalFunctionsOptions): FunctionHost {
  return startFunctionHost({
    functionName: definition.name,
    entry: join(PROJECT_ROOT, definition.entry),
    handlerName: definition.handler,
    env: functionVariables(definition, options),
    logFile: options.logsDir === undefined ? undefined : join(options.logsDir, `${definition.role}.log`),
    onLogLine: (line) => {
      const problem = errorLogMessage(line);
      if (problem !== undefined) {
        options.emit({ kind: 'problem', source: definition.name, message: problem, at: Date.now() });
      }
    },
  });
}

/**
 * A function's environment variables: the QM_* variables and the Powertools settings the CDK stack
 * sets (cdk/constructs/bundled-function.ts), the variables Lambda itself provides, and the local
 * endpoints and credentials in place of the role's.
 */
export function functionVariables(
  definition: FunctionDefinition,
  options: Pick<LocalFunctionsOptions, 'config' | 'tuning' | 'awsEnv' | 'region'>,
): Record<string, string> {
  return {
    ...toRuntimeVariables(options.config),
    POWERTOOLS_SERVICE_NAME: definition.role,
    POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    POWERTOOLS_LOG_LEVEL: options.tuning.functions.logLevel,
    AWS_LAMBDA_FUNCTION_NAME: definition.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(definition.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_DEFAULT_REGION: options.region,
    // Never look for instance credentials: the local keys are the only ones.
    AWS_EC2_METADATA_DISABLED: 'true',
    ...options.awsEnv,
  };
}

function startQueueTrigger(
  definition: QueueConsumerDefinition,
  handler: LambdaHandler<unknown, unknown>,
  options: LocalFunctionsOptions,
): Promise<RunningSqsEventSource> {
  const { trigger } = definition;
  const queue =
    trigger.queue === 'ingest'
      ? options.config.resources.ingestQueueUrl
      : options.config.resources.pollQueueUrl;
  return startSqsEventSource({
    sqs: options.sqs,
    queueUrl: queue,
    handler,
    function: functionSettings(definition, options),
    batchSize: trigger.batchSize,
    maximumBatchingWindowMs: trigger.maxBatchingWindowSeconds * 1_000,
    maximumConcurrency: trigger.maximumConcurrency,
    reportBatchItemFailures: trigger.reportBatchItemFailures,
    pollWaitSeconds: 1,
    onError: reportTo(options.emit, definition.name),
  });
}

function functionSettings(
  definition: FunctionDefinition,
  options: Pick<LocalFunctionsOptions, 'region' | 'accountId'>,
): FunctionSettings {
  return {
    functionName: definition.name,
    timeoutMs: definition.timeoutSeconds * 1_000,
    memoryLimitInMB: definition.memoryMb,
    region: options.region,
    accountId: options.accountId,
  };
}

/** EventBridge's rate syntax, as the CDK stack's schedule writes it. */
export function rateExpression(minutes: number): string {
  return `rate(${minutes} ${minutes === 1 ? 'minute' : 'minutes'})`;
}

function reportTo(emit: (event: RuntimeEvent) => void, source: string) {
  return (error: unknown, detail: string): void => {
    emit({
      kind: 'problem',
      source,
      message: `${detail}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
      at: Date.now(),
    });
  };
}

/** The message of a function's log line at level ERROR (Powertools JSON), undefined for any other line. */
export function errorLogMessage(line: string): string | undefined {
  if (!line.startsWith('{')) {
    return undefined;
  }
  try {
    const entry = JSON.parse(line) as { level?: unknown; message?: unknown };
    return entry.level === 'ERROR' && typeof entry.message === 'string' ? entry.message : undefined;
  } catch {
    return undefined;
  }
}
