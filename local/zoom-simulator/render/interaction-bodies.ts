/**
 * The interaction bodies (GET /qm/interactions and GET /qm/interactions/{id}), rendered strictly
 * to the OpenAPI schemas; Zoom's documented deviations are applied afterwards by quirks.ts.
 */
import { type EvaluationResult, evaluationResult } from '../content/evaluation-content.ts';
import type { InteractionContent } from '../content/interaction-content.ts';
import type { InteractionRecord } from '../interactions.ts';
import { stableZoomId } from '../random.ts';
import { zoomTime } from '../zoom-time.ts';
import {
  type Body,
  type EvaluationView,
  evaluationsAt,
  evaluationType,
  type RenderContext,
} from './common.ts';

/** The scorecard shown for the interaction: its first evaluation's. */
function primaryResult(
  context: RenderContext,
  views: readonly EvaluationView[],
): EvaluationResult | undefined {
  const completed = views.find((view) => view.completed) ?? views[0];
  return completed === undefined
    ? undefined
    : evaluationResult(context.seed, completed.evaluation, completed.completed);
}

function eventCount(content: InteractionContent) {
  return {
    silence_event_count: content.silenceEvents.length,
    crosstalk_event_count: content.crosstalkEvents.length,
    hold_event_count: content.holdEvents.length,
  };
}

function summary(
  content: InteractionContent,
  result: EvaluationResult | undefined,
  completed: boolean,
): Body {
  return {
    ...(completed && result !== undefined ? { evaluation_score: result.score } : {}),
    sentiment_score: content.sentimentScore,
    engagement_score: content.engagementScore,
  };
}

function common(record: InteractionRecord, content: InteractionContent): Body {
  const { input } = record;
  return {
    start_time: zoomTime(input.startTime),
    duration: content.durationMinutes,
    ...(input.queue === undefined ? {} : { queue_id: input.queue.id, queue_name: input.queue.name }),
    engagement_id: record.engagementId,
    direction: input.direction,
  };
}

function interactionInfoBase(record: InteractionRecord, content: InteractionContent): Body {
  const { input } = record;
  return {
    ...(input.from === undefined ? {} : { from: input.from }),
    ...(input.to === undefined ? {} : { to: input.to }),
    interaction_id: record.id,
    agent_name: input.agent.displayName,
    consumer_name: input.consumerName ?? input.from ?? 'Customer',
    channel_type: input.channelType,
    associated_ids: content.associatedIds,
  };
}

/** One item of GET /qm/interactions. */
export function renderInteractionListItem(record: InteractionRecord, context: RenderContext): Body {
  const content = context.contentOf(record);
  const views = evaluationsAt(record, context.now);
  const result = primaryResult(context, views);
  return {
    ...common(record, content),
    interaction_info: {
      ...interactionInfoBase(record, content),
      evaluations: views.map((view) => ({
        evaluation_id: view.evaluation.id,
        evaluation_type: evaluationType(view.evaluation),
      })),
    },
    ...(record.input.disposition === undefined ? {} : { disposition: record.input.disposition }),
    ...eventCount(content),
    ...(result === undefined ? {} : { scorecard_name: result.scorecard.name }),
    summary: summary(
      content,
      result,
      views.some((view) => view.completed),
    ),
    primary_language: content.language,
    screen_recording_status: content.screenRecording.status,
  };
}

function detailEvaluation(context: RenderContext, view: EvaluationView): Body {
  const { evaluation } = view;
  const result = evaluationResult(context.seed, evaluation, view.completed);
  const manual = evaluation.kind === 'manual' ? evaluation : undefined;
  return {
    evaluation_id: evaluation.id,
    evaluation_type: evaluationType(evaluation),
    evaluation_status_desc: view.status,
    session_id: stableZoomId(context.seed, 'session', evaluation.id),
    ...(view.completed
      ? { score: result.score, total_score: result.totalScore, score_rate: result.scoreRate }
      : {}),
    scoring_format: result.scorecard.scoringFormat,
    ...(manual === undefined
      ? {}
      : { evaluator_id: manual.evaluator.userId, evaluator_name: manual.evaluator.displayName }),
    ...(result.sectionComments.length === 0
      ? {}
      : {
          section_comments: result.sectionComments.map((comment) => ({
            section_id: comment.sectionId,
            section_name: comment.sectionName,
            comment_text: comment.text,
          })),
        }),
    ...(result.questionComments.length === 0
      ? {}
      : {
          question_comments: result.questionComments.map((comment) => ({
            question_id: comment.questionId,
            question_title: comment.questionTitle,
            comment_text: comment.text,
            comment_time: comment.timeSeconds,
          })),
        }),
    evaluation_name: result.scorecard.name,
  };
}

/** The deprecated scorecard fields of interaction_info, still served: from the first finished evaluation. */
function deprecatedScorecardFields(context: RenderContext, views: readonly EvaluationView[]): Body {
  const finished =
    views.find((view) => view.completed && view.evaluation.kind === 'manual') ??
    views.find((view) => view.completed);
  if (finished === undefined) return {};
  const result = evaluationResult(context.seed, finished.evaluation, true);
  const evaluator = finished.evaluation.kind === 'manual' ? finished.evaluation.evaluator : undefined;
  return {
    ...(evaluator === undefined
      ? {}
      : { evaluator_name: evaluator.displayName, evaluator_user_id: evaluator.userId }),
    scorecard_name: result.scorecard.name,
    scorecard_id: result.scorecard.id,
    evaluation_score: result.score,
  };
}

const metric = (values: InteractionContent['metrics']['talkSpeed']) =>
  values.map((value) => ({ speaker_user_id: value.userId, value: value.value }));

const timed = (events: InteractionContent['holdEvents']) =>
  events.map((event) => ({ start_time: event.startTime, end_time: event.endTime }));

/** GET /qm/interactions/{interactionId}. */
export function renderInteractionDetail(record: InteractionRecord, context: RenderContext): Body {
  const content = context.contentOf(record);
  const views = evaluationsAt(record, context.now);
  const result = primaryResult(context, views);
  const fileUrl = (fileId: string, fileName: string) =>
    `${context.origin}/file/${fileId}?filename=${encodeURIComponent(fileName)}&mode=play`;
  const stamp = zoomTime(content.recordingStart).replace(/[-:]/g, '').replace('T', '-').replace('Z', '');
  return {
    summary: summary(
      content,
      result,
      views.some((view) => view.completed),
    ),
    metrics: {
      talk_to_listen_ratio: metric(content.metrics.talkToListenRatio),
      longest_monolog: metric(content.metrics.longestMonolog),
      talk_speed: metric(content.metrics.talkSpeed),
      filler_words: metric(content.metrics.fillerWords),
      patience: metric(content.metrics.patience),
    },
    ...common(record, content),
    recording_url: fileUrl(content.recordingFileId, `GMT${stamp}_${record.id}_VoiceRecording.mp3`),
    ...(content.screenRecording.fileIds.length === 0
      ? {}
      : {
          screen_recording_urls: content.screenRecording.fileIds.map((fileId) =>
            fileUrl(fileId, `GMT${stamp}_Recording_1920x1080.mp4`),
          ),
        }),
    transcript_body: {
      meeting_id: content.meetingId,
      account_id: context.accountId,
      host_id: record.input.agent.userId,
      recording_start: zoomTime(content.recordingStart),
      recording_end: zoomTime(content.recordingEnd),
      language: content.language,
      speakers: content.speakers.map((speaker) => ({
        speaker_id: speaker.speakerId,
        zoom_user_id: speaker.userId,
        // The schema requires a string; Zoom's own description says null (quirks.ts serves that).
        email_address: speaker.email ?? '',
        username: speaker.username,
        role: speaker.role,
      })),
      items: content.items.map((item) => ({
        ...(item.comments === undefined ? {} : { comments: item.comments }),
        item_id: item.itemId,
        speaker_id: item.speaker.speakerId,
        zoom_user_id: item.speaker.userId,
        start_time: item.startTime,
        end_time: item.endTime,
        text: item.text,
        ...(item.speaker.email === undefined ? {} : { email: item.speaker.email }),
      })),
    },
    language: content.language,
    interaction_summary: content.summaryText,
    interaction_info: {
      ...interactionInfoBase(record, content),
      ...deprecatedScorecardFields(context, views),
      evaluations: views.map((view) => detailEvaluation(context, view)),
    },
    screen_recording_status: content.screenRecording.status,
    silence_events: timed(content.silenceEvents),
    crosstalk_events: timed(content.crosstalkEvents),
    hold_events: timed(content.holdEvents),
    analysis: {
      topics: content.topics.map((topic) => ({ topic_name: topic.name, type: topic.type })),
      indicators: content.indicators.map((name) => ({ indicator_name: name })),
      next_steps: content.nextSteps.map((step) => ({ next_step: step })),
      good_questions: content.goodQuestions.map((question) => ({ good_question: question })),
    },
  };
}
