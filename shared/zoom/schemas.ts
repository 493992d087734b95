import * as z from '../zod.ts';
import {
  ACKNOWLEDGEMENT_STATUSES,
  AUTOMATED_EVALUATION_STATUSES,
  DIRECTIONS,
  DISPUTE_STATUSES,
  EVALUATION_CHANNEL_TYPES,
  EVALUATION_TYPES,
  INTERACTION_CHANNEL_TYPES,
  LANGUAGES,
  type Lenient,
  MANUAL_EVALUATION_STATUSES,
  normaliseEnumValue,
  QUESTION_TYPES,
  SCORING_FORMATS,
  SCREEN_RECORDING_STATUSES,
  SPEAKER_ROLES,
  TOPIC_TYPES,
  type UnknownEnumValueReporter,
  type Vocabulary,
  vocabulary,
} from './enums.ts';

/**
 * Runtime validation of Zoom's responses (zoom-qm-openapi.json and zoom-qm-api.txt), strict where
 * qm-ingest relies on it and lenient where Zoom is inconsistent:
 * - strict: the ids qm-ingest keys on (interaction, evaluation) are required non-empty strings; the
 *   documented structure (interaction_info, lists) is present; numbers are numbers, not strings.
 * - lenient: optional fields may be missing or null; other ids, when empty, count as absent;
 *   enum-like strings are normalised and unknown ones kept and reported (see enums.ts);
 *   `speakers[].email_address` may be null (external users); fields Zoom adds are ignored.
 *
 * The schemas are built per reporter so each client counts the unknown values it meets.
 */

/** An optional field: missing and null both read as undefined. */
function optional<TSchema extends z.ZodMiniType>(schema: TSchema) {
  return z.pipe(
    z.nullish(schema),
    z.transform((value) => value ?? undefined),
  );
}

/** An id that qm-ingest keys on: required, non-empty. */
const requiredId = z.string().check(z.regex(/\S/, 'must be a non-empty id'));
/** Any other id: an empty string is read as absent, so a present id is never empty. */
const optionalId = z.pipe(
  optional(z.string()),
  z.transform((value) => (value === undefined || value.trim() === '' ? undefined : value)),
);
const optionalString = optional(z.string());
const optionalNumber = optional(z.number());
const optionalBoolean = optional(z.boolean());
const optionalList = <TSchema extends z.ZodMiniType>(item: TSchema) => optional(z.array(item));
/** A page's items: a missing or null list reads as an empty one. */
const pageItems = <TSchema extends z.ZodMiniType>(item: TSchema) =>
  z.pipe(
    optionalList(item),
    z.transform((items) => items ?? []),
  );
/** A page of an evaluation list (`data`, counted by `total`). */
const evaluationPage = <TSchema extends z.ZodMiniType>(item: TSchema) =>
  z.object({
    total: optionalNumber,
    page_size: optionalNumber,
    next_page_token: optionalString,
    data: pageItems(item),
  });

function lenientFields(report: UnknownEnumValueReporter) {
  return <TKnown extends string>(known: Vocabulary<TKnown>, field: string) =>
    z.pipe(
      z.string(),
      z.transform((raw): Lenient<TKnown> => normaliseEnumValue(raw, known, field, report)),
    );
}

const ALL_EVALUATION_STATUSES = vocabulary([
  ...AUTOMATED_EVALUATION_STATUSES.values,
  ...MANUAL_EVALUATION_STATUSES.values,
]);

/**
 * An evaluation's status in an interaction's detail: automated and manual evaluations have two
 * different vocabularies (COMPLETED vs Completed), so the evaluation's type picks which one.
 */
function evaluationStatusFor(
  evaluationType: Lenient<'Manual' | 'Automated'> | undefined,
  raw: string | undefined,
  report: UnknownEnumValueReporter,
) {
  if (raw === undefined) {
    return undefined;
  }
  const field = 'interaction.interaction_info.evaluations.evaluation_status_desc';
  if (evaluationType === 'Automated') {
    return normaliseEnumValue(raw, AUTOMATED_EVALUATION_STATUSES, field, report);
  }
  if (evaluationType === 'Manual') {
    return normaliseEnumValue(raw, MANUAL_EVALUATION_STATUSES, field, report);
  }
  return normaliseEnumValue(raw, ALL_EVALUATION_STATUSES, field, report);
}

/** Builds the response schemas, reporting unknown enum values to `report`. */
export function createZoomResponseSchemas(report: UnknownEnumValueReporter) {
  const lenient = lenientFields(report);
  const optionalLenient = <TKnown extends string>(known: Vocabulary<TKnown>, field: string) =>
    optional(lenient(known, field));

  const summary = optional(
    z.object({
      evaluation_score: optionalNumber,
      sentiment_score: optionalNumber,
      engagement_score: optionalNumber,
    }),
  );
  const person = z.object({ user_id: optionalId, display_name: optionalString });
  /** The interaction_info fields the list and the detail share; `operation` prefixes reported field paths. */
  const interactionInfoFields = (operation: 'interactions' | 'interaction') => ({
    interaction_id: requiredId,
    from: optionalString,
    to: optionalString,
    agent_name: optionalString,
    consumer_name: optionalString,
    channel_type: optionalLenient(INTERACTION_CHANNEL_TYPES, `${operation}.interaction_info.channel_type`),
    associated_ids: optionalList(z.string()),
  });
  /** The score fields both evaluation lists share; `list` prefixes reported field paths. */
  const scoreFields = (list: 'automated_evaluations' | 'evaluations') => ({
    scoring_format: optionalLenient(SCORING_FORMATS, `${list}.scoring_format`),
    total_score: optionalNumber,
    evaluation_score: optionalNumber,
    interaction_deleted: optionalBoolean,
  });

  // POST /qm/interactions
  const createdInteraction = z.object({ interaction_id: requiredId });

  // GET /qm/interactions
  const interactionSummary = z.object({
    interaction_info: z.object({
      ...interactionInfoFields('interactions'),
      evaluations: optionalList(
        z.object({
          evaluation_id: requiredId,
          evaluation_type: optionalLenient(
            EVALUATION_TYPES,
            'interactions.interaction_info.evaluations.evaluation_type',
          ),
        }),
      ),
    }),
    start_time: z.string().check(z.minLength(1)),
    duration: optionalNumber,
    queue_id: optionalId,
    queue_name: optionalString,
    engagement_id: optionalId,
    direction: optionalLenient(DIRECTIONS, 'interactions.direction'),
    disposition: optionalString,
    silence_event_count: optionalNumber,
    crosstalk_event_count: optionalNumber,
    hold_event_count: optionalNumber,
    scorecard_name: optionalString,
    summary,
    primary_language: optionalLenient(LANGUAGES, 'interactions.primary_language'),
    screen_recording_status: optionalLenient(
      SCREEN_RECORDING_STATUSES,
      'interactions.screen_recording_status',
    ),
  });
  const interactionListPage = z.object({
    total_records: optionalNumber,
    page_size: optionalNumber,
    next_page_token: optionalString,
    interactions: pageItems(interactionSummary),
  });

  // GET /qm/interactions/{interactionId}
  const timeSpan = z.object({ start_time: optionalString, end_time: optionalString });
  const speakerMetric = optionalList(z.object({ speaker_user_id: optionalId, value: z.number() }));
  const interactionEvaluation = z.pipe(
    z.object({
      evaluation_id: requiredId,
      evaluation_type: optionalLenient(
        EVALUATION_TYPES,
        'interaction.interaction_info.evaluations.evaluation_type',
      ),
      evaluation_status_desc: optionalString,
      evaluation_name: optionalString,
      session_id: optionalId,
      score: optionalNumber,
      total_score: optionalNumber,
      score_rate: optionalNumber,
      scoring_format: optionalLenient(
        SCORING_FORMATS,
        'interaction.interaction_info.evaluations.scoring_format',
      ),
      evaluator_id: optionalId,
      evaluator_name: optionalString,
      section_comments: optionalList(
        z.object({ section_id: optionalId, section_name: optionalString, comment_text: optionalString }),
      ),
      question_comments: optionalList(
        z.object({
          question_id: optionalId,
          question_title: optionalString,
          comment_text: optionalString,
          comment_time: optionalNumber,
        }),
      ),
    }),
    z.transform((evaluation) => ({
      ...evaluation,
      evaluation_status_desc: evaluationStatusFor(
        evaluation.evaluation_type,
        evaluation.evaluation_status_desc,
        report,
      ),
    })),
  );
  const interactionDetail = z.object({
    interaction_info: z.object({
      ...interactionInfoFields('interaction'),
      evaluations: optionalList(interactionEvaluation),
      /** Deprecated by Zoom in favour of `evaluations[]`; still sent. */
      evaluation_score: optionalNumber,
      evaluator_name: optionalString,
      evaluator_user_id: optionalId,
      scorecard_id: optionalId,
      scorecard_name: optionalString,
    }),
    start_time: optionalString,
    duration: optionalNumber,
    queue_id: optionalId,
    queue_name: optionalString,
    engagement_id: optionalId,
    direction: optionalLenient(DIRECTIONS, 'interaction.direction'),
    language: optionalLenient(LANGUAGES, 'interaction.language'),
    interaction_summary: optionalString,
    recording_url: optionalString,
    screen_recording_status: optionalLenient(
      SCREEN_RECORDING_STATUSES,
      'interaction.screen_recording_status',
    ),
    screen_recording_urls: optionalList(z.string()),
    summary,
    metrics: optional(
      z.object({
        talk_to_listen_ratio: speakerMetric,
        longest_monolog: speakerMetric,
        talk_speed: speakerMetric,
        filler_words: speakerMetric,
        patience: speakerMetric,
      }),
    ),
    silence_events: optionalList(timeSpan),
    crosstalk_events: optionalList(timeSpan),
    hold_events: optionalList(timeSpan),
    transcript_body: optional(
      z.object({
        meeting_id: optionalId,
        account_id: optionalId,
        host_id: optionalId,
        recording_start: optionalString,
        recording_end: optionalString,
        language: optionalLenient(LANGUAGES, 'interaction.transcript_body.language'),
        speakers: optionalList(
          z.object({
            speaker_id: z.string(),
            role: lenient(SPEAKER_ROLES, 'interaction.transcript_body.speakers.role'),
            username: optionalString,
            zoom_user_id: optionalId,
            /** Null for external users, although the schema says string. */
            email_address: optionalString,
          }),
        ),
        items: optionalList(
          z.object({
            item_id: optionalString,
            speaker_id: optionalString,
            zoom_user_id: optionalId,
            start_time: optionalString,
            end_time: optionalString,
            text: optionalString,
            comments: optionalString,
            email: optionalString,
          }),
        ),
      }),
    ),
    analysis: optional(
      z.object({
        topics: optionalList(
          z.object({
            topic_name: optionalString,
            type: optionalLenient(TOPIC_TYPES, 'interaction.analysis.topics.type'),
          }),
        ),
        indicators: optionalList(z.object({ indicator_name: optionalString })),
        next_steps: optionalList(z.object({ next_step: optionalString })),
        good_questions: optionalList(z.object({ good_question: optionalString })),
      }),
    ),
  });

  // GET /qm/automated_evaluations
  const automatedEvaluation = z.object({
    id: requiredId,
    account_id: optionalId,
    interaction_id: optionalId,
    scorecard_id: optionalId,
    scorecard_name: optionalString,
    agent_info: optional(person),
    create_time: optionalString,
    modify_time: optionalString,
    ...scoreFields('automated_evaluations'),
    status: optionalLenient(AUTOMATED_EVALUATION_STATUSES, 'automated_evaluations.status'),
  });
  const automatedEvaluationListPage = evaluationPage(automatedEvaluation);

  // GET /qm/evaluation
  const evaluationSummary = z.object({
    id: requiredId,
    account_id: optionalId,
    user_id: optionalId,
    creator_id: optionalId,
    interaction_id: optionalId,
    scorecard_id: optionalId,
    scorecard_name: optionalString,
    task_name: optionalString,
    channel_type: optionalLenient(EVALUATION_CHANNEL_TYPES, 'evaluations.channel_type'),
    creator_info: optional(person),
    agent_info: optional(person),
    evaluators_info: optionalList(person),
    create_time: optionalString,
    modify_time: optionalString,
    completion_date: optionalString,
    ...scoreFields('evaluations'),
    status: optionalLenient(MANUAL_EVALUATION_STATUSES, 'evaluations.status'),
    acknowledgement_status: optionalLenient(ACKNOWLEDGEMENT_STATUSES, 'evaluations.acknowledgement_status'),
  });
  const evaluationListPage = evaluationPage(evaluationSummary);

  // GET /qm/evaluation/{evaluationId}
  const question = z.object({
    question_id: optionalId,
    type: optionalLenient(QUESTION_TYPES, 'evaluation.scorecard.sections.questions.type'),
    title: optionalString,
    description: optionalString,
    options: optionalList(
      z.object({
        option_id: optionalId,
        label: optionalString,
        value: optionalString,
        auto_fail: optionalBoolean,
        points: optionalNumber,
      }),
    ),
    answer_id: optionalId,
    answer_label: optionalString,
    score: optionalNumber,
    total_score: optionalNumber,
    scale: optional(
      z.object({
        has_na_option: optionalBoolean,
        high_label: optionalString,
        low_label: optionalString,
        scale_max: optionalNumber,
        scale_min: optionalNumber,
      }),
    ),
  });
  const evaluationDetail = z.object({
    scorecard: z.object({
      scorecard_id: optionalId,
      scorecard_name: optionalString,
      sections: optionalList(
        z.object({
          name: optionalString,
          weight: optionalNumber,
          order: optionalNumber,
          score: optionalNumber,
          total_score: optionalNumber,
          questions: optionalList(question),
        }),
      ),
      score: optionalNumber,
      total_score: optionalNumber,
      evaluator: optional(z.object({ name: optionalString, user_id: optionalId })),
      create_time: optionalString,
      modify_time: optionalString,
      completion_date: optionalString,
      /** Spelled without the "e" here, unlike the list's `acknowledgement_status`. */
      acknowledgment_status: optionalLenient(
        ACKNOWLEDGEMENT_STATUSES,
        'evaluation.scorecard.acknowledgment_status',
      ),
      dispute_status: optionalLenient(DISPUTE_STATUSES, 'evaluation.scorecard.dispute_status'),
      interaction_id: optionalId,
      engagement_id: optionalId,
      agent_name: optionalString,
      agent_user_id: optionalId,
    }),
  });

  return {
    createdInteraction,
    interactionListPage,
    interactionDetail,
    automatedEvaluationListPage,
    evaluationListPage,
    evaluationDetail,
  };
}

export type ZoomResponseSchemas = ReturnType<typeof createZoomResponseSchemas>;

export type CreateInteractionResponse = z.output<ZoomResponseSchemas['createdInteraction']>;
export type InteractionListPage = z.output<ZoomResponseSchemas['interactionListPage']>;
export type InteractionSummary = InteractionListPage['interactions'][number];
export type InteractionDetail = z.output<ZoomResponseSchemas['interactionDetail']>;
export type InteractionEvaluation = NonNullable<InteractionDetail['interaction_info']['evaluations']>[number];
export type AutomatedEvaluationListPage = z.output<ZoomResponseSchemas['automatedEvaluationListPage']>;
export type AutomatedEvaluation = AutomatedEvaluationListPage['data'][number];
export type EvaluationListPage = z.output<ZoomResponseSchemas['evaluationListPage']>;
export type EvaluationSummary = EvaluationListPage['data'][number];
export type EvaluationDetail = z.output<ZoomResponseSchemas['evaluationDetail']>;
