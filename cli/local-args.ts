import { parseArgs } from 'node:util';
import { MAX_DEMO_RECORDINGS } from '../local/demo/plan.ts';
import {
  checkDistinctPorts,
  DEFAULT_BASE_PORT,
  LOCAL_PORT_NAMES,
  type LocalPortName,
  type LocalPorts,
  parsePort,
  portOptionOf,
  portsFromBase,
} from '../local/runtime/ports.ts';
import { ConfigError } from '../shared/errors.ts';

/**
 * The options of `qm-ingest local`, read into what the command does. Pure, so every combination
 * is unit-tested without starting anything.
 */

export const LOCAL_USAGE = `Usage: qm-ingest local [options]

Runs the whole pipeline on this machine: the local AWS servers, the Zoom QM simulator and the
deployed functions with their triggers, all on 127.0.0.1. Prints the endpoints and a command to
drop a recording, then shows each recording's progress, outcome and alert until Ctrl-C.

Options:
  --demo <n>              drop <n> generated recordings (1-${MAX_DEMO_RECORDINGS}) and 5 bad ones, wait for every
                          outcome, print the results and exit: 0 when each reached the outcome
                          it should. Starts clean in .local/demo/ on free ports.
  --data-dir <dir>        state kept between runs (default .local/)
  --clean                 start from nothing: remove the previous run's data first
  --scenario <name|file>  the Zoom simulator's scenario (default: default; not with --demo,
                          which uses local/demo/scenario.json)
  --no-webhooks           the simulator sends no webhooks: results are found by polling alone
                          (by default it sends Zoom's QM webhooks to the local endpoint)
  --ports <base>          every server on consecutive ports from <base>: S3, SQS, DynamoDB,
                          Secrets Manager, SNS, EventBridge, Zoom (default ${DEFAULT_BASE_PORT}; 0: free ports)
  --port-<server> <port>  one server's port, overriding --ports; <server> is one of
                          ${LOCAL_PORT_NAMES.map((name) => portOptionOf(name).slice('port-'.length)).join(', ')}
  -h, --help              show this help`;

export type LocalCommand =
  | { readonly kind: 'help' }
  | {
      readonly kind: 'run';
      /** Interactive until Ctrl-C, or the demo with this many recordings. */
      readonly demo: number | undefined;
      readonly dataDir: string;
      readonly clean: boolean;
      /** A bundled scenario's name or a file; undefined for the demo's own. */
      readonly scenario: string | undefined;
      readonly ports: LocalPorts;
      /** Whether the simulator sends webhooks to the local endpoint. */
      readonly webhooks: boolean;
    };

/** Where the demo keeps its data: its own folder, so it never touches the interactive runtime's. */
export const DEMO_DATA_DIR = '.local/demo';
export const DEFAULT_DATA_DIR = '.local';

/** Reads the arguments; throws a {@link ConfigError} naming the option that is wrong. */
export function parseLocalArgs(args: readonly string[]): LocalCommand {
  const portOptions = Object.fromEntries(
    LOCAL_PORT_NAMES.map((name) => [portOptionOf(name), { type: 'string' as const }]),
  );
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        demo: { type: 'string' },
        'data-dir': { type: 'string' },
        clean: { type: 'boolean' },
        'no-webhooks': { type: 'boolean' },
        scenario: { type: 'string' },
        ports: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        ...portOptions,
      },
      allowPositionals: false,
      strict: true,
    }));
  } catch (error) {
    throw new ConfigError(error instanceof Error ? error.message : String(error));
  }
  if (values['help'] === true) {
    return { kind: 'help' };
  }
  const demo = demoCount(values['demo']);
  const scenario = stringOption(values, 'scenario');
  if (demo !== undefined && scenario !== undefined) {
    throw new ConfigError(
      '--scenario cannot be used with --demo: the demo needs its own scenario to know each outcome',
    );
  }
  const base = stringOption(values, 'ports');
  const ports: Partial<Record<LocalPortName, number>> = {
    ...portsFromBase(
      base === undefined ? (demo === undefined ? DEFAULT_BASE_PORT : 0) : parsePort(base, '--ports'),
    ),
  };
  for (const name of LOCAL_PORT_NAMES) {
    const option = portOptionOf(name);
    const value = stringOption(values, option);
    if (value !== undefined) {
      ports[name] = parsePort(value, `--${option}`);
    }
  }
  checkDistinctPorts(ports);
  return {
    kind: 'run',
    demo,
    dataDir: stringOption(values, 'data-dir') ?? (demo === undefined ? DEFAULT_DATA_DIR : DEMO_DATA_DIR),
    // The demo declares each outcome: a recording left from an earlier run would not be processed again.
    clean: values['clean'] === true || demo !== undefined,
    scenario: demo === undefined ? (scenario ?? 'default') : undefined,
    ports,
    webhooks: values['no-webhooks'] !== true,
  };
}

function demoCount(value: string | boolean | undefined): number | undefined {
  if (value === undefined || typeof value === 'boolean') {
    return undefined;
  }
  const count = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(count) || count < 1 || count > MAX_DEMO_RECORDINGS) {
    throw new ConfigError(`--demo takes a number of recordings from 1 to ${MAX_DEMO_RECORDINGS}`);
  }
  return count;
}

function stringOption(
  values: Record<string, string | boolean | undefined>,
  name: string,
): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}
