import { LOCAL_ENVIRONMENT_NAME } from '../config/environment.ts';
import type { Notification } from '../recordings/notification.ts';
import type { RecordingStatus } from '../recordings/state-machine.ts';

/**
 * The remedy of a recording that ended badly: what to do, in words, and the exact `qm-ingest`
 * command that does it, when one exists. Alerts and `qm-ingest status` print it, so every failure a
 * person sees comes with what to run. Pure.
 */

export interface Remedy {
  /** What to do, one sentence. */
  readonly advice: string;
  /** The commands that fix it, ready to paste; empty when no command can (the fix is outside qm-ingest). */
  readonly commands: readonly string[];
}

/**
 * Rejection codes a retry cannot fix: the bytes themselves are wrong (new bytes are a new
 * recording, announced by their own upload) or gone.
 */
const NEEDS_NEW_UPLOAD = new Set(['zero-bytes', 'too-large', 'unsupported-type']);

/**
 * The remedy for a recording in `status` (with the ending's code, when known: the notification's
 * `details.code`), as commands for the environment `environment` (the local runtime needs no
 * `--env`). Undefined for statuses that need none.
 */
export function remedyFor(
  recording: { readonly recordingId: string; readonly status: RecordingStatus },
  environment: string,
  code?: string | undefined,
): Remedy | undefined {
  const command = (verb: string, options = ''): string =>
    `qm-ingest ${verb} ${recording.recordingId}${options}${targetOption(environment)}`;
  switch (recording.status) {
    case 'REJECTED':
      if (code === 'object-deleted') {
        return {
          advice: 'The object is gone: upload the recording again if it is still wanted.',
          commands: [],
        };
      }
      if (code !== undefined && NEEDS_NEW_UPLOAD.has(code)) {
        return {
          advice:
            'The bytes cannot be sent as they are: upload a corrected recording (new bytes are a recording of their own).',
          commands: [],
        };
      }
      return {
        advice:
          'Fix the metadata as the reason says (the sidecar, the object metadata or the key), then retry: the metadata is read again.',
        commands: [command('retry')],
      };
    case 'FAILED':
      return {
        advice: 'Fix the cause the reason names (Zoom credentials, availability), then retry.',
        commands: [command('retry')],
      };
    case 'TIMED_OUT':
      return {
        advice:
          'Zoom did not finish in time: look the interaction up in Zoom QM, then retry if it is not there.',
        commands: [command('retry')],
      };
    case 'NEEDS_REVIEW':
      return {
        advice:
          'Look the recording up in Zoom QM: link the interaction you find, or resubmit, accepting a possible duplicate.',
        commands: [command('resolve', ' --interaction <interaction-id>'), command('resolve', ' --resubmit')],
      };
    case 'EVALUATION_FAILED':
      return {
        advice: 'Zoom could not evaluate the interaction: check its scorecards in Zoom QM.',
        commands: [],
      };
    default:
      return undefined;
  }
}

/** The remedy of the ending a notification reports, from its status and the code its writer put in its details. */
export function notificationRemedy(
  notification: Pick<Notification, 'recordingId' | 'status' | 'details'>,
  environment: string,
): Remedy | undefined {
  const code = notification.details['code'];
  return remedyFor(notification, environment, typeof code === 'string' ? code : undefined);
}

/** `--env <name>` for a deployed environment; nothing for the local runtime. */
export function targetOption(environment: string): string {
  return environment === LOCAL_ENVIRONMENT_NAME ? '' : ` --env ${environment}`;
}

/** The remedy as text lines: the advice, then each command indented. */
export function remedyLines(remedy: Remedy): string[] {
  return [remedy.advice, ...remedy.commands.map((command) => `  ${command}`)];
}
