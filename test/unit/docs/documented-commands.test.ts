import { describe, expect, it } from 'vitest';
import {
  ciCommands,
  classify,
  commandsIn,
  type DocumentedCommand,
  documentedCommands,
  NEEDS_AWS_MARK,
  NOT_RUN,
  placeholdersIn,
  RUNNERS,
  runnableForm,
} from '../../helpers/documented-commands.ts';

/**
 * Every command in README.md and docs/ is checked: marked as needing AWS, run by the e2e test
 * (test/e2e/docs-commands.test.ts runs each one it takes from the docs), run by CI (.ci/run), or
 * declared not run with a reason. A new command that is none of these fails here, named.
 */

const commands = documentedCommands();
const ci = ciCommands();

function where(command: DocumentedCommand): string {
  return `${command.file}:${command.line}  ${command.text.split('\n').join(' ⏎ ')}`;
}

describe('the commands the documentation gives', () => {
  it('are read from every page: the README and docs/', () => {
    // Act
    const files = new Set(commands.map((command) => command.file));

    // Assess: the pages known to hold commands (a parser that found none would pass everything)
    expect([...files]).toEqual(
      expect.arrayContaining([
        'README.md',
        'docs/getting-started.md',
        'docs/operations.md',
        'docs/deployment.md',
      ]),
    );
    expect(commands.length).toBeGreaterThan(30);
  });

  it('are each run by a test or by CI, marked as needing AWS, or declared not run', () => {
    // Act
    const unchecked = commands.filter((command) => classify(command, ci).kind === 'unchecked');

    // Assess
    const remedy =
      `Each of these documented commands must be checked. Either let test/e2e/docs-commands.test.ts run it ` +
      `(add a RUNNERS entry in test/helpers/documented-commands.ts saying how, and what it prints), ` +
      `or, if it needs a real AWS account, end its line with the comment "# ${NEEDS_AWS_MARK}: <why>", ` +
      `or, if it cannot run in a test, add it to NOT_RUN there with the reason:\n`;
    expect(unchecked.map(where), remedy + unchecked.map(where).join('\n')).toEqual([]);
  });

  it('that reach a deployed environment or AWS itself are marked as needing AWS', () => {
    // Prepare: what only a real account answers (an `aws` call to a local endpoint does not)
    const reachesAws =
      /(^|\s)--env(\s|=)|\bcdk (bootstrap|deploy|destroy|import)\b|(^|&& )aws (?!--endpoint-url http:\/\/127\.0\.0\.1:)/;

    // Act
    const unmarked = commands.filter(
      (command) => reachesAws.test(command.text) && classify(command, ci).kind !== 'needs-aws',
    );

    // Assess
    expect(
      unmarked.map(where),
      `These commands need a real AWS account: end each line with "# ${NEEDS_AWS_MARK}: <why>"`,
    ).toEqual([]);
  });

  it('declared not run are each still in the docs (no stale entry)', () => {
    // Act
    const stale = NOT_RUN.filter((entry) => !commands.some((command) => command.text === entry.command));

    // Assess
    expect(
      stale.map((entry) => entry.command),
      'NOT_RUN in test/helpers/documented-commands.ts names commands the docs no longer give: remove them',
    ).toEqual([]);
  });

  it('have a runner for every RUNNERS entry (no stale entry) and one runtime to run the rest against', () => {
    // Act
    const stale = RUNNERS.filter(
      (runner) =>
        !commands.some((command) => {
          const found = classify(command, ci);
          return found.kind === 'run-by-test' && found.runner === runner;
        }),
    );
    const runtimes = commands.filter((command) => {
      const found = classify(command, ci);
      return found.kind === 'run-by-test' && found.runner.role === 'runtime';
    });

    // Assess
    expect(stale.map((runner) => String(runner.matches))).toEqual([]);
    expect(new Set(runtimes.map((command) => command.text))).toEqual(new Set(['npm start']));
  });

  it('counted as run by CI are the commands .ci/run runs, or part of what its npm scripts run', () => {
    // Act
    const byCi = commands.filter((command) => classify(command, ci).kind === 'run-by-ci');

    // Assess
    expect(ci).toEqual([
      'npm ci --no-audit --no-fund',
      'npm start -- --demo 4',
      'node cli/main.ts local --demo 4',
      'npm test',
      'npm run typecheck',
      'tsc --noEmit -p tsconfig.json',
      'npm run lint',
      'biome check .',
      'npm run test:all',
      'vitest run',
    ]);
    expect(new Set(byCi.map((command) => command.text))).toEqual(
      new Set([
        'npm ci && npm start',
        'npm test',
        'npm ci',
        'npm start -- --demo 4',
        'npx vitest run --project unit',
        'npx vitest run test/unit/zoom test/unit/redact.test.ts',
        'npx vitest run test/integration/zoom-client',
      ]),
    );
  });
});

describe('reading the commands of a page', () => {
  it('joins continuation lines, keeps a heredoc body, splits the trailing comment, takes only the $ lines of a console block, and the visible inline spans that run npx, npm, aws or apt-get', () => {
    // Prepare
    const page = [
      'Run `npx qm-ingest list`, or `aws kms enable-key   # needs AWS` there; `qm-ingest status` names one.',
      '<!-- generated by `npx qm-ingest config-reference --write x.md` -->',
      '```sh',
      '# a comment line',
      'aws s3 cp a.wav s3://b/k \\',
      "  --metadata 'note=a # b'   # needs AWS: a real bucket",
      "cat > zoom.json <<'EOF'",
      '{"client_id": "<Client ID>"}',
      'EOF',
      '```',
      '```console',
      '$ npx qm-ingest status <key | recording-id>',
      'Recording abc',
      '```',
      '```ts',
      'npx not-a-command',
      '```',
      'A span may wrap: `npx qm-ingest',
      'list --json` as here.',
    ].join('\n');

    // Act
    const found = commandsIn('page.md', page);

    // Assess
    expect(found).toEqual([
      { file: 'page.md', line: 1, text: 'npx qm-ingest list', comment: undefined },
      { file: 'page.md', line: 1, text: 'aws kms enable-key', comment: 'needs AWS' },
      {
        file: 'page.md',
        line: 5,
        text: "aws s3 cp a.wav s3://b/k \\\n  --metadata 'note=a # b'",
        comment: 'needs AWS: a real bucket',
      },
      {
        file: 'page.md',
        line: 7,
        text: 'cat > zoom.json <<\'EOF\'\n{"client_id": "<Client ID>"}\nEOF',
        comment: undefined,
      },
      { file: 'page.md', line: 12, text: 'npx qm-ingest status <key | recording-id>', comment: undefined },
      { file: 'page.md', line: 18, text: 'npx qm-ingest list --json', comment: undefined },
    ]);
    expect(found.map((command) => classify(command, ci).kind)).toEqual([
      'run-by-test',
      'needs-aws',
      'needs-aws',
      'run-by-test',
      'run-by-test',
      'run-by-test',
    ]);
  });

  it('runs the first form of a synopsis, and names its placeholders', () => {
    // Act
    const retry = runnableForm(
      'npx qm-ingest retry <recording> | --status FAILED,REJECTED [--reason <text>] [--since 24h]',
    );
    const list = runnableForm(
      'npx qm-ingest list [--status EVALUATED,REJECTED] [--since 24h|7d|2026-11-24] [--json]',
    );
    const status = runnableForm('npx qm-ingest status <key | s3://bucket/key | interaction-id> [--json]');
    const shell = runnableForm("jq '.[0] | .a' x.json");

    // Assess
    expect([retry, list, status, shell]).toEqual([
      'npx qm-ingest retry <recording>',
      'npx qm-ingest list',
      'npx qm-ingest status <key | s3://bucket/key | interaction-id>',
      "jq '.[0] | .a' x.json",
    ]);
    expect(placeholdersIn(status)).toEqual([
      { written: '<key | s3://bucket/key | interaction-id>', name: 'key' },
    ]);
    expect(placeholdersIn('{"client_id": "<Client ID>"} <<EOF s3://<bucket>/<prefix>')).toEqual([
      { written: '<bucket>', name: 'bucket' },
      { written: '<prefix>', name: 'prefix' },
    ]);
  });
});
