/**
 * The evaluation bodies (both lists and the detail), rendered strictly to the OpenAPI schemas:
 * each enum value spelled as the schema of that very response spells it (the list of manual
 * evaluations says "Cancled" and "Auto Complete", the detail "Auto complete"). Zoom's documented
 * deviations are applied afterwards by quirks.ts.
 */
import { evaluationResult } from '../content/evaluation-content.ts';
import {
  type AutomatedEvaluation,
  automatedStatusAt,
  type Evaluation,
  evaluationCreatedAt,
  evaluationModifiedAt,
  type InteractionRecord,
  type ManualEvaluation,
  type ManualStatus,
  manualStatusAt,
} from '../interactions.ts';
import { zoomTime } from '../zoom-time.ts';
import type { Body, RenderContext } from './common.ts';

function agentInfo(record: InteractionRecord): Body {
  return { user_id: record.input.agent.userId, display_name: record.input.agent.displayName };
}

function timestamps(evaluation: Evaluation, now: number): Body {
  const created = evaluationCreatedAt(evaluation) ?? now;
  return {
    modify_time: zoomTime(evaluationModifiedAt(evaluation, now) ?? created),
    create_time: zoomTime(created),
  };
}

/** One item of GET /qm/automated_evaluations. */
export function renderAutomatedEvaluation(
  record: InteractionRecord,
  evaluation: AutomatedEvaluation,
  context: RenderContext,
): Body {
  const status = automatedStatusAt(evaluation, context.now) ?? 'PROCESSING';
  const result = evaluationResult(context.seed, evaluation, status === 'COMPLETED');
  return {
    id: evaluation.id,
    account_id: context.accountId,
    ...timestamps(evaluation, context.now),
    interaction_id: record.id,
    scorecard_id: result.scorecard.id,
    agent_info: agentInfo(record),
    scorecard_name: result.scorecard.name,
    scoring_format: result.scorecard.scoringFormat,
    total_score: result.totalScore,
    ...(status === 'COMPLETED' ? { evaluation_score: result.score } : {}),
    interaction_deleted: false,
    status,
  };
}

/** The list's channel types are coarser than the interaction's. */
const evaluationChannel: Readonly<Record<InteractionRecord['input']['channelType'], string>> = {
  VIDEO: 'VIDEO',
  AUDIO: 'AUDIO',
  MANUAL: 'MANUAL',
  SMS: 'MESSAGE',
  WEB_CHAT: 'MESSAGE',
};

/** The list of manual evaluations spells the canceled status "Cancled", as its schema does. */
const listedManualStatus: Readonly<Record<ManualStatus, string>> = {
  Pending: 'Pending',
  Active: 'Active',
  Completed: 'Completed',
  Expired: 'Expired',
  Canceled: 'Cancled',
};

/** One item of GET /qm/evaluation. */
export function renderManualEvaluation(
  record: InteractionRecord,
  evaluation: ManualEvaluation,
  context: RenderContext,
): Body {
  const status = manualStatusAt(evaluation, context.now) ?? 'Pending';
  const completed = status === 'Completed';
  const result = evaluationResult(context.seed, evaluation, completed);
  return {
    id: evaluation.id,
    account_id: context.accountId,
    user_id: record.input.agent.userId,
    creator_id: evaluation.creator.userId,
    ...timestamps(evaluation, context.now),
    channel_type: evaluationChannel[record.input.channelType],
    task_name: `evaluation_${record.id}`,
    interaction_id: record.id,
    scorecard_id: result.scorecard.id,
    creator_info: { user_id: evaluation.creator.userId, display_name: evaluation.creator.displayName },
    agent_info: agentInfo(record),
    evaluators_info: [
      { user_id: evaluation.evaluator.userId, display_name: evaluation.evaluator.displayName },
    ],
    scorecard_name: result.scorecard.name,
    scoring_format: result.scorecard.scoringFormat,
    total_score: result.totalScore,
    ...(completed ? { evaluation_score: result.score } : {}),
    interaction_deleted: false,
    status: listedManualStatus[status],
    acknowledgement_status: completed ? evaluation.acknowledgement : 'None',
    ...(evaluation.finalAt === undefined ? {} : { completion_date: zoomTime(evaluation.finalAt) }),
  };
}

/** The evaluation detail spells "Auto complete" with a small c, as its schema does. */
const detailAcknowledgement = (status: string): string =>
  status === 'Auto Complete' ? 'Auto complete' : status;

/** GET /qm/evaluation/{evaluationId}. */
export function renderEvaluationDetail(
  record: InteractionRecord,
  evaluation: Evaluation,
  context: RenderContext,
): Body {
  const status =
    evaluation.kind === 'automated'
      ? automatedStatusAt(evaluation, context.now)
      : manualStatusAt(evaluation, context.now);
  const completed = status === 'COMPLETED' || status === 'Completed';
  const result = evaluationResult(context.seed, evaluation, completed);
  const manual = evaluation.kind === 'manual' ? evaluation : undefined;
  return {
    scorecard: {
      scorecard_id: result.scorecard.id,
      scorecard_name: result.scorecard.name,
      sections: result.sections.map((section) => ({
        name: section.name,
        weight: section.weight,
        order: section.order,
        questions: section.questions.map((question) => ({
          question_id: question.questionId,
          type: question.question.type,
          title: question.question.title,
          description: question.question.description,
          options: question.options.map((option) => ({
            option_id: option.optionId,
            label: option.label,
            value: option.value,
            auto_fail: option.autoFail,
            points: option.points,
          })),
          ...(question.answer === undefined
            ? {}
            : {
                answer_id: question.answer.optionId,
                answer_label: question.answer.label,
                score: question.score,
              }),
          ...(question.question.scale === undefined
            ? {}
            : {
                scale: {
                  has_na_option: question.question.scale.hasNaOption,
                  high_label: question.question.scale.highLabel,
                  low_label: question.question.scale.lowLabel,
                  scale_max: question.question.scale.max,
                  scale_min: question.question.scale.min,
                },
              }),
          total_score: question.totalScore,
        })),
        ...(completed ? { score: section.score } : {}),
        total_score: section.totalScore,
      })),
      ...(completed ? { score: result.score } : {}),
      total_score: result.totalScore,
      ...(manual === undefined
        ? {}
        : { evaluator: { name: manual.evaluator.displayName, user_id: manual.evaluator.userId } }),
      ...timestamps(evaluation, context.now),
      acknowledgment_status: detailAcknowledgement(
        completed && manual !== undefined ? manual.acknowledgement : 'None',
      ),
      dispute_status: completed && manual !== undefined ? manual.dispute : 'None',
      interaction_id: record.id,
      engagement_id: record.engagementId,
      agent_name: record.input.agent.displayName,
      agent_user_id: record.input.agent.userId,
      ...(manual?.finalAt === undefined ? {} : { completion_date: zoomTime(manual.finalAt) }),
    },
  };
}
