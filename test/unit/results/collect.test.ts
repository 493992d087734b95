import { describe, expect, it } from 'vitest';
import {
  collectResults,
  completedByEvents,
  completedManualEvaluationIds,
} from '../../../shared/results/collect.ts';
import { recordingResultsSchema } from '../../../shared/results/results.ts';
import { automatedList, evaluationDetail, interactionDetail } from '../polling/support/fixtures.ts';
import { examplesOf, schemas } from '../polling/support/zoom-examples.ts';

const recording = { recordingId: 'rec-1', submission: 2, zoomAccountId: 'acct-1' };

function collectFrom(
  detail = interactionDetail(),
  automated = automatedList([{ id: 'aI9HM3ZsEScAa', status: 'COMPLETED' }]),
) {
  return collectResults({
    recording,
    interactionId: 'VgKcwkLoTPy80OyNcUo2Yg',
    status: 'EVALUATED',
    collectedAt: 1_700_000_000_000,
    detail,
    automated,
    manualDetails: new Map(),
  });
}

describe("results from Zoom's interaction detail example", () => {
  it('keep the interaction details: times, duration, queue, direction, language, summary scores', () => {
    // Act
    const { results } = collectFrom();

    // Assess
    expect(results.interaction).toMatchObject({
      interactionId: 'VgKcwkLoTPy80OyNcUo2Yg',
      startTime: '2024-05-28T09:52:22Z',
      durationMinutes: 8,
      queueId: 'd5qAagKnQ7-UO_VsdiPdQA',
      queueName: 'Demo',
      direction: 'inbound',
      language: 'en-US',
      channelType: 'VIDEO',
      engagementId: '2R1t8QtiTsKIOIAV0-a7FQ',
      summary: { evaluationScore: 1, sentimentScore: 61.19, engagementScore: 5.546720115175143 },
      screenRecordingStatus: 'UNAVAILABLE',
    });
    expect(results.interaction.summaryText).toContain('The meeting involved');
  });

  it('keep the metrics, events and the analysis: topics, indicators, next steps, good questions', () => {
    // Act
    const { results } = collectFrom();

    // Assess
    expect(results.interaction.metrics.talkToListenRatio).toEqual([
      { speakerUserId: 'ycEUjKmDSnuPwF33KLTxJg', value: 0.4311976503861636 },
    ]);
    expect(results.interaction.metrics.patienceSeconds).toEqual([
      { speakerUserId: 'ycEUjKmDSnuPwF33KLTxJg', value: 1.24 },
    ]);
    expect(results.interaction.events.silence).toEqual([
      { startTime: '00:01:07.580', endTime: '00:01:10.960' },
    ]);
    expect(results.interaction.analysis).toEqual({
      topics: [{ name: 'Customer Complaint', type: 'predefined' }],
      indicators: ['Hello'],
      nextSteps: ['Jasper: Contact the billing department to pay malpractice premium without policy number'],
      goodQuestions: [expect.stringContaining('describe the issue')],
    });
  });

  it('keep each evaluation: id, type, scorecard, format, score, total, rate, status, comments', () => {
    // Act
    const { results } = collectFrom();

    // Assess
    expect(results.evaluations).toEqual([
      expect.objectContaining({
        id: 'aI9HM3ZsEScAa',
        type: 'automated',
        status: 'COMPLETED',
        name: 'Customer Service Quality Scorecard',
        scorecardId: '2uJ4u83yQ_qbyyFDmxsMcQ',
        scorecardName: 'Customer Care',
        scoringFormat: 'points',
        score: 85,
        totalScore: 60,
        scoreRate: 0.855,
        sessionId: 'abc123def456',
        sectionComments: [
          {
            sectionId: 'sec_001',
            sectionName: 'Opening & Greeting',
            text: expect.stringContaining('Excellent'),
          },
        ],
        questionComments: [expect.objectContaining({ questionId: 'q_001', atSecond: 15 })],
      }),
    ]);
  });

  it.each(examplesOf('getInteraction'))(
    'never keep Zoom URLs, nor the caller and callee ($name)',
    ({ raw }) => {
      // Prepare
      const detail = schemas.interactionDetail.parse(raw);

      // Act
      const collected = collectFrom(detail, []);
      const stored = JSON.stringify(collected.results);

      // Assess
      expect(detail.recording_url ?? detail.screen_recording_urls).toBeDefined();
      expect(stored).not.toContain('recording_url');
      expect(stored).not.toMatch(/https?:\/\//);
      expect(stored).not.toContain('jwt=');
      expect(Object.keys(collected.results.interaction)).not.toEqual(
        expect.arrayContaining([expect.stringMatching(/^(from|to|consumerName|recordingUrl)$/)]),
      );
      expect(stored).not.toContain('"from"');
      expect(stored).not.toContain('consumer');
      expect(recordingResultsSchema.safeParse(collected.results).success).toBe(true);
    },
  );

  it('hand the transcript back separately, as Zoom gave it', () => {
    // Act
    const { results, transcript } = collectFrom();

    // Assess
    expect(transcript?.items?.[0]?.text).toBe('A halo, Kanji, this');
    expect(JSON.stringify(results)).not.toContain('A halo, Kanji');
  });

  it('leave out an empty transcript', () => {
    // Act
    const { transcript } = collectFrom(
      interactionDetail(undefined, (raw) => {
        raw['transcript_body'] = { items: [], speakers: [] };
      }),
    );

    // Assess
    expect(transcript).toBeUndefined();
  });
});

describe('evaluations from every source', () => {
  it('an automated evaluation only the list shows yet is kept, with its scores from the list', () => {
    // Act
    const { results } = collectFrom(
      interactionDetail([]),
      automatedList([{ id: 'listed-only', status: 'FAILED' }]),
    );

    // Assess
    expect(results.evaluations).toEqual([
      expect.objectContaining({
        id: 'listed-only',
        type: 'automated',
        status: 'FAILED',
        score: 10,
        totalScore: 50,
        scoringFormat: 'percentage',
        createdAt: '2024-05-28T09:52:22Z',
      }),
    ]);
  });

  it("a manual evaluation gets its scorecard's sections and questions", () => {
    // Prepare
    const detail = interactionDetail([{ id: 'manual-1', type: 'Manual', status: 'Completed' }]);

    // Act
    const { results } = collectResults({
      recording,
      interactionId: 'IX',
      status: 'EVALUATED',
      collectedAt: 1,
      detail,
      automated: [],
      manualDetails: new Map([['manual-1', evaluationDetail()]]),
    });

    // Assess
    const [manual] = results.evaluations;
    expect(manual).toMatchObject({
      id: 'manual-1',
      type: 'manual',
      status: 'Completed',
      scorecardId: 'CaBoBGvDSCmYt5GDDxP4-Q',
      score: 90,
      totalScore: 100,
      evaluator: { name: 'Admin3', userId: 'ycEUjKmDSnuPwF33KLTxJg' },
      acknowledgementStatus: 'Complete',
      disputeStatus: 'None',
      completionDate: '2026-03-16T10:45:00Z',
    });
    expect(manual?.sections).toEqual([
      expect.objectContaining({
        name: 'Service Attitude',
        weight: 34,
        score: 20,
        totalScore: 30,
        questions: [
          expect.objectContaining({
            type: 'Rating Scale',
            answerLabel: 'Yes',
            score: 10,
            totalScore: 10,
            scale: { hasNaOption: true, highLabel: 'Excellent', lowLabel: 'Poor', scaleMax: 10, scaleMin: 1 },
            options: [
              expect.objectContaining({ optionId: 'm_DJVk5BS7yqoR2ayN16kw', autoFail: false, points: 10 }),
            ],
          }),
        ],
      }),
    ]);
  });

  it('a points score rate missing from Zoom is score / total; a percentage one is not guessed', () => {
    // Prepare
    const detail = interactionDetail(undefined, (raw) => {
      const [evaluation] = (raw['interaction_info'] as { evaluations: Record<string, unknown>[] })
        .evaluations;
      if (evaluation !== undefined) {
        delete evaluation['score_rate'];
        evaluation['score'] = 45;
      }
    });
    const percentage = interactionDetail(undefined, (raw) => {
      const [evaluation] = (raw['interaction_info'] as { evaluations: Record<string, unknown>[] })
        .evaluations;
      if (evaluation !== undefined) {
        delete evaluation['score_rate'];
        evaluation['scoring_format'] = 'percentage';
      }
    });

    // Act
    const points = collectFrom(detail, []).results.evaluations[0];
    const percent = collectFrom(percentage, []).results.evaluations[0];

    // Assess
    expect(points?.scoreRate).toBe(0.75);
    expect(percent?.scoreRate).toBeUndefined();
  });

  it('only completed manual evaluations are worth a scorecard call', () => {
    // Prepare
    const detail = interactionDetail([
      { id: 'auto', type: 'Automated', status: 'COMPLETED' },
      { id: 'done', type: 'Manual', status: 'Completed' },
      { id: 'active', type: 'Manual', status: 'Active' },
      { id: 'canceled', type: 'Manual', status: 'Cancled' },
    ]);

    // Act / Assess
    expect(completedManualEvaluationIds(detail)).toEqual(['done']);
  });
});

describe('results completed by evaluation_completed events', () => {
  const snapshot = () => {
    const { results } = collectResults({
      recording,
      interactionId: 'VgKcwkLoTPy80OyNcUo2Yg',
      status: 'EVALUATED',
      collectedAt: 1_700_000_000_000,
      detail: interactionDetail([
        { id: 'auto-1', type: 'Automated', status: 'COMPLETED' },
        { id: 'auto-2', type: 'Automated', status: 'PROCESSING' },
        { id: 'manual-1', type: 'Manual', status: 'Pending' },
      ]),
      automated: [],
      manualDetails: new Map(),
    });
    return recordingResultsSchema.parse(results);
  };

  it('take the reported result of the evaluations they name, marked as such, and the final status', () => {
    // Act
    const { results, transcript } = completedByEvents(
      snapshot(),
      new Map([
        ['auto-2', { scorecardName: 'QA', scoringFormat: 'points', score: 8, totalScore: 10 }],
        ['manual-1', { score: 1 }],
      ]),
      { status: 'EVALUATION_FAILED', collectedAt: 1_700_000_060_000 },
    );

    // Assess
    expect(results).toMatchObject({ status: 'EVALUATION_FAILED', collectedAt: 1_700_000_060_000 });
    const [first, second, manual] = results.evaluations;
    expect(second).toMatchObject({
      id: 'auto-2',
      status: 'COMPLETED',
      scorecardName: 'QA',
      scoringFormat: 'points',
      score: 8,
      totalScore: 10,
      scoreRate: 0.8,
      completedFrom: 'webhook',
    });
    expect(first?.completedFrom).toBeUndefined();
    // A manual evaluation is never completed from an automated evaluation's fields.
    expect(manual).toEqual(snapshot().evaluations[2]);
    expect(transcript).toBeUndefined();
    expect(recordingResultsSchema.parse(results).evaluations[1]?.completedFrom).toBe('webhook');
  });
});
