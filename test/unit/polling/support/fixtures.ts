import {
  type PollSettings,
  type PollSettingsInput,
  pollSettingsSchema,
} from '../../../../shared/config/polling.ts';
import type { Recording } from '../../../../shared/recordings/recording.ts';
import type {
  AutomatedEvaluation,
  EvaluationDetail,
  InteractionDetail,
} from '../../../../shared/zoom/schemas.ts';
import { aRecording } from '../../recordings/recording-fixtures.ts';
import { referenceExample, schemas, variant } from './zoom-examples.ts';

/** The moment the test recordings were submitted. */
export const SUBMITTED_AT = Date.parse('2026-11-25T10:00:00Z');
export const SECOND = 1_000;
export const MINUTE = 60_000;
export const HOUR = 3_600_000;

export function pollSettings(input: PollSettingsInput = {}): PollSettings {
  return pollSettingsSchema.parse(input);
}

/** A recording SUBMITTED at {@link SUBMITTED_AT}, its first poll due a minute later, deadline a day later. */
export function aSubmittedRecording(overrides: Partial<Recording> = {}): Recording {
  const base = aRecording();
  return {
    ...base,
    status: 'SUBMITTED',
    statusChangedAt: SUBMITTED_AT,
    receivedAt: SUBMITTED_AT - 30 * SECOND,
    updatedAt: SUBMITTED_AT,
    interactionId: 'VgKcwkLoTPy80OyNcUo2Yg',
    urlExpiresAt: SUBMITTED_AT + HOUR,
    poll: {
      pollSeq: 3,
      attempts: 0,
      nextPollDueAt: SUBMITTED_AT + MINUTE,
      deadlineAt: SUBMITTED_AT + 24 * HOUR,
    },
    history: [
      ...base.history,
      {
        at: SUBMITTED_AT - 10 * SECOND,
        from: 'RECEIVED',
        to: 'SUBMITTING',
        reason: 'submitting',
        submission: 1,
      },
      { at: SUBMITTED_AT, from: 'SUBMITTING', to: 'SUBMITTED', reason: 'Zoom accepted it', submission: 1 },
    ],
    ...overrides,
  };
}

/** One automated evaluation as the list gives it, status spelled as given (undefined: left out). */
export interface ListedEvaluation {
  readonly id?: string;
  readonly status?: string | undefined;
  readonly deleted?: boolean;
}

/** GET /qm/automated_evaluations' page, from Zoom's example, with these evaluations, parsed by the client's schema. */
export function automatedList(evaluations: readonly ListedEvaluation[]): AutomatedEvaluation[] {
  const example = referenceExample('listAutomatedEvaluations');
  const [template] = example['data'] as Record<string, unknown>[];
  const page = {
    ...example,
    data: evaluations.map((evaluation, index) => {
      const entry: Record<string, unknown> = {
        ...template,
        id: evaluation.id ?? `auto-${index + 1}`,
        interaction_deleted: evaluation.deleted ?? false,
      };
      if (evaluation.status === undefined) {
        delete entry['status'];
      } else {
        entry['status'] = evaluation.status;
      }
      return entry;
    }),
  };
  return schemas.automatedEvaluationListPage.parse(page).data;
}

/** One evaluation in an interaction's detail. */
export interface DetailEvaluation {
  readonly id: string;
  readonly type?: string | undefined;
  readonly status?: string | undefined;
}

/** GET /qm/interactions/{id}, Zoom's example with these evaluations (its own when none given), parsed. */
export function interactionDetail(
  evaluations?: readonly DetailEvaluation[],
  change: (raw: Record<string, unknown>) => void = () => {},
): InteractionDetail {
  const example = referenceExample('getInteraction');
  const raw = variant(example, (copy) => {
    const info = copy['interaction_info'] as Record<string, unknown>;
    if (evaluations !== undefined) {
      const [template] = info['evaluations'] as Record<string, unknown>[];
      info['evaluations'] = evaluations.map((evaluation) => ({
        ...template,
        evaluation_id: evaluation.id,
        evaluation_type: evaluation.type,
        evaluation_status_desc: evaluation.status,
      }));
    }
    change(copy);
  });
  return schemas.interactionDetail.parse(raw);
}

/** GET /qm/evaluation/{id}: Zoom's example, parsed. */
export function evaluationDetail(): EvaluationDetail {
  return schemas.evaluationDetail.parse(referenceExample('getEvaluation'));
}
