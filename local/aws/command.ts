import { parseArgs } from 'node:util';
import { LocalAwsError } from './errors.ts';
import { LOCAL_AWS_SERVICES, type LocalAwsService } from './services.ts';
import { startLocalAws } from './stack.ts';

/**
 * `qm-ingest local-aws` (or `node local/aws/command.ts`): starts the local AWS stack in the
 * foreground, prints the environment that points SDK clients at it, and stops it cleanly on
 * Ctrl-C. Shaped like the CLI's subcommand modules (`run(args)` resolving to an exit code).
 */

const USAGE = `Usage: qm-ingest local-aws [options]

Starts S3, SQS, DynamoDB Local, Secrets Manager, SNS and EventBridge on 127.0.0.1 and prints the
variables that point AWS SDK clients at them. Ctrl-C stops everything.

Options:
  --data-dir <dir>        keep data between runs in <dir> (default: in memory)
  --port <service>=<n>    fixed port for a service (repeatable; default: free ports)
  --services <a,b,...>    only these services (${LOCAL_AWS_SERVICES.join(', ')})
  --region <region>       region for ARNs and the environment (default: us-east-1)
  -h, --help              show this help`;

export async function run(args: readonly string[]): Promise<number> {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(args);
  } catch (error) {
    console.error(
      `qm-ingest local-aws: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`,
    );
    return 2;
  }
  if (parsed.help) {
    console.log(USAGE);
    return 0;
  }
  const stack = await startLocalAws(parsed.options);
  // Listening before saying it is ready: a Ctrl-C sent as soon as the lines below are read must stop it cleanly.
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  const timings = Object.entries(stack.startup.services)
    .map(([service, ms]) => `${service} ${ms} ms`)
    .join(', ');
  console.log(`# Local AWS ready in ${stack.startup.totalMs} ms (${timings}). Ctrl-C stops it.`);
  for (const [name, value] of Object.entries(stack.env)) console.log(`export ${name}=${value}`);
  await stopped;
  await stack.stop();
  console.log('# Local AWS stopped.');
  return 0;
}

function parseOptions(args: readonly string[]) {
  const { values } = parseArgs({
    args: [...args],
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string', multiple: true },
      services: { type: 'string' },
      region: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  const ports: Partial<Record<LocalAwsService, number>> = {};
  for (const entry of values.port ?? []) {
    const [service = '', port = ''] = entry.split('=');
    if (!isService(service) || !/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65_535) {
      throw new LocalAwsError(`--port expects <service>=<port>, e.g. s3=4566, not "${entry}"`);
    }
    ports[service] = Number(port);
  }
  const services = values.services?.split(',').map((name) => name.trim());
  const unknown = services?.filter((name) => !isService(name)) ?? [];
  if (unknown.length > 0) throw new LocalAwsError(`Unknown service(s): ${unknown.join(', ')}`);
  return {
    help: values.help === true,
    options: {
      ports,
      ...(services === undefined ? {} : { services: services.filter(isService) }),
      ...(values['data-dir'] === undefined ? {} : { dataDir: values['data-dir'] }),
      ...(values.region === undefined ? {} : { region: values.region }),
    },
  };
}

function isService(name: string): name is LocalAwsService {
  return (LOCAL_AWS_SERVICES as readonly string[]).includes(name);
}

if (import.meta.main) process.exitCode = await run(process.argv.slice(2));
