import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';

/**
 * The shell commands the documentation tells a reader to run, and how each one is checked. A
 * command is a line (with its `\` continuations and heredoc body) of a fenced block whose info
 * string is sh, bash or shell, a `$ ` line of a console block, or an inline code span that runs one
 * of {@link INLINE_PROGRAMS}. Each one is exactly one of:
 * - marked as needing AWS: its (last) line ends with the comment `# needs AWS` (`# needs AWS: why`),
 *   inside the backticks for an inline one;
 * - run by the e2e test (test/e2e/docs-commands.test.ts), which takes it from the docs themselves:
 *   a {@link RUNNERS} entry says how (a server awaited then stopped with Ctrl-C, or a line typed in
 *   the reader's shell) and what it must print;
 * - run by CI: `.ci/run` runs it (the demo, `npm ci`, `npm test`), or a part of what it runs;
 * - declared not run, in {@link NOT_RUN}, with the reason.
 * The unit test (test/unit/docs/documented-commands.test.ts) fails on any other command.
 */

export const REPOSITORY_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface DocumentedCommand {
  /** Relative to the repository root. */
  readonly file: string;
  /** The command's first line, 1-based. */
  readonly line: number;
  /** As the reader types it: continuation lines and heredoc body included, trailing comment left out. */
  readonly text: string;
  /** The trailing comment, without its `#`. */
  readonly comment: string | undefined;
}

/** The mark a command needing a real AWS account carries, as its trailing comment. */
export const NEEDS_AWS_MARK = 'needs AWS';

const SHELL_INFO_STRINGS = new Set(['sh', 'bash', 'shell', 'console']);

/** README.md, then docs/*.md: the order a reader follows, and the order the e2e test runs them in. */
export function documentationFiles(): string[] {
  const pages = readdirSync(join(REPOSITORY_ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', ...pages];
}

export function documentedCommands(): DocumentedCommand[] {
  return documentationFiles().flatMap((file) =>
    commandsIn(file, readFileSync(join(REPOSITORY_ROOT, file), 'utf8')),
  );
}

/** The commands of one Markdown page, in the order they appear. */
export function commandsIn(file: string, markdown: string): DocumentedCommand[] {
  const lines = markdown.split('\n');
  const commands: DocumentedCommand[] = [];
  let info: string | undefined;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const fence = /^\s*```(\S*)/.exec(line);
    if (fence !== null) {
      info = info === undefined ? (fence[1] ?? '') : undefined;
      continue;
    }
    if (info === undefined || !SHELL_INFO_STRINGS.has(info)) continue;
    if (info === 'console' && !line.startsWith('$ ')) continue;
    const first = info === 'console' ? line.slice(2) : line;
    if (first.trim() === '' || first.trim().startsWith('#')) continue;
    const start = index;
    const typed = [first];
    while ((typed.at(-1) ?? '').endsWith('\\') && index + 1 < lines.length) {
      index += 1;
      typed.push(lines[index] ?? '');
    }
    const parts = typed.map(withoutComment);
    const comment = parts.map((part) => part.comment).find((found) => found !== undefined);
    const body: string[] = [];
    const heredoc = /<<-?\s*['"]?(\w+)['"]?/.exec(typed.join('\n'));
    if (heredoc !== null) {
      while (index + 1 < lines.length && lines[index] !== heredoc[1]) {
        index += 1;
        body.push(lines[index] ?? '');
      }
    }
    commands.push({
      file,
      line: start + 1,
      text: [...parts.map((part) => part.code), ...body].join('\n'),
      comment,
    });
  }
  return [...commands, ...inlineCommandsIn(file, proseOf(lines))].sort((a, b) => a.line - b.line);
}

/** The page's text outside code blocks, line for line (a block's lines left empty). */
function proseOf(lines: readonly string[]): string {
  let inBlock = false;
  return lines
    .map((line) => {
      if (/^\s*```/.test(line)) {
        inBlock = !inBlock;
        return '';
      }
      return inBlock ? '' : line;
    })
    .join('\n');
}

/** The programs whose inline code spans are commands a reader runs (others name code or files). */
const INLINE_PROGRAMS = /^(npx|npm|aws|apt-get) /;

/**
 * The inline code spans of a page's prose that run a program of {@link INLINE_PROGRAMS}, outside
 * HTML comments (which a reader does not see); a span may wrap onto the next line.
 */
function inlineCommandsIn(file: string, prose: string): DocumentedCommand[] {
  const visible = prose.replace(/<!--[\s\S]*?-->/g, (comment) => comment.replace(/[^\n]/g, ''));
  return [...visible.matchAll(/`([^`]+)`/g)].flatMap((match) => {
    const span = (match[1] ?? '').replace(/\s+/g, ' ').trim();
    if (!INLINE_PROGRAMS.test(span)) return [];
    const { code, comment } = withoutComment(span);
    return [{ file, line: visible.slice(0, match.index).split('\n').length, text: code, comment }];
  });
}

/** Splits a shell line at its comment: a `#` that starts a word, outside quotes. */
function withoutComment(line: string): { code: string; comment: string | undefined } {
  let quote: string | undefined;
  for (let index = 0; index < line.length; index++) {
    const char = line.charAt(index);
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"') {
      quote = char;
    } else if (char === '#' && (index === 0 || /\s/.test(line.charAt(index - 1)))) {
      return { code: line.slice(0, index).trimEnd(), comment: line.slice(index + 1).trim() };
    }
  }
  return { code: line.trimEnd(), comment: undefined };
}

export function needsAws(command: DocumentedCommand): boolean {
  return command.comment?.startsWith(NEEDS_AWS_MARK) === true;
}

/** A value the e2e test reads off the running pipeline for a `<placeholder>`. */
export type PlaceholderSource =
  /** The key of the first recording the runtime showed reaching its final status. */
  | 'settled-recording'
  /** The key of a recording the runtime showed REJECTED. */
  | 'rejected-recording'
  | 'recordings-bucket'
  /** A prefix of the recordings bucket (the recording folders). */
  | 'recordings-prefix';

/** What each placeholder of a command stands for, unless its runner says otherwise. */
export const PLACEHOLDERS: Readonly<Record<string, PlaceholderSource>> = {
  key: 'settled-recording',
  recording: 'settled-recording',
  bucket: 'recordings-bucket',
  prefix: 'recordings-prefix',
};

export interface CommandRunner {
  /** The commands it runs, by their first words. */
  readonly matches: RegExp;
  /**
   * `session`: typed in the reader's shell, one shell per page (what a line exports, later lines
   * have), while the local runtime runs; it must exit 0. `server`: runs until Ctrl-C; it must print
   * its ready line (`prints`), then stop cleanly. `runtime`: the server that runs while the sessions' lines do.
   */
  readonly role: 'session' | 'server' | 'runtime';
  /** What it prints on stdout, where cheap to check (for a server: once ready). */
  readonly prints?: RegExp;
  /** A file it writes (relative to the checkout) and what that file holds. */
  readonly writes?: { readonly file: string; readonly holding: RegExp };
  /** What a server prints once it stopped. */
  readonly stopped?: RegExp;
  /** Placeholders whose value differs from {@link PLACEHOLDERS} for this command. */
  readonly placeholders?: Readonly<Record<string, PlaceholderSource>>;
}

/** `text` as a regular expression source that matches it literally. */
export function literalPattern(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The commands whose words begin with `words` (then a space or the end). */
function command(words: string): RegExp {
  return new RegExp(`^${literalPattern(words)}(\\s|$)`);
}

const RUNTIME_STOPPED = /^Stopped: every server, function and process of this run has ended\.$/;

/** How the e2e test runs each documented local command. */
export const RUNNERS: readonly CommandRunner[] = [
  // Only `npm start` itself: the demo's `npm start -- --demo N` is .ci/run's.
  {
    matches: /^npm start$/,
    role: 'runtime',
    prints: /^Watching recordings/,
    stopped: RUNTIME_STOPPED,
  },
  {
    // Not the demo (`local --demo N`), which ends by itself.
    matches: /^npx qm-ingest local(?!.* --demo)(\s|$)/,
    role: 'server',
    prints: /^Watching recordings/,
    stopped: RUNTIME_STOPPED,
  },
  {
    matches: command('npx qm-ingest simulator'),
    role: 'server',
    prints: /^Press Ctrl\+C to stop\.$/,
    stopped: /^Stopped\.$/,
  },
  {
    matches: command('npx qm-ingest local-aws'),
    role: 'server',
    prints: /^export AWS_ENDPOINT_URL_EVENTBRIDGE=http:\/\/127\.0\.0\.1:\d+$/,
    stopped: /^# Local AWS stopped\.$/,
  },
  { matches: command('npx qm-ingest --help'), role: 'session', prints: /^Usage: qm-ingest <command>/ },
  {
    matches: command('npx qm-ingest status'),
    role: 'session',
    prints: /^Recording \S+\n\s+object\s+s3:\/\//,
  },
  { matches: command('npx qm-ingest list'), role: 'session', prints: /newest first:\nchanged\s+status/ },
  {
    matches: command('npx qm-ingest report --format html --output report.html'),
    role: 'session',
    writes: { file: 'report.html', holding: /^<!doctype html>/i },
  },
  {
    matches: command('npx qm-ingest retry'),
    role: 'session',
    prints: /^retried \S+ \(.+\): RESUBMITTED/,
    placeholders: { recording: 'rejected-recording' },
  },
  {
    matches: command('npx qm-ingest config-reference'),
    role: 'session',
    prints: /^\| setting \| type \| allowed \| default \|$/m,
  },
  {
    matches: command('npx qm-ingest export --rebuild'),
    role: 'session',
    prints: /^Exported \d+ results to s3:\/\//,
  },
  { matches: command('npx qm-ingest redrive'), role: 'session', prints: /nothing to redrive$/ },
  {
    matches: command('npx qm-ingest backfill'),
    role: 'session',
    prints: /^0 objects to ingest under s3:\/\//,
  },
  { matches: command('npx qm-ingest erase'), role: 'session', prints: /^Erased recording \S+:/ },
  // The AWS CLI is not a dependency: the e2e test puts a stand-in first on the shell's PATH
  // (test/helpers/aws-cli-stand-in.ts), which does `s3 cp` to a local endpoint with the S3 client.
  {
    matches: /^aws --endpoint-url http:\/\/127\.0\.0\.1:\d+ s3 cp /,
    role: 'session',
    prints: /^upload: \S+ to s3:\/\//,
  },
  // Plain shell, as the docs' lines around the drops and the credentials use it.
  { matches: /^export [A-Z_]+=/, role: 'session' },
  { matches: /^[A-Z]+=/, role: 'session' },
  { matches: command('echo'), role: 'session' },
  { matches: command(': >'), role: 'session' },
  { matches: command('cat >'), role: 'session' },
  { matches: command('shred -u'), role: 'session' },
  { matches: command('cp cdk/environments/dev.json'), role: 'session' },
];

/** Documented commands no test runs, each with why (the unit test keeps this list free of stale entries). */
export const NOT_RUN: readonly { readonly command: string; readonly reason: string }[] = [
  {
    command: 'git clone <this repository> qm-ingest && cd qm-ingest',
    reason: 'needs the repository address and the network; .ci/run starts from a clean clone',
  },
  {
    command: 'npm run bench',
    reason:
      'runs every benchmark for minutes and needs a quiet machine; bench/ has unit tests (test/unit/bench)',
  },
  { command: 'npm run bench -- webhooks', reason: 'the benchmarks, as above' },
  {
    command: 'npx cdk synth  -c env=dev',
    reason:
      'bundles every function and runs cdk-nag (about a minute); test/cdk synthesizes every environment through the same app',
  },
  {
    command: 'npm start -- --demo N',
    reason: 'the demo: .ci/run runs it with N = 4 (`npm start -- --demo 4`), test/e2e/demo.test.ts with 3',
  },
  {
    command: 'npx qm-ingest local --demo N',
    reason: 'the demo, as above (`npm start` runs `qm-ingest local`)',
  },
  {
    command: 'npx qm-ingest report --data-dir .local/demo --since 1d',
    reason:
      "reads the demo's records: test/e2e/results-report.test.ts runs the demo, then the report on its data",
  },
  {
    command: 'apt-get install default-jre-headless chromium',
    reason: 'installs system packages as root; .ci/run installs them when they are missing',
  },
  { command: 'apt-get install default-jre-headless', reason: 'the same, Java alone' },
  {
    command: 'npx qm-ingest resolve <recording> --interaction <zoom-interaction-id> | --resubmit',
    reason:
      'needs a recording in NEEDS_REVIEW, which only a failing Zoom leaves: test/e2e/operator-resolve.test.ts makes one and runs resolve',
  },
];

/**
 * The commands `.ci/run` runs: its lines that start with `npm `, and what their npm scripts run in
 * turn (`npm test` is `npm run typecheck && npm run lint && npm run test:all`, and so on).
 */
export function ciCommands(): string[] {
  const { scripts } = z
    .object({ scripts: z.record(z.string(), z.string()) })
    .parse(JSON.parse(readFileSync(join(REPOSITORY_ROOT, 'package.json'), 'utf8')));
  /** What `npm test`, `npm start` or `npm run <name>` runs, with the arguments given after `--`. */
  const scriptOf = (line: string): string | undefined => {
    const called = /^npm (?:run ([\w:-]+)|(test|start))(?: -- (.+))?$/.exec(line);
    const script = called === null ? undefined : scripts[called[1] ?? called[2] ?? ''];
    return script === undefined || called?.[3] === undefined ? script : `${script} ${called[3]}`;
  };
  const expanded = (line: string): string[] => {
    const script = scriptOf(line);
    return [line, ...(script === undefined ? [] : script.split(' && ').flatMap(expanded))];
  };
  return readFileSync(join(REPOSITORY_ROOT, '.ci/run'), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('npm '))
    .flatMap(expanded);
}

/**
 * Whether `.ci/run` runs the command: each of its `&&` parts is one of CI's commands, or begins
 * one (`npm ci` is CI's `npm ci --no-audit --no-fund`, `npm start` its `npm start -- --demo 4`),
 * or runs through npx, on part of what it names, a program CI runs (`npx vitest run --project
 * unit` is a part of CI's `vitest run`).
 */
export function runByCi(text: string, ci: readonly string[]): boolean {
  return text.split(' && ').every((written) => {
    const part = written.trim();
    return ci.some(
      (line) =>
        line === part ||
        line.startsWith(`${part} `) ||
        (!line.startsWith('npm ') && (part === `npx ${line}` || part.startsWith(`npx ${line} `))),
    );
  });
}

export type CommandClass =
  | { readonly kind: 'needs-aws' }
  | { readonly kind: 'not-run'; readonly reason: string }
  | { readonly kind: 'run-by-test'; readonly runner: CommandRunner }
  | { readonly kind: 'run-by-ci' }
  | { readonly kind: 'unchecked' };

export function classify(command: DocumentedCommand, ci: readonly string[]): CommandClass {
  if (needsAws(command)) return { kind: 'needs-aws' };
  const declared = NOT_RUN.find((entry) => entry.command === command.text);
  if (declared !== undefined) return { kind: 'not-run', reason: declared.reason };
  const runner = RUNNERS.find((candidate) => candidate.matches.test(command.text));
  if (runner !== undefined) return { kind: 'run-by-test', runner };
  if (runByCi(command.text, ci)) return { kind: 'run-by-ci' };
  return { kind: 'unchecked' };
}

/**
 * The form of a `qm-ingest` synopsis the e2e test runs: optional `[...]` parts left out, the first
 * of `a | b` alternatives. Any other command is run as written.
 */
export function runnableForm(text: string): string {
  if (!text.startsWith('npx qm-ingest ')) return text;
  let form = text;
  for (let previous = ''; previous !== form; ) {
    previous = form;
    form = form.replace(/\s*\[[^[\]]*\]/g, '');
  }
  let depth = 0;
  for (let index = 0; index < form.length; index++) {
    const char = form.charAt(index);
    if (char === '<') depth += 1;
    if (char === '>') depth -= 1;
    if (depth === 0 && form.startsWith(' | ', index)) return form.slice(0, index);
  }
  return form;
}

/** The `<placeholder>`s of a command, by name (the first word of a `<a | b>` synopsis). */
export function placeholdersIn(text: string): { readonly written: string; readonly name: string }[] {
  return [...text.matchAll(/<([a-z][a-z -]*(?: \| [^<>]*)?)>/g)].map((match) => ({
    written: match[0],
    name: (match[1] ?? '').split(' | ')[0]?.trim() ?? '',
  }));
}
