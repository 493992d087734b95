import type { Recording } from '../recordings/recording.ts';
import type { TerminalStatus } from '../recordings/state-machine.ts';
import type {
  AutomatedEvaluation,
  EvaluationDetail,
  InteractionDetail,
  InteractionEvaluation,
} from '../zoom/schemas.ts';
import {
  type EvaluationResults,
  type InteractionResults,
  RESULTS_SCHEMA_VERSION,
  type RecordingResults,
} from './results.ts';

/**
 * Builds a recording's results from what Zoom answered at the end of polling: the interaction's
 * detail, the automated evaluations list, and the scorecards of its manual evaluations. Pure, so
 * every field mapping is unit-tested from Zoom's own examples. The transcript is handed back
 * separately: it is stored apart from the document.
 */

/** Zoom's transcript body as it came (speakers and lines): stored as is, in the results bucket. */
export type TranscriptBody = NonNullable<InteractionDetail['transcript_body']>;

export interface ResultsInput {
  readonly recording: Pick<Recording, 'recordingId' | 'submission' | 'zoomAccountId'>;
  readonly interactionId: string;
  readonly status: TerminalStatus;
  readonly collectedAt: number;
  readonly detail: InteractionDetail;
  /** GET /qm/automated_evaluations?interaction_id= at the same poll. */
  readonly automated: readonly AutomatedEvaluation[];
  /** GET /qm/evaluation/{id} of the manual evaluations that were fetched, by id. */
  readonly manualDetails: ReadonlyMap<string, EvaluationDetail>;
}

/** The results document (without its transcript reference, added when stored) and the transcript. */
export interface CollectedResults {
  readonly results: Omit<RecordingResults, 'transcript'>;
  readonly transcript: TranscriptBody | undefined;
}

export function collectResults(input: ResultsInput): CollectedResults {
  const { detail } = input;
  return {
    results: {
      schemaVersion: RESULTS_SCHEMA_VERSION,
      recordingId: input.recording.recordingId,
      submission: input.recording.submission,
      zoomAccountId: input.recording.zoomAccountId,
      interactionId: input.interactionId,
      status: input.status,
      collectedAt: input.collectedAt,
      interaction: interactionResults(input.interactionId, detail),
      evaluations: evaluationResults(detail, input.automated, input.manualDetails),
    },
    transcript: hasTranscript(detail.transcript_body) ? detail.transcript_body : undefined,
  };
}

/** An automated evaluation's result as its `evaluation_completed` event reported it. */
export type ReportedResult = Readonly<
  Pick<EvaluationResults, 'scorecardName' | 'scoringFormat' | 'score' | 'totalScore' | 'scoreRate'>
>;

/**
 * Results collected from a detail read while automated evaluations were processing, finished
 * with what their `evaluation_completed` events reported since (by evaluation id): each such
 * evaluation COMPLETED with the event's fields, marked as completed from the webhook. The stored
 * transcript reference is kept: the transcript stored with the snapshot is the interaction's.
 */
export function completedByEvents(
  snapshot: RecordingResults,
  reported: ReadonlyMap<string, ReportedResult>,
  ending: { readonly status: TerminalStatus; readonly collectedAt: number },
): CollectedResults {
  const evaluations = snapshot.evaluations.map((evaluation) => {
    const result = reported.get(evaluation.id);
    return result === undefined || evaluation.type !== 'automated'
      ? evaluation
      : withScoreRate({
          ...evaluation,
          status: 'COMPLETED',
          scorecardName: result.scorecardName ?? evaluation.scorecardName,
          scoringFormat: result.scoringFormat ?? evaluation.scoringFormat,
          score: result.score,
          totalScore: result.totalScore ?? evaluation.totalScore,
          scoreRate: result.scoreRate,
          completedFrom: 'webhook' as const,
        });
  });
  return { results: { ...snapshot, ...ending, evaluations }, transcript: undefined };
}

/**
 * The manual evaluations of an interaction worth fetching a scorecard for: those Zoom lists as
 * Completed (before that their scorecard holds no answers).
 */
export function completedManualEvaluationIds(detail: InteractionDetail): string[] {
  return (detail.interaction_info.evaluations ?? [])
    .filter((evaluation) => !isAutomated(evaluation) && evaluation.evaluation_status_desc === 'Completed')
    .map((evaluation) => evaluation.evaluation_id);
}

/** Manual statuses after which an evaluation no longer changes (short of a re-score or a dispute). */
const FINAL_MANUAL_STATUSES: readonly (string | undefined)[] = ['Completed', 'Expired', 'Canceled'];

/** The manual evaluations of collected results that are still to be completed (Pending, Active, unknown). */
export function pendingManualEvaluationIds(results: Pick<RecordingResults, 'evaluations'>): string[] {
  return results.evaluations
    .filter(
      (evaluation) => evaluation.type === 'manual' && !FINAL_MANUAL_STATUSES.includes(evaluation.status),
    )
    .map((evaluation) => evaluation.id);
}

function interactionResults(interactionId: string, detail: InteractionDetail): InteractionResults {
  const info = detail.interaction_info;
  const metrics = detail.metrics;
  const analysis = detail.analysis;
  return {
    interactionId,
    startTime: detail.start_time,
    durationMinutes: detail.duration,
    queueId: detail.queue_id,
    queueName: detail.queue_name,
    direction: detail.direction,
    language: detail.language,
    channelType: info.channel_type,
    engagementId: detail.engagement_id,
    agentName: info.agent_name,
    scorecardName: info.scorecard_name,
    summaryText: detail.interaction_summary,
    summary: {
      evaluationScore: detail.summary?.evaluation_score,
      sentimentScore: detail.summary?.sentiment_score,
      engagementScore: detail.summary?.engagement_score,
    },
    metrics: {
      talkToListenRatio: speakerValues(metrics?.talk_to_listen_ratio),
      longestMonologSeconds: speakerValues(metrics?.longest_monolog),
      talkSpeedWordsPerMinute: speakerValues(metrics?.talk_speed),
      fillerWordsPerMinute: speakerValues(metrics?.filler_words),
      patienceSeconds: speakerValues(metrics?.patience),
    },
    events: {
      silence: timeSpans(detail.silence_events),
      crosstalk: timeSpans(detail.crosstalk_events),
      hold: timeSpans(detail.hold_events),
    },
    analysis: {
      topics: (analysis?.topics ?? []).map((topic) => ({ name: topic.topic_name, type: topic.type })),
      indicators: texts(analysis?.indicators, (indicator) => indicator.indicator_name),
      nextSteps: texts(analysis?.next_steps, (step) => step.next_step),
      goodQuestions: texts(analysis?.good_questions, (question) => question.good_question),
    },
    screenRecordingStatus: detail.screen_recording_status,
  };
}

/**
 * Every evaluation of the interaction once: those of the detail (with their scores and comments),
 * completed by the automated list (scorecard, times, the status that decided the outcome) and by
 * each manual evaluation's scorecard; automated ones the detail does not show yet are added.
 */
function evaluationResults(
  detail: InteractionDetail,
  automated: readonly AutomatedEvaluation[],
  manualDetails: ReadonlyMap<string, EvaluationDetail>,
): EvaluationResults[] {
  const listed = new Map(automated.map((evaluation) => [evaluation.id, evaluation]));
  const fromDetail = (detail.interaction_info.evaluations ?? []).map((evaluation) => {
    const automatedEntry = listed.get(evaluation.evaluation_id);
    listed.delete(evaluation.evaluation_id);
    const base = fromInteractionEvaluation(
      evaluation,
      automatedEntry !== undefined || isAutomated(evaluation),
    );
    const withList = automatedEntry === undefined ? base : mergeAutomated(base, automatedEntry);
    const scorecard = manualDetails.get(evaluation.evaluation_id);
    return scorecard === undefined ? withList : mergeScorecard(withList, scorecard);
  });
  const onlyListed = [...listed.values()].map((evaluation) =>
    mergeAutomated(emptyEvaluation(evaluation.id, 'automated'), evaluation),
  );
  return [...fromDetail, ...onlyListed];
}

function fromInteractionEvaluation(evaluation: InteractionEvaluation, automated: boolean): EvaluationResults {
  return withScoreRate({
    ...emptyEvaluation(evaluation.evaluation_id, automated ? 'automated' : 'manual'),
    status: evaluation.evaluation_status_desc,
    name: evaluation.evaluation_name,
    scoringFormat: evaluation.scoring_format,
    score: evaluation.score,
    totalScore: evaluation.total_score,
    scoreRate: evaluation.score_rate,
    sessionId: evaluation.session_id,
    evaluator:
      evaluation.evaluator_id === undefined && evaluation.evaluator_name === undefined
        ? undefined
        : { name: evaluation.evaluator_name, userId: evaluation.evaluator_id },
    sectionComments: (evaluation.section_comments ?? []).map((comment) => ({
      sectionId: comment.section_id,
      sectionName: comment.section_name,
      text: comment.comment_text,
    })),
    questionComments: (evaluation.question_comments ?? []).map((comment) => ({
      questionId: comment.question_id,
      questionTitle: comment.question_title,
      text: comment.comment_text,
      atSecond: comment.comment_time,
    })),
  });
}

/** The automated list's fields win for the status (it decided the outcome); the detail's scores are kept. */
function mergeAutomated(base: EvaluationResults, listed: AutomatedEvaluation): EvaluationResults {
  return withScoreRate({
    ...base,
    type: 'automated',
    status: listed.status ?? base.status,
    scorecardId: listed.scorecard_id ?? base.scorecardId,
    scorecardName: listed.scorecard_name ?? base.scorecardName,
    scoringFormat: base.scoringFormat ?? listed.scoring_format,
    score: base.score ?? listed.evaluation_score,
    totalScore: base.totalScore ?? listed.total_score,
    createdAt: listed.create_time,
    modifiedAt: listed.modify_time,
  });
}

function mergeScorecard(base: EvaluationResults, detail: EvaluationDetail): EvaluationResults {
  const scorecard = detail.scorecard;
  return withScoreRate({
    ...base,
    scorecardId: scorecard.scorecard_id ?? base.scorecardId,
    scorecardName: scorecard.scorecard_name ?? base.scorecardName,
    score: scorecard.score ?? base.score,
    totalScore: scorecard.total_score ?? base.totalScore,
    evaluator:
      scorecard.evaluator === undefined
        ? base.evaluator
        : { name: scorecard.evaluator.name, userId: scorecard.evaluator.user_id },
    createdAt: scorecard.create_time ?? base.createdAt,
    modifiedAt: scorecard.modify_time ?? base.modifiedAt,
    completionDate: scorecard.completion_date,
    acknowledgementStatus: scorecard.acknowledgment_status,
    disputeStatus: scorecard.dispute_status,
    sections: (scorecard.sections ?? []).map((section) => ({
      name: section.name,
      weight: section.weight,
      order: section.order,
      score: section.score,
      totalScore: section.total_score,
      questions: (section.questions ?? []).map((question) => ({
        questionId: question.question_id,
        type: question.type,
        title: question.title,
        description: question.description,
        answerId: question.answer_id,
        answerLabel: question.answer_label,
        score: question.score,
        totalScore: question.total_score,
        options: (question.options ?? []).map((option) => ({
          optionId: option.option_id,
          label: option.label,
          value: option.value,
          autoFail: option.auto_fail,
          points: option.points,
        })),
        scale:
          question.scale === undefined
            ? undefined
            : {
                hasNaOption: question.scale.has_na_option,
                highLabel: question.scale.high_label,
                lowLabel: question.scale.low_label,
                scaleMax: question.scale.scale_max,
                scaleMin: question.scale.scale_min,
              },
      })),
    })),
  });
}

function emptyEvaluation(id: string, type: EvaluationResults['type']): EvaluationResults {
  return { id, type, sectionComments: [], questionComments: [], sections: [] };
}

/**
 * Zoom's score rate is `score / total_score` for a points scorecard (and the score itself for a
 * percentage one); when Zoom leaves it out, only the unambiguous points case is computed.
 */
function withScoreRate(evaluation: EvaluationResults): EvaluationResults {
  if (
    evaluation.scoreRate !== undefined ||
    evaluation.scoringFormat !== 'points' ||
    evaluation.score === undefined ||
    evaluation.totalScore === undefined ||
    evaluation.totalScore <= 0
  ) {
    return evaluation;
  }
  return { ...evaluation, scoreRate: evaluation.score / evaluation.totalScore };
}

function isAutomated(evaluation: InteractionEvaluation): boolean {
  return evaluation.evaluation_type === 'Automated';
}

function speakerValues(
  values: readonly { readonly speaker_user_id?: string | undefined; readonly value: number }[] | undefined,
): InteractionResults['metrics']['talkToListenRatio'] {
  return (values ?? []).map((entry) => ({ speakerUserId: entry.speaker_user_id, value: entry.value }));
}

function timeSpans(
  spans:
    | readonly { readonly start_time?: string | undefined; readonly end_time?: string | undefined }[]
    | undefined,
): InteractionResults['events']['silence'] {
  return (spans ?? []).map((span) => ({ startTime: span.start_time, endTime: span.end_time }));
}

function texts<TEntry>(
  entries: readonly TEntry[] | undefined,
  textOf: (entry: TEntry) => string | undefined,
): string[] {
  return (entries ?? []).flatMap((entry) => {
    const text = textOf(entry);
    return text === undefined || text.trim() === '' ? [] : [text];
  });
}

function hasTranscript(transcript: TranscriptBody | undefined): transcript is TranscriptBody {
  return (
    transcript !== undefined &&
    ((transcript.items?.length ?? 0) > 0 || (transcript.speakers?.length ?? 0) > 0)
  );
}
