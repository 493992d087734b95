import { gzipSync } from 'node:zlib';
import type { S3Client } from '@aws-sdk/client-s3';
import { PermanentError } from '../errors.ts';
import type { Logger } from '../logging.ts';
import { maskPersonalData } from '../notify/personal-data.ts';
import type { MetricsPort } from '../observability/metrics.ts';
import type { Recording } from '../recordings/recording.ts';
import { isTerminal } from '../recordings/state-machine.ts';
import { putResultsObject } from './encrypted-put.ts';
import { recordingFacts, scorecardOf, scorePercent } from './result-facts.ts';
import type { RecordingResults } from './results.ts';

/**
 * The BI export: each terminal result (and each later amendment of its results) written once
 * more, flat and in snake_case, as one gzipped JSON Lines object under
 * `<prefix>dt=<UTC date of the result>/`, the layout the Glue table (cdk/constructs/bi-export.ts)
 * projects its partitions from. One object per recording, submission and results revision, named
 * after them: writing the same result again (a redelivered poll, `qm-ingest export --rebuild`)
 * overwrites the same object with the same bytes.
 *
 * Personal data follows the notifications' rule: e-mails and phone numbers are masked unless the
 * environment sets `polling.results.export.includePersonalData`.
 */

/** The partition column: the UTC date the recording reached its result. */
export const EXPORT_PARTITION_COLUMN = 'dt';

export type ExportRow = Readonly<Record<string, unknown>>;

export interface ExportRowOptions {
  readonly includePersonalData: boolean;
}

/** The export's row for a recording in a terminal status, with its current results when it has some. */
export function exportRow(
  recording: Recording,
  results: RecordingResults | undefined,
  options: ExportRowOptions,
): ExportRow {
  const facts = recordingFacts(recording, results);
  const personal = (text: string | undefined): string | null =>
    text === undefined ? null : options.includePersonalData ? text : maskPersonalData(text);
  const { metadata } = recording;
  const interaction = results?.interaction;
  return {
    recording_id: recording.recordingId,
    submission: recording.submission,
    results_revision: recording.results?.revision ?? 0,
    profile: recording.profile,
    zoom_account_id: recording.zoomAccountId,
    interaction_id: recording.interactionId ?? null,
    status: recording.status,
    reason: personal(recording.reason),
    failure_reason: facts.failureReason ?? null,
    object_key: personal(recording.key),
    agent: personal(facts.agent),
    agent_email: personal(metadata.agentEmail),
    agent_id: metadata.agentId ?? null,
    queue: facts.queue ?? null,
    queue_id: metadata.queueId ?? null,
    direction: interaction?.direction ?? metadata.direction ?? null,
    language: interaction?.language ?? metadata.primaryLanguage ?? null,
    from_number: personal(metadata.fromNumber),
    to_number: personal(metadata.toNumber),
    call_start_time: metadata.startTime ?? interaction?.startTime ?? null,
    duration_minutes: interaction?.durationMinutes ?? null,
    dropped_at: isoOrNull(facts.droppedAt),
    submitted_at: isoOrNull(facts.submittedAt),
    result_at: isoOrNull(facts.terminalAt),
    seconds_to_submitted: secondsSinceDrop(facts.droppedAt, facts.submittedAt),
    seconds_to_first_result: secondsSinceDrop(facts.droppedAt, facts.firstResultAt),
    seconds_to_result: secondsSinceDrop(facts.droppedAt, facts.terminalAt),
    evaluation_score: interaction?.summary.evaluationScore ?? null,
    sentiment_score: interaction?.summary.sentimentScore ?? null,
    engagement_score: interaction?.summary.engagementScore ?? null,
    zoom_calls_at_least: facts.zoomCallsAtLeast ?? null,
    evaluations: (results?.evaluations ?? []).map((evaluation) => ({
      evaluation_id: evaluation.id,
      type: evaluation.type,
      status: evaluation.status ?? null,
      scorecard_id: evaluation.scorecardId ?? null,
      scorecard_name: scorecardOf(evaluation),
      scoring_format: evaluation.scoringFormat ?? null,
      score: evaluation.score ?? null,
      total_score: evaluation.totalScore ?? null,
      score_percent: scorePercent(evaluation) ?? null,
    })),
  };
}

/** Where a recording's current result goes: by the UTC date of its terminal status. */
export function exportObjectKey(keyPrefix: string, recording: Recording): string {
  if (!isTerminal(recording.status)) {
    throw new PermanentError(
      `Recording ${recording.recordingId} is ${recording.status}: only terminal results are exported`,
    );
  }
  const date = new Date(recording.statusChangedAt).toISOString().slice(0, 10);
  const revision = recording.results?.revision ?? 0;
  return `${keyPrefix}${EXPORT_PARTITION_COLUMN}=${date}/${recording.recordingId}-s${recording.submission}-r${revision}.jsonl.gz`;
}

/**
 * Where every export object a recording may have lies: one listing prefix per terminal status it
 * reached (its date partition, and the submission), from its history. Each names that recording's
 * objects only, so erasing a recording never lists the whole export.
 */
export function exportObjectPrefixes(keyPrefix: string, recording: Recording): string[] {
  const prefixes = recording.history
    .filter((entry) => isTerminal(entry.to))
    .map((entry) => {
      const date = new Date(entry.at).toISOString().slice(0, 10);
      return `${keyPrefix}${EXPORT_PARTITION_COLUMN}=${date}/${recording.recordingId}-s${entry.submission}-`;
    });
  return [...new Set(prefixes)];
}

export interface ResultsExporterOptions extends ExportRowOptions {
  readonly bucket: string;
  readonly keyPrefix: string;
  /** SSE-KMS requested with this key (see putResultsObject); the bucket's default when undefined. */
  readonly kms: { readonly keyId: string | undefined } | undefined;
}

export class ResultsExporter {
  readonly #s3: S3Client;
  readonly #options: ResultsExporterOptions;

  constructor(s3: S3Client, options: ResultsExporterOptions) {
    this.#s3 = s3;
    this.#options = options;
  }

  /** Writes the recording's result (idempotent: same recording state, same key and bytes). Returns the key. */
  async write(recording: Recording, results: RecordingResults | undefined): Promise<string> {
    const key = exportObjectKey(this.#options.keyPrefix, recording);
    const line = `${JSON.stringify(exportRow(recording, results, this.#options))}\n`;
    await putResultsObject(this.#s3, {
      bucket: this.#options.bucket,
      key,
      body: gzipSync(line),
      // Stored gzipped (not served with Content-Encoding), as Athena and DuckDB read `.gz` objects.
      contentType: 'application/gzip',
      kms: this.#options.kms,
    });
    return key;
  }
}

/** The metric counting endings the export could not write (namespace QmIngest, every function). */
export const EXPORT_FAILURES_METRIC = 'ResultsExportFailures';

export type ResultsExportPort = Pick<ResultsExporter, 'write'>;

/**
 * A recording's ending into the export, for every writer of a terminal status (ingest's
 * refusals, the poller, the reconciler's time-outs and stuck recordings), once the status and its
 * notification are out. Never throws: the recording has ended either way; a failure is logged
 * and counted, and `qm-ingest export --rebuild` writes what is missing. Nothing is written
 * without an exporter (the environment turned the export off).
 */
export async function exportEnding(
  exporter: ResultsExportPort | undefined,
  ended: Recording,
  results: RecordingResults | undefined,
  observe: { readonly logger: Logger; readonly metrics: MetricsPort },
): Promise<void> {
  if (exporter === undefined) {
    return;
  }
  try {
    await exporter.write(ended, results);
  } catch (error) {
    observe.metrics.count(EXPORT_FAILURES_METRIC);
    observe.logger.warn('Result not exported; `qm-ingest export --rebuild` writes it', {
      recordingId: ended.recordingId,
      status: ended.status,
      error,
    });
  }
}

function isoOrNull(at: number | undefined): string | null {
  return at === undefined ? null : new Date(at).toISOString();
}

function secondsSinceDrop(droppedAt: number, at: number | undefined): number | null {
  return at === undefined ? null : Math.max(0, at - droppedAt) / 1_000;
}
