import { parseArgs } from 'node:util';
import { ConfigError } from '../shared/errors.ts';
import { DEFAULT_DATA_DIR } from './local-args.ts';
import type { TargetOptions } from './table-target.ts';

/**
 * The options `status` and `list` share: which table to read (the local runtime's, or a deployed
 * environment's) and `--json`; plus the options a command adds. Pure.
 */

export const TARGET_OPTIONS_USAGE = `  --env <name>            read the deployed environment <name> (found from its stack,
                          qm-ingest-<name>) with your AWS credentials, instead of the local runtime
  --region <region>       the environment's region (default: AWS_REGION or your profile's)
  --data-dir <dir>        the local runtime's data folder (default ${DEFAULT_DATA_DIR}/; the demo's: ${DEFAULT_DATA_DIR}/demo)`;

export interface TargetArgs {
  readonly help: boolean;
  readonly json: boolean;
  readonly positionals: readonly string[];
  readonly target: TargetOptions;
  /** The command's own options, as given. */
  readonly extra: Readonly<Record<string, string | undefined>>;
  /** The command's own switches (`--dry-run`, `--yes`...): true when given. */
  readonly flags: Readonly<Record<string, boolean>>;
}

export interface TargetArgsSpec {
  /** How many positional arguments the command takes: exactly that many, or at most `optional` (0 or 1). */
  readonly positionals: number | 'optional';
  readonly extraOptions?: Readonly<Record<string, { readonly type: 'string' | 'boolean' }>>;
  /** What the one positional argument is, for the error when it is missing (a recording by default). */
  readonly positionalName?: string | undefined;
}

export function parseTargetArgs(args: readonly string[], spec: TargetArgsSpec): TargetArgs {
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...args],
      options: {
        env: { type: 'string' },
        region: { type: 'string' },
        'data-dir': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        ...spec.extraOptions,
      },
      allowPositionals: spec.positionals !== 0,
      strict: true,
    });
  } catch (error) {
    throw new ConfigError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const text = (name: string): string | undefined => {
    const value = values[name];
    return typeof value === 'string' ? value : undefined;
  };
  const help = values['help'] === true;
  const expected = spec.positionals === 'optional' ? Math.min(positionals.length, 1) : spec.positionals;
  if (!help && positionals.length !== expected) {
    throw new ConfigError(
      expected === 1
        ? `give one ${spec.positionalName ?? 'recording: its key, interaction id or recording id'}`
        : 'takes no arguments',
    );
  }
  const env = text('env');
  if (env !== undefined && text('data-dir') !== undefined) {
    throw new ConfigError(
      '--env reads a deployed environment and --data-dir a local runtime: give one of them',
    );
  }
  if (env === undefined && text('region') !== undefined) {
    throw new ConfigError('--region applies to a deployed environment (--env <name>)');
  }
  return {
    help,
    json: values['json'] === true,
    positionals,
    target: { env, region: text('region'), dataDir: text('data-dir') ?? DEFAULT_DATA_DIR },
    extra: Object.fromEntries(Object.keys(spec.extraOptions ?? {}).map((name) => [name, text(name)])),
    flags: Object.fromEntries(
      Object.keys(spec.extraOptions ?? {}).map((name) => [name, values[name] === true]),
    ),
  };
}
