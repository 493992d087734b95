import { createInterface } from 'node:readline/promises';
import { ConfigError } from '../shared/errors.ts';
import { TARGET_OPTIONS_USAGE } from './target-args.ts';

/**
 * How the operator commands that act talk to a person: a confirmation before bulk work (refused
 * without a terminal unless `--yes` is given, so a script never hangs on a prompt nor acts by
 * accident), and progress on stderr (a bar redrawn in place on a terminal, a plain line now and
 * then otherwise), so stdout keeps only the result (`--json` stays parseable).
 */

/** The options every command that acts takes, after its own: --json, --dry-run, --yes, the target, --help. */
export const ACTION_OPTIONS_USAGE = `  --json                  print JSON
  --dry-run               say what would happen, change nothing
  --yes                   do not ask for confirmation (needed without a terminal)
${TARGET_OPTIONS_USAGE}
  -h, --help              show this help`;

/** The switches of {@link ACTION_OPTIONS_USAGE} for parseTargetArgs (--json and the target are its own). */
export const ACTION_OPTIONS = { 'dry-run': { type: 'boolean' }, yes: { type: 'boolean' } } as const;

export interface Terminal {
  readonly stdinIsTty: boolean;
  readonly stderrIsTty: boolean;
  ask(question: string): Promise<string>;
  write(text: string): void;
}

export const processTerminal: Terminal = {
  stdinIsTty: process.stdin.isTTY === true,
  stderrIsTty: process.stderr.isTTY === true,
  ask: async (question) => {
    const prompt = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return await prompt.question(question);
    } finally {
      prompt.close();
    }
  },
  write: (text) => {
    process.stderr.write(text);
  },
};

/**
 * Asks `question` (what will happen, with its risk) and resolves with the answer; true at once
 * with `yes`. Without a terminal to ask on, refuses with a {@link ConfigError} naming `--yes`.
 */
export async function confirm(
  question: string,
  yes: boolean,
  terminal: Terminal = processTerminal,
): Promise<boolean> {
  if (yes) {
    return true;
  }
  if (!terminal.stdinIsTty) {
    throw new ConfigError(
      `${question}\nNo terminal to confirm on: pass --yes to go ahead (or --dry-run to look first)`,
    );
  }
  const answer = await terminal.ask(`${question}\nGo ahead? [y/N] `);
  return /^y(es)?$/i.test(answer.trim());
}

export interface Progress {
  update(done: number): void;
  finish(): void;
}

const BAR_WIDTH = 30;

/** Progress of `total` steps named `label`: a bar on a terminal, a line at each tenth otherwise. */
export function startProgress(label: string, total: number, terminal: Terminal = processTerminal): Progress {
  let lastTenth = -1;
  let last = 0;
  const line = (done: number): string => `${label}: ${done}/${total}`;
  return {
    update(done) {
      last = done;
      if (terminal.stderrIsTty) {
        const filled = total === 0 ? BAR_WIDTH : Math.round((done / total) * BAR_WIDTH);
        terminal.write(`\r[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${line(done)}`);
        return;
      }
      const tenth = total === 0 ? 10 : Math.floor((done / total) * 10);
      if (tenth > lastTenth) {
        lastTenth = tenth;
        terminal.write(`${line(done)}\n`);
      }
    },
    finish() {
      if (terminal.stderrIsTty) {
        terminal.write('\n');
      } else if (lastTenth < 10) {
        terminal.write(`${line(last)}\n`);
      }
    },
  };
}
