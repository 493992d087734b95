import { ConfigError, QmIngestError } from '../shared/errors.ts';
import { parseTargetArgs, type TargetArgs, type TargetArgsSpec } from './target-args.ts';

/**
 * Runs an operator command: reads its arguments (a mistake prints the usage, exit 2), shows its
 * help, and turns the errors a person can act on (no local runtime, no stack, a table that cannot
 * be read) into one line on stderr and exit 1. Anything else is a bug and is thrown.
 */
export async function runCommand(
  name: string,
  usage: string,
  args: readonly string[],
  spec: TargetArgsSpec,
  body: (parsed: TargetArgs) => Promise<number>,
): Promise<number> {
  let parsed: TargetArgs;
  try {
    parsed = parseTargetArgs(args, spec);
  } catch (error) {
    console.error(`qm-ingest ${name}: ${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
    return 2;
  }
  if (parsed.help) {
    console.log(usage);
    return 0;
  }
  try {
    return await body(parsed);
  } catch (error) {
    if (error instanceof QmIngestError) {
      console.error(`qm-ingest ${name}: ${error.message}`);
      return error instanceof ConfigError ? 2 : 1;
    }
    throw error;
  }
}
