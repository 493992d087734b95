/**
 * The BI export's columns with their Glue/Athena types: the Glue table (cdk/constructs/bi-export.ts)
 * is defined from this list, and a unit test holds every export row to it. Kept apart from the
 * writer, so the functions' bundles do not carry the descriptions.
 */

/** A column of the export, with its Glue/Athena type. The Glue table is defined from this list. */
export interface ExportColumn {
  readonly name: string;
  readonly type: string;
  readonly comment: string;
}

const EVALUATION_STRUCT =
  'struct<evaluation_id:string,type:string,status:string,scorecard_id:string,scorecard_name:string,scoring_format:string,score:double,total_score:double,score_percent:double>';

export const EXPORT_COLUMNS: readonly ExportColumn[] = [
  { name: 'recording_id', type: 'string', comment: "qm-ingest's recording id" },
  { name: 'submission', type: 'int', comment: 'submission number (grows with each resubmission)' },
  {
    name: 'results_revision',
    type: 'int',
    comment: 'results revision (grows with each amendment); 0 without results',
  },
  { name: 'profile', type: 'string', comment: 'Zoom profile' },
  { name: 'zoom_account_id', type: 'string', comment: 'Zoom account' },
  { name: 'interaction_id', type: 'string', comment: 'Zoom QM interaction id' },
  { name: 'status', type: 'string', comment: 'terminal status (EVALUATED, EVALUATION_FAILED, ...)' },
  { name: 'reason', type: 'string', comment: 'why the recording is in its status' },
  {
    name: 'failure_reason',
    type: 'string',
    comment: 'the reason without its particulars (not for EVALUATED)',
  },
  { name: 'object_key', type: 'string', comment: "the recording's S3 key" },
  { name: 'agent', type: 'string', comment: "Zoom's agent name, else the agent's email or user id" },
  { name: 'agent_email', type: 'string', comment: 'agent email sent with the call' },
  { name: 'agent_id', type: 'string', comment: 'agent Zoom user id sent with the call' },
  { name: 'queue', type: 'string', comment: "Zoom's queue name, else the queue id sent" },
  { name: 'queue_id', type: 'string', comment: 'queue id sent with the call' },
  { name: 'direction', type: 'string', comment: 'inbound or outbound' },
  { name: 'language', type: 'string', comment: 'language of the call' },
  { name: 'from_number', type: 'string', comment: 'caller number' },
  { name: 'to_number', type: 'string', comment: 'callee number' },
  { name: 'call_start_time', type: 'string', comment: 'call start (ISO 8601, UTC)' },
  { name: 'duration_minutes', type: 'double', comment: 'call length reported by Zoom' },
  { name: 'dropped_at', type: 'string', comment: 'recording dropped in S3 (ISO 8601, UTC)' },
  { name: 'submitted_at', type: 'string', comment: 'first accepted by Zoom (ISO 8601, UTC)' },
  { name: 'result_at', type: 'string', comment: 'terminal status reached (ISO 8601, UTC)' },
  { name: 'seconds_to_submitted', type: 'double', comment: 'drop to first SUBMITTED' },
  { name: 'seconds_to_first_result', type: 'double', comment: 'drop to first terminal status' },
  { name: 'seconds_to_result', type: 'double', comment: 'drop to the current terminal status' },
  { name: 'evaluation_score', type: 'double', comment: "Zoom's overall evaluation score" },
  { name: 'sentiment_score', type: 'double', comment: "Zoom's sentiment score" },
  { name: 'engagement_score', type: 'double', comment: "Zoom's engagement score" },
  { name: 'zoom_calls_at_least', type: 'int', comment: 'Zoom calls the stored state proves (a lower bound)' },
  { name: 'evaluations', type: `array<${EVALUATION_STRUCT}>`, comment: 'every evaluation, scored or not' },
];
