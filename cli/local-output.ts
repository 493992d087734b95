import { LOCAL_CREDENTIALS } from '../local/aws/index.ts';
import type { RuntimeEvent } from '../local/runtime/index.ts';
import { formatScores, outcomeDetails } from '../local/runtime/outcome-details.ts';
import { EVALUATION_UPDATED_MESSAGE_TYPE } from '../shared/notify/messages.ts';
import { isTerminal } from '../shared/recordings/state-machine.ts';

/**
 * What `qm-ingest local` prints: the banner (where everything runs, the AWS endpoints as
 * `AWS_ENDPOINT_URL_*` lines, the bucket, a ready command to drop a recording) and one line per
 * event while it runs. Pure text from plain data, so the layout is unit-tested.
 */

export interface BannerInfo {
  readonly startupMs: number;
  readonly scenario: string;
  readonly zoomApiBaseUrl: string;
  /** The webhook endpoint the simulator sends Zoom's events to; undefined with --no-webhooks. */
  readonly webhookUrl: string | undefined;
  /** `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_REGION` and the local credentials. */
  readonly awsEnv: Readonly<Record<string, string>>;
  readonly s3Endpoint: string;
  readonly region: string;
  readonly bucket: string;
  /** The second bucket, whose events reach ingest through EventBridge (as an existing bucket's do). */
  readonly existingBucket: string;
  readonly prefix: string;
  readonly suffixes: readonly string[];
  readonly functions: string;
  /** Where data is kept, where the function logs are, and the sample recording; undefined in memory. */
  readonly dataDir: string | undefined;
  readonly logsDir: string | undefined;
  readonly samplePath: string | undefined;
  /** Today's date (yyyy-MM-dd), for the example key. */
  readonly today: string;
}

export function formatBanner(info: BannerInfo): string {
  const credentials = `AWS_ACCESS_KEY_ID=${LOCAL_CREDENTIALS.accessKeyId} AWS_SECRET_ACCESS_KEY=${LOCAL_CREDENTIALS.secretAccessKey} AWS_REGION=${info.region}`;
  const sample = info.samplePath ?? 'call.wav';
  const endpointLines = Object.entries(info.awsEnv)
    .sort(([left], [right]) => endpointOrder(left) - endpointOrder(right) || left.localeCompare(right))
    .map(([name, value]) => `export ${name}=${value}`);
  return [
    `qm-ingest local: the whole pipeline runs on 127.0.0.1 (ready in ${(info.startupMs / 1_000).toFixed(1)} s)`,
    `  Zoom QM simulator  ${info.zoomApiBaseUrl}  (${info.scenario})`,
    info.webhookUrl === undefined
      ? '  webhooks           off (--no-webhooks): results are found by polling alone'
      : `  webhooks           ${info.webhookUrl} (the simulator sends Zoom's QM events here; polling is the safety net)`,
    `  functions          ${info.functions}`,
    ...(info.logsDir === undefined
      ? []
      : [`  function logs      ${info.logsDir} (JSON lines and EMF metrics, as CloudWatch gets them)`]),
    ...(info.dataDir === undefined
      ? ['  data               in memory (nothing kept)']
      : [`  data               ${info.dataDir} (kept between runs; --clean starts afresh)`]),
    '',
    'AWS endpoints, for the AWS CLI or an SDK (paste into a shell):',
    ...endpointLines,
    '',
    `Recordings bucket: ${info.bucket} (keys under ${info.prefix} ending in ${info.suffixes.join(' ')})`,
    `Existing bucket:   ${info.existingBucket} (same keys; events through EventBridge, as for a bucket of yours: recordings mode "existing")`,
    '',
    'Drop a recording (a new key each time: the same bytes at the same key are the same recording):',
    `  ${credentials} \\`,
    `  aws --endpoint-url ${info.s3Endpoint} s3 cp ${sample} \\`,
    `    s3://${info.bucket}/${info.prefix}${info.today}/call-$(date +%H%M%S).wav \\`,
    '    --metadata agent-email=jane.doe@example.com,direction=inbound',
    `  (or s3://${info.existingBucket}/... to come in through EventBridge)`,
    'Then: npx qm-ingest list   and   npx qm-ingest status <key or interaction id>',
    '',
    'Watching recordings: progress, outcomes and alerts appear below. Ctrl-C stops everything.',
  ].join('\n');
}

/** Endpoint variables first (in the order services are listed), then region and credentials. */
function endpointOrder(name: string): number {
  return name.startsWith('AWS_ENDPOINT_URL_') ? 0 : 1;
}

/** The width of the status column: the longest status, EVALUATION_FAILED. */
const STATUS_WIDTH = 17;

export interface EventLineContext {
  /** The object key of a recording id, when known from its progress (notifications mask keys). */
  readonly keyOf: (recordingId: string) => string | undefined;
  readonly logsDir: string | undefined;
}

/**
 * One event as a line, or undefined when it needs none: a terminal transition is shown by its
 * notification (which carries the scores), not twice.
 */
export function formatEvent(event: RuntimeEvent, context: EventLineContext): string | undefined {
  switch (event.kind) {
    case 'progress': {
      const { entry, recording } = event;
      if (isTerminal(entry.to)) {
        return undefined;
      }
      return line(entry.at, entry.to, `${recording.key}  ${entry.reason}`);
    }
    case 'outcome': {
      const { message } = event;
      const key = context.keyOf(message.recordingId) ?? message.key;
      const { code, scores } = outcomeDetails(message.details);
      const summary =
        message.status === 'EVALUATED'
          ? `scores ${formatScores(scores)}${message.interactionId === null ? '' : ` (interaction ${message.interactionId})`}`
          : `${code === undefined ? '' : `${code}: `}${message.reason}`;
      // A finished recording's results amended later (a late manual evaluation): shown as an update.
      const label = message.type === EVALUATION_UPDATED_MESSAGE_TYPE ? 'UPDATED' : message.status;
      return line(event.receivedAt, label, `${key}  ${summary}`);
    }
    case 'alert': {
      const why = /^Why: (.*)$/m.exec(event.body)?.[1] ?? '';
      return line(event.receivedAt, 'ALERT', `${event.subject}: ${why}`);
    }
    case 'problem': {
      const where = context.logsDir === undefined ? '' : `  (function logs: ${context.logsDir})`;
      return line(event.at, '!', `${event.source}: ${event.message}${where}`);
    }
  }
}

function line(at: number, label: string, text: string): string {
  return `${clockTime(at)}  ${label.padEnd(STATUS_WIDTH)}  ${text}`;
}

/** HH:MM:SS in the local time zone: the time a person watching reads. */
export function clockTime(at: number): string {
  const date = new Date(at);
  return [date.getHours(), date.getMinutes(), date.getSeconds()]
    .map((part) => String(part).padStart(2, '0'))
    .join(':');
}
