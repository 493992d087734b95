import { parseStoredItem } from '../recordings/recording.ts';
import { TERMINAL_STATUSES } from '../recordings/state-machine.ts';
import * as z from '../zod.ts';

/**
 * A recording's evaluation results as qm-ingest stores them: the interaction's details and each of
 * its evaluations, in qm-ingest's own (camelCase, documented) shape rather than Zoom's, so readers
 * do not follow Zoom's spelling changes. Zoom's `recording_url` and `screen_recording_urls` are
 * never kept (they embed Zoom access tokens), nor the caller's and callee's phone numbers (the
 * recording item holds what was submitted). The transcript is stored beside the document, in the
 * results bucket, and referenced from it.
 */

export const RESULTS_SCHEMA_VERSION = 1;

const optionalString = z.optional(z.string());
const optionalNumber = z.optional(z.number());
const optionalBoolean = z.optional(z.boolean());
const nonEmptyString = z.string().check(z.minLength(1));
const nonNegativeInt = z.int().check(z.nonnegative());

const speakerValueSchema = z.object({ speakerUserId: optionalString, value: z.number() });
const timeSpanSchema = z.object({ startTime: optionalString, endTime: optionalString });

export const interactionResultsSchema = z.object({
  interactionId: nonEmptyString,
  startTime: optionalString,
  /** Minutes, as Zoom reports it. */
  durationMinutes: optionalNumber,
  queueId: optionalString,
  queueName: optionalString,
  direction: optionalString,
  language: optionalString,
  channelType: optionalString,
  engagementId: optionalString,
  agentName: optionalString,
  scorecardName: optionalString,
  /** Zoom's AI summary of the conversation. */
  summaryText: optionalString,
  summary: z.object({
    evaluationScore: optionalNumber,
    sentimentScore: optionalNumber,
    engagementScore: optionalNumber,
  }),
  metrics: z.object({
    talkToListenRatio: z.array(speakerValueSchema),
    longestMonologSeconds: z.array(speakerValueSchema),
    talkSpeedWordsPerMinute: z.array(speakerValueSchema),
    fillerWordsPerMinute: z.array(speakerValueSchema),
    patienceSeconds: z.array(speakerValueSchema),
  }),
  events: z.object({
    silence: z.array(timeSpanSchema),
    crosstalk: z.array(timeSpanSchema),
    hold: z.array(timeSpanSchema),
  }),
  analysis: z.object({
    topics: z.array(z.object({ name: optionalString, type: optionalString })),
    indicators: z.array(z.string()),
    nextSteps: z.array(z.string()),
    goodQuestions: z.array(z.string()),
  }),
  screenRecordingStatus: optionalString,
});
export type InteractionResults = z.infer<typeof interactionResultsSchema>;

const questionSchema = z.object({
  questionId: optionalString,
  type: optionalString,
  title: optionalString,
  description: optionalString,
  answerId: optionalString,
  answerLabel: optionalString,
  score: optionalNumber,
  totalScore: optionalNumber,
  options: z.array(
    z.object({
      optionId: optionalString,
      label: optionalString,
      value: optionalString,
      autoFail: optionalBoolean,
      points: optionalNumber,
    }),
  ),
  scale: z.optional(
    z.object({
      hasNaOption: optionalBoolean,
      highLabel: optionalString,
      lowLabel: optionalString,
      scaleMax: optionalNumber,
      scaleMin: optionalNumber,
    }),
  ),
});

const sectionSchema = z.object({
  name: optionalString,
  weight: optionalNumber,
  order: optionalNumber,
  score: optionalNumber,
  totalScore: optionalNumber,
  questions: z.array(questionSchema),
});

export const evaluationResultsSchema = z.object({
  id: nonEmptyString,
  type: z.enum(['automated', 'manual']),
  /** As Zoom reports it at collection (normalised spelling): COMPLETED, FAILED, PROCESSING, Completed, Pending... */
  status: optionalString,
  name: optionalString,
  scorecardId: optionalString,
  scorecardName: optionalString,
  scoringFormat: optionalString,
  score: optionalNumber,
  totalScore: optionalNumber,
  /** Zoom's score rate (a decimal), or score / total for a points scorecard when Zoom gives none. */
  scoreRate: optionalNumber,
  sessionId: optionalString,
  evaluator: z.optional(z.object({ name: optionalString, userId: optionalString })),
  createdAt: optionalString,
  modifiedAt: optionalString,
  completionDate: optionalString,
  acknowledgementStatus: optionalString,
  disputeStatus: optionalString,
  sectionComments: z.array(
    z.object({ sectionId: optionalString, sectionName: optionalString, text: optionalString }),
  ),
  questionComments: z.array(
    z.object({
      questionId: optionalString,
      questionTitle: optionalString,
      text: optionalString,
      atSecond: optionalNumber,
    }),
  ),
  /** The scorecard's sections and questions, where Zoom gives them (manual evaluations' detail). */
  sections: z.array(sectionSchema),
  /**
   * `webhook` when the evaluation was completed from Zoom's `evaluation_completed` event rather than
   * read from the interaction's detail: its status, score, total, rate, scorecard name and format
   * are the event's; the rest is as the last detail read showed it (still processing then).
   */
  completedFrom: z.optional(z.literal('webhook')),
});
export type EvaluationResults = z.infer<typeof evaluationResultsSchema>;

/** Where a transcript is stored, and what it holds. */
export const transcriptReferenceSchema = z.object({
  bucket: nonEmptyString,
  key: nonEmptyString,
  bytes: nonNegativeInt,
  items: nonNegativeInt,
  language: optionalString,
});
export type TranscriptReference = z.infer<typeof transcriptReferenceSchema>;

export const recordingResultsSchema = z.object({
  schemaVersion: z.literal(RESULTS_SCHEMA_VERSION),
  recordingId: nonEmptyString,
  submission: z.int().check(z.positive()),
  zoomAccountId: nonEmptyString,
  interactionId: nonEmptyString,
  /** The status the recording was finished with when these results were collected. */
  status: z.enum(TERMINAL_STATUSES),
  /** When Zoom was read (epoch ms). */
  collectedAt: nonNegativeInt,
  interaction: interactionResultsSchema,
  evaluations: z.array(evaluationResultsSchema),
  transcript: z.optional(transcriptReferenceSchema),
});
export type RecordingResults = z.infer<typeof recordingResultsSchema>;

/** Validates a results document read back from DynamoDB or S3. */
export function parseResults(document: Record<string, unknown>): RecordingResults {
  const { recordingId } = document;
  return parseStoredItem(
    recordingResultsSchema,
    document,
    `Results of recording ${String(recordingId)}`,
    RESULTS_SCHEMA_VERSION,
  );
}
