/**
 * Scorecards and the answers an evaluation gives: ids stable per seed, answers drawn from the
 * evaluation's own stream, scores computed from the answers the way the documents describe
 * (points: achieved over possible; percentage: out of 100), an auto-fail answer zeroing the score.
 */
import type { Evaluation } from '../interactions.ts';
import { createRandom, stableZoomId } from '../random.ts';
import { questionComments, type ScorecardQuestion, scorecards, sectionComments } from './corpus.ts';

export interface ScorecardIdentity {
  readonly id: string;
  readonly name: string;
  readonly scoringFormat: 'points' | 'percentage';
}

export interface AnsweredOption {
  readonly optionId: string;
  readonly label: string;
  readonly value: string;
  readonly points: number;
  readonly autoFail: boolean;
}

export interface AnsweredQuestion {
  readonly questionId: string;
  readonly question: ScorecardQuestion;
  readonly options: readonly AnsweredOption[];
  /** Undefined until the evaluation is completed. */
  readonly answer: AnsweredOption | undefined;
  readonly score: number;
  readonly totalScore: number;
}

export interface AnsweredSection {
  readonly sectionId: string;
  readonly name: string;
  readonly weight: number;
  readonly order: number;
  readonly questions: readonly AnsweredQuestion[];
  readonly score: number;
  readonly totalScore: number;
}

export interface EvaluationResult {
  readonly scorecard: ScorecardIdentity;
  readonly sections: readonly AnsweredSection[];
  /** As the scoring format reports it: achieved points, or a percentage. */
  readonly score: number;
  /** Possible points, or 100 for percentage scorecards. */
  readonly totalScore: number;
  /** Achieved over possible, as a decimal. */
  readonly scoreRate: number;
  readonly sectionComments: ReadonlyArray<{ sectionId: string; sectionName: string; text: string }>;
  readonly questionComments: ReadonlyArray<{
    questionId: string;
    questionTitle: string;
    text: string;
    timeSeconds: number;
  }>;
}

function scorecardIdentity(seed: number | string, index: number): ScorecardIdentity {
  const scorecard = scorecards[index];
  if (scorecard === undefined) throw new RangeError(`no scorecard ${index}`);
  return {
    id: stableZoomId(seed, 'scorecard', index),
    name: scorecard.name,
    scoringFormat: scorecard.scoringFormat,
  };
}

/**
 * The evaluation's scorecard with answers when `answered` (a completed evaluation), or only its
 * structure otherwise. Comments exist only on completed manual evaluations: only people comment.
 */
export function evaluationResult(
  seed: number | string,
  evaluation: Evaluation,
  answered: boolean,
): EvaluationResult {
  const index = evaluation.scorecardIndex;
  const scorecard = scorecards[index];
  if (scorecard === undefined) throw new RangeError(`no scorecard ${index}`);
  const random = createRandom(seed, 'evaluation', evaluation.id);
  let autoFailed = false;
  const sections: AnsweredSection[] = scorecard.sections.map((section, sectionIndex) => {
    const questions = section.questions.map((question, questionIndex): AnsweredQuestion => {
      const options = question.options.map((option, optionIndex) => ({
        optionId: stableZoomId(seed, 'option', index, sectionIndex, questionIndex, optionIndex),
        label: option.label,
        value: option.value,
        points: option.points,
        autoFail: option.autoFail,
      }));
      const best = options.reduce((top, option) => (option.points > top.points ? option : top));
      const answer = answered ? (random.chance(0.7) ? best : random.pick(options)) : undefined;
      if (answer?.autoFail === true) autoFailed = true;
      return {
        questionId: stableZoomId(seed, 'question', index, sectionIndex, questionIndex),
        question,
        options,
        answer,
        score: answer?.points ?? 0,
        totalScore: best.points,
      };
    });
    return {
      sectionId: stableZoomId(seed, 'section', index, sectionIndex),
      name: section.name,
      weight: section.weight,
      order: sectionIndex + 1,
      questions,
      score: questions.reduce((sum, question) => sum + question.score, 0),
      totalScore: questions.reduce((sum, question) => sum + question.totalScore, 0),
    };
  });
  const achieved = autoFailed ? 0 : sections.reduce((sum, section) => sum + section.score, 0);
  const possible = sections.reduce((sum, section) => sum + section.totalScore, 0);
  const ratio = possible === 0 ? 0 : achieved / possible;
  const percentage = scorecard.scoringFormat === 'percentage';
  const commented = answered && evaluation.kind === 'manual';
  const allQuestions = sections.flatMap((section) => section.questions);
  return {
    scorecard: scorecardIdentity(seed, index),
    sections,
    score: percentage ? Math.round(ratio * 10_000) / 100 : achieved,
    totalScore: percentage ? 100 : possible,
    scoreRate: Math.round(ratio * 1000) / 1000,
    sectionComments: commented
      ? sections.slice(0, random.int(1, sections.length)).map((section) => ({
          sectionId: section.sectionId,
          sectionName: section.name,
          text: random.pick(sectionComments),
        }))
      : [],
    questionComments: commented
      ? allQuestions.slice(0, random.int(1, Math.min(2, allQuestions.length))).map((question) => ({
          questionId: question.questionId,
          questionTitle: question.question.title,
          text: random.pick(questionComments),
          timeSeconds: random.int(5, 300),
        }))
      : [],
  };
}
