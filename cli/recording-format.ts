import { formatScores } from '../local/runtime/outcome-details.ts';
import type { Remedy } from '../shared/operator/remedies.ts';
import type { Recording } from '../shared/recordings/recording.ts';
import type { RecordingResults } from '../shared/results/results.ts';
import type { Listing } from './recording-listing.ts';

/**
 * How `qm-ingest status` and `list` show recordings: readable text for a person, or JSON for a
 * script (`--json`). Pure, so the layouts are unit-tested. The text never shows the recording's
 * metadata (agent emails, phone numbers, names): the JSON of `status` does, for the operator
 * who asked for that one recording.
 */

/** What `status` found for one recording: its results when stored, or why they could not be read. */
export interface RecordingDetails {
  readonly recording: Recording;
  readonly results?: RecordingResults | undefined;
  readonly resultsError?: string | undefined;
  /** What fixes the recording's status, with the command, when it needs fixing. */
  readonly remedy?: Remedy | undefined;
}

export function formatRecordingDetails(details: RecordingDetails): string {
  const { recording, results, resultsError } = details;
  const lines = [
    `Recording ${recording.recordingId}`,
    field(
      'object',
      `s3://${recording.bucket}/${recording.key} (${recording.size} bytes, ${recording.contentType || 'no content type'})`,
    ),
    field('status', `${recording.status} since ${utc(recording.statusChangedAt)}`),
    field('reason', recording.reason),
    field(
      'Zoom',
      `${recording.interactionId === undefined ? 'no interaction' : `interaction ${recording.interactionId}`}, account ${recording.zoomAccountId} (profile ${recording.profile}), submission ${recording.submission}`,
    ),
    field(
      'dropped',
      `${utc(recording.receivedAt)}; status reached ${seconds(recording.statusChangedAt - recording.receivedAt)} later`,
    ),
  ];
  if (recording.status === 'SUBMITTED') {
    const { nextPollDueAt, deadlineAt } = recording.poll;
    lines.push(
      field(
        'polling',
        `${recording.poll.attempts} checks so far${nextPollDueAt === undefined ? '' : `, next at ${utc(nextPollDueAt)}`}${deadlineAt === undefined ? '' : `, deadline ${utc(deadlineAt)}`}`,
      ),
    );
  }
  if (results !== undefined) {
    lines.push(field('scores', formatScores(results.evaluations)));
    for (const evaluation of results.evaluations) {
      lines.push(
        `    ${evaluation.type} ${evaluation.id}: ${evaluation.status ?? 'status unknown'}, ${evaluation.scorecardName ?? evaluation.name ?? 'scorecard unknown'}, ${formatScores([evaluation])}`,
      );
    }
  } else if (resultsError !== undefined) {
    lines.push(field('results', `not readable: ${resultsError}`));
  }
  if (details.remedy !== undefined) {
    lines.push(field('remedy', details.remedy.advice));
    lines.push(...details.remedy.commands.map((command) => `    ${command}`));
  }
  lines.push('  history');
  for (const entry of recording.history) {
    lines.push(`    ${utc(entry.at)}  ${entry.to.padEnd(17)}  ${entry.reason}`);
  }
  return lines.join('\n');
}

/** The JSON of `status`: every match, with its results. */
export function recordingDetailsJson(found: readonly RecordingDetails[]): string {
  return JSON.stringify(
    found.map((details) => ({
      recording: details.recording,
      ...(details.results === undefined ? {} : { results: details.results }),
      ...(details.resultsError === undefined ? {} : { resultsError: details.resultsError }),
      ...(details.remedy === undefined ? {} : { remedy: details.remedy }),
    })),
    null,
    2,
  );
}

export interface ListingHeader {
  readonly source: string;
  readonly from: number;
  readonly statuses: readonly string[];
  readonly allStatuses: boolean;
}

export function formatListing(listing: Listing, header: ListingHeader): string {
  const which = header.allStatuses ? 'Recordings' : `Recordings ${header.statuses.join(' or ')}`;
  const title = `${which} whose status changed since ${utc(header.from)}, in ${header.source}, newest first:`;
  if (listing.recordings.length === 0) {
    return `${title}\n  (none)`;
  }
  const rows = listing.recordings.map((recording) => [
    utc(recording.statusChangedAt),
    recording.status,
    recording.recordingId,
    recording.key,
    recording.interactionId ?? '-',
  ]);
  const headings = ['changed', 'status', 'recording id', 'key', 'interaction'];
  const widths = headings.map((heading, column) =>
    Math.max(heading.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [
    title,
    line(headings),
    ...rows.map(line),
    ...(listing.truncated ? [`... more recordings match: raise --limit or narrow --since / --status`] : []),
  ].join('\n');
}

/** The JSON of `list`: a summary per recording (no metadata), newest first. */
export function listingJson(listing: Listing, header: ListingHeader): string {
  return JSON.stringify(
    {
      source: header.source,
      since: new Date(header.from).toISOString(),
      statuses: header.statuses,
      truncated: listing.truncated,
      recordings: listing.recordings.map((recording) => ({
        recordingId: recording.recordingId,
        bucket: recording.bucket,
        key: recording.key,
        status: recording.status,
        reason: recording.reason,
        statusChangedAt: new Date(recording.statusChangedAt).toISOString(),
        receivedAt: new Date(recording.receivedAt).toISOString(),
        interactionId: recording.interactionId ?? null,
        submission: recording.submission,
      })),
    },
    null,
    2,
  );
}

function field(name: string, value: string): string {
  return `  ${name.padEnd(9)} ${value}`;
}

/** `2026-11-25 12:45:52Z`: UTC, to the second. */
export function utc(at: number): string {
  return `${new Date(at).toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

function seconds(ms: number): string {
  return `${(Math.max(0, ms) / 1_000).toFixed(1)} s`;
}
