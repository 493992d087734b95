import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { createRequestHandler } from 'local-aws-sqs';
import { LOCAL_ACCOUNT_ID, LOOPBACK_HOST } from './constants.ts';
import { LocalAwsError } from './errors.ts';
import { closeServer, listen, loopbackUrl } from './http.ts';

/**
 * SQS served in process by `local-aws-sqs` (it speaks the JSON protocol of the current SDK),
 * pinned to 2.0.2 and patched at install time by patch-package (patches/local-aws-sqs+2.0.2+*):
 * ChangeMessageVisibility no longer counts as a receive, MessageSystemAttributeNames is honoured,
 * and a long poll returns as soon as a message is ready.
 *
 * Queues and messages live in memory only: local-aws-sqs has no persistence.
 */

export interface SqsServerOptions {
  readonly port?: number;
  readonly region: string;
}

export interface RunningSqsServer {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Marker comments the three patches add; a missing one means the install skipped patch-package. */
const PATCH_MARKERS = [
  'change-visibility-is-not-a-receive',
  'receive-message-system-attribute-names',
  'long-poll-returns-when-messages-are-ready',
] as const;

export async function startSqsServer(options: SqsServerOptions): Promise<RunningSqsServer> {
  assertPatched();
  const { service, requestHandler } = createRequestHandler({
    port: options.port ?? 0,
    hostname: LOOPBACK_HOST,
    region: options.region,
    accountId: LOCAL_ACCOUNT_ID,
    // Tests create and delete queues freely; AWS's 60 s wait before reusing a name would only slow them.
    emulateQueueCreationLifecycle: false,
    validateDlqDestination: true,
  });
  const server = createServer((request, response) => {
    void requestHandler(request, response);
  });
  const port = await listen(server, options.port ?? 0, LOOPBACK_HOST, 'SQS');
  // Queue URLs are built from this: it must be the port actually bound, not 0.
  service.PORT = port;
  return {
    endpoint: loopbackUrl(port),
    port,
    stop: async () => {
      await closeServer(server);
      service.resetAll();
    },
  };
}

function assertPatched(): void {
  const require = createRequire(import.meta.url);
  const source = readFileSync(require.resolve('local-aws-sqs'), 'utf8');
  const missing = PATCH_MARKERS.filter((marker) => !source.includes(marker));
  if (missing.length > 0) {
    throw new LocalAwsError(
      `local-aws-sqs is installed without the project's fixes (${missing.join(', ')}): run \`npx patch-package\` (npm ci runs it as postinstall)`,
    );
  }
}
