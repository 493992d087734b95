#!/usr/bin/env node
/**
 * The `qm-ingest` command. Each subcommand lives in its own module and is loaded only when used,
 * so `qm-ingest status` does not pay for starting the local stack's code.
 */
import { type Command, commands } from './commands.ts';

function usage(): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  const lines = commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return [
    'Usage: qm-ingest <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run `qm-ingest <command> --help` for its options.',
  ].join('\n');
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name === undefined ? 1 : 0;
  }
  const command: Command | undefined = commands.find((candidate) => candidate.name === name);
  if (command === undefined) {
    console.error(`qm-ingest: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  const module = await command.load();
  return module.run(rest);
}

process.exitCode = await main(process.argv.slice(2));
