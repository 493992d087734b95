import type { Recording, RecordingMetadata } from '../../../../shared/recordings/recording.ts';
import type { RecordingStatus } from '../../../../shared/recordings/state-machine.ts';
import { collectResults } from '../../../../shared/results/collect.ts';
import type { EvaluationResults, RecordingResults } from '../../../../shared/results/results.ts';
import { interactionDetail } from '../../polling/support/fixtures.ts';
import { aRecording } from '../../recordings/recording-fixtures.ts';

/**
 * A fixed set of recordings as the report and the export read them (each with its results when
 * it has some), with round figures so the aggregates can be worked out by hand.
 */

export const DROPPED_AT = Date.parse('2026-11-23T09:00:00Z');
const SECOND = 1_000;

export interface Finished {
  readonly recording: Recording;
  readonly results: RecordingResults | undefined;
}

interface FinishedSpec {
  readonly id: string;
  readonly status: RecordingStatus;
  readonly reason?: string;
  /** Seconds after the drop; absent: never submitted. */
  readonly submittedAfter?: number;
  /** Seconds after the drop; absent: not terminal. */
  readonly terminalAfter?: number;
  readonly polls?: number;
  readonly metadata?: RecordingMetadata;
  /** Zoom's agent and queue names; absent: no results. */
  readonly zoom?: { readonly agent: string; readonly queue: string };
  readonly evaluations?: readonly Partial<EvaluationResults>[];
}

export function finished(spec: FinishedSpec): Finished {
  const history: Recording['history'] = [
    { at: DROPPED_AT, from: null, to: 'RECEIVED', reason: 'dropped', submission: 1 },
  ];
  if (spec.submittedAfter !== undefined) {
    history.push({
      at: DROPPED_AT + spec.submittedAfter * SECOND,
      from: 'SUBMITTING',
      to: 'SUBMITTED',
      reason: 'accepted',
      submission: 1,
    });
  }
  const terminalAt = spec.terminalAfter === undefined ? undefined : DROPPED_AT + spec.terminalAfter * SECOND;
  if (terminalAt !== undefined) {
    const from = spec.submittedAfter === undefined ? 'RECEIVED' : 'SUBMITTED';
    history.push({ at: terminalAt, from, to: spec.status, reason: spec.reason ?? 'done', submission: 1 });
  }
  const statusChangedAt = terminalAt ?? DROPPED_AT + (spec.submittedAfter ?? 0) * SECOND;
  const recording = aRecording({
    recordingId: spec.id,
    status: spec.status,
    reason: spec.reason ?? 'done',
    receivedAt: DROPPED_AT,
    statusChangedAt,
    updatedAt: statusChangedAt,
    ...(spec.submittedAfter === undefined ? {} : { interactionId: `ix-${spec.id}` }),
    ...(spec.metadata === undefined ? {} : { metadata: spec.metadata }),
    poll: { pollSeq: 5, attempts: spec.polls ?? 0 },
    history,
    ...(spec.zoom === undefined
      ? {}
      : {
          results: {
            revision: 1,
            updatedAt: statusChangedAt,
            location: { kind: 'item', sk: 'RESULTS#s1-p5' },
          },
        }),
  });
  return { recording, results: spec.zoom === undefined ? undefined : resultsOf(recording, spec) };
}

/** Results as collectResults builds them from Zoom's example detail, with this agent, queue and these evaluations. */
function resultsOf(recording: Recording, spec: FinishedSpec): RecordingResults {
  const { results } = collectResults({
    recording,
    interactionId: `ix-${spec.id}`,
    status: spec.status === 'EVALUATED' ? 'EVALUATED' : 'EVALUATION_FAILED',
    collectedAt: recording.statusChangedAt,
    detail: interactionDetail([], (raw) => {
      (raw['interaction_info'] as Record<string, unknown>)['agent_name'] = spec.zoom?.agent;
      raw['queue_name'] = spec.zoom?.queue;
    }),
    automated: [],
    manualDetails: new Map(),
  });
  return {
    ...results,
    evaluations: (spec.evaluations ?? []).map((evaluation, index) => ({
      id: `${spec.id}-ev${index + 1}`,
      type: 'automated',
      sectionComments: [],
      questionComments: [],
      sections: [],
      ...evaluation,
    })),
  };
}

/**
 * Six recordings: three EVALUATED (Jane Doe twice, on Sales and Support; Omar Haddad once, on a
 * second scorecard), one EVALUATION_FAILED, one REJECTED before Zoom, one still SUBMITTED.
 */
export const FIXED_RECORDINGS: readonly Finished[] = [
  finished({
    id: 'a',
    status: 'EVALUATED',
    submittedAfter: 10,
    terminalAfter: 100,
    polls: 2,
    zoom: { agent: 'Jane Doe', queue: 'Sales' },
    evaluations: [
      { type: 'automated', scorecardName: 'Customer Care', scoreRate: 0.8 },
      { type: 'manual', scorecardName: 'Customer Care', scoringFormat: 'points', score: 9, totalScore: 10 },
    ],
  }),
  finished({
    id: 'b',
    status: 'EVALUATED',
    submittedAfter: 20,
    terminalAfter: 200,
    polls: 3,
    zoom: { agent: 'Jane Doe', queue: 'Support' },
    evaluations: [{ type: 'automated', scorecardName: 'Customer Care', scoreRate: 60 }],
  }),
  finished({
    id: 'c',
    status: 'EVALUATED',
    submittedAfter: 30,
    terminalAfter: 300,
    polls: 1,
    zoom: { agent: 'Omar Haddad', queue: 'Sales' },
    evaluations: [
      { type: 'automated', scorecardName: 'Compliance', scoreRate: 1 },
      { type: 'automated', scorecardName: 'Compliance', status: 'PROCESSING' },
    ],
  }),
  finished({
    id: 'd',
    status: 'EVALUATION_FAILED',
    reason: '1 of 2 automated evaluations failed in Zoom',
    submittedAfter: 10,
    terminalAfter: 50,
    polls: 1,
    zoom: { agent: 'Omar Haddad', queue: 'Sales' },
    evaluations: [{ type: 'automated', scorecardName: 'Compliance', status: 'FAILED' }],
  }),
  finished({
    id: 'e',
    status: 'REJECTED',
    reason:
      'Missing metadata: the agent (agent_email or agent_id) of calls/sam.lee@example.com/+33612345678.wav',
    terminalAfter: 5,
    metadata: { fromNumber: '+33612345678' },
  }),
  finished({
    id: 'f',
    status: 'SUBMITTED',
    submittedAfter: 40,
    metadata: { agentEmail: 'jane.doe@example.com', queueId: 'queue-7' },
  }),
];
