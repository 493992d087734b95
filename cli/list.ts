/**
 * `qm-ingest list [--status S] [--since 24h] [--json]`: the recordings whose status changed within
 * a window, newest first, from the local runtime's table or, with `--env <name>`, a deployed
 * environment's.
 */

import { ConfigError } from '../shared/errors.ts';
import {
  isRecordingStatus,
  RECORDING_STATUSES,
  type RecordingStatus,
} from '../shared/recordings/state-machine.ts';
import { formatListing, type ListingHeader, listingJson } from './recording-format.ts';
import { listRecordings } from './recording-listing.ts';
import { runCommand } from './run-command.ts';
import { openTableTarget } from './table-target.ts';
import { TARGET_OPTIONS_USAGE, type TargetArgs } from './target-args.ts';
import { parseSince } from './time-window.ts';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 1_000;

const USAGE = `Usage: qm-ingest list [options]

Lists the recordings whose status changed within a window (each under its current status), newest
first.

Options:
  --status <S[,S...]>     only these statuses, among:
${wrap(RECORDING_STATUSES.join(', '), 70, ' '.repeat(26))}
  --since <window>        how far back: 90s, 30m, 24h, 7d, or a date/time (default 24h)
  --limit <n>             at most n recordings (default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT})
  --json                  print JSON
${TARGET_OPTIONS_USAGE}
  -h, --help              show this help`;

/** `text` broken at spaces into lines of at most `width` characters, each after `indent`. */
function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    if (current !== '' && current.length + 1 + word.length > width) {
      lines.push(current);
      current = word;
    } else {
      current = current === '' ? word : `${current} ${word}`;
    }
  }
  lines.push(current);
  return lines.map((line) => `${indent}${line}`).join('\n');
}

export function run(args: readonly string[]): Promise<number> {
  return runCommand(
    'list',
    USAGE,
    args,
    {
      positionals: 0,
      extraOptions: { status: { type: 'string' }, since: { type: 'string' }, limit: { type: 'string' } },
    },
    async (parsed: TargetArgs) => {
      const now = Date.now();
      const statuses = parseStatuses(parsed.extra['status']);
      const from = parseSince(parsed.extra['since'] ?? '24h', now);
      const limit = parseLimit(parsed.extra['limit']);
      const target = await openTableTarget(parsed.target);
      try {
        // A minute ahead: a status written by a machine whose clock runs slightly fast is still listed.
        const listing = await listRecordings(target, { statuses, range: { from, to: now + 60_000 }, limit });
        const header: ListingHeader = {
          source: target.description,
          from,
          statuses,
          allStatuses: statuses.length === RECORDING_STATUSES.length,
        };
        console.log(parsed.json ? listingJson(listing, header) : formatListing(listing, header));
        return 0;
      } finally {
        await target.close();
      }
    },
  );
}

/** `--status evaluated,rejected` (any case); every status when absent. */
export function parseStatuses(value: string | undefined): RecordingStatus[] {
  if (value === undefined) {
    return [...RECORDING_STATUSES];
  }
  const statuses = value.split(',').map((status) => status.trim().toUpperCase());
  const unknown = statuses.filter((status) => !isRecordingStatus(status));
  if (unknown.length > 0 || statuses.length === 0) {
    throw new ConfigError(
      `--status takes statuses among ${RECORDING_STATUSES.join(', ')}; not ${unknown.join(', ')}`,
    );
  }
  return [...new Set(statuses.filter(isRecordingStatus))];
}

function parseLimit(value: string | undefined): number {
  if (value === undefined) {
    return DEFAULT_LIMIT;
  }
  const limit = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new ConfigError(`--limit takes a number from 1 to ${MAX_LIMIT}`);
  }
  return limit;
}
