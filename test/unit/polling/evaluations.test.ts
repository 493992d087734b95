import { describe, expect, it } from 'vitest';
import {
  assessAutomatedEvaluations,
  automatedStatesFromDetail,
  automatedStatesFromList,
} from '../../../shared/polling/evaluations.ts';
import { automatedList, interactionDetail } from './support/fixtures.ts';
import { examplesOf, schemas } from './support/zoom-examples.ts';

/** The outcome an automated status stands for, read the way Zoom's text describes it. */
function expectedOutcome(rawStatus: string): 'EVALUATED' | 'EVALUATION_FAILED' | 'pending' {
  const status = rawStatus.trim().toUpperCase();
  if (status === 'COMPLETED') return 'EVALUATED';
  if (status === 'FAILED') return 'EVALUATION_FAILED';
  return 'pending';
}

function outcomeOf(assessment: ReturnType<typeof assessAutomatedEvaluations>): string {
  return assessment.kind === 'final' ? assessment.outcome : assessment.kind;
}

describe("every example of Zoom's documents", () => {
  const listExamples = examplesOf('listAutomatedEvaluations');
  const detailExamples = examplesOf('getInteraction');

  it('are found: both documents give one for each read the poller makes', () => {
    // Assess
    expect(listExamples.map((example) => example.name)).toEqual([
      'zoom-qm-api.txt #1',
      'zoom-qm-openapi.json 200',
    ]);
    expect(detailExamples).toHaveLength(2);
  });

  it.each(listExamples)('automated evaluations list, $name: decided by its status', ({ raw }) => {
    // Prepare
    const page = schemas.automatedEvaluationListPage.parse(raw);
    const rawStatuses = (raw as { data: { status: string }[] }).data.map((entry) => entry.status);

    // Act
    const assessment = assessAutomatedEvaluations(automatedStatesFromList(page.data));

    // Assess
    expect(rawStatuses.length).toBeGreaterThan(0);
    expect(outcomeOf(assessment)).toBe(
      rawStatuses.map(expectedOutcome).includes('pending')
        ? 'pending'
        : expectedOutcome(rawStatuses[0] ?? ''),
    );
  });

  it.each(detailExamples)(
    'interaction detail, $name: its automated evaluations decide, whatever their case',
    ({ raw }) => {
      // Prepare
      const detail = schemas.interactionDetail.parse(raw);
      const rawEvaluations = (
        raw as {
          interaction_info: { evaluations: { evaluation_type: string; evaluation_status_desc: string }[] };
        }
      ).interaction_info.evaluations.filter((evaluation) => evaluation.evaluation_type === 'Automated');

      // Act
      const assessment = assessAutomatedEvaluations(automatedStatesFromDetail(detail));

      // Assess
      expect(rawEvaluations.length).toBeGreaterThan(0);
      expect(outcomeOf(assessment)).toBe(expectedOutcome(rawEvaluations[0]?.evaluation_status_desc ?? ''));
    },
  );

  it("the reference text's detail pairs Automated with the title-case 'Completed': read as COMPLETED", () => {
    // Prepare
    const [reference] = detailExamples;
    const detail = schemas.interactionDetail.parse(reference?.raw);

    // Act
    const states = automatedStatesFromDetail(detail);

    // Assess
    expect(states).toEqual([{ id: 'aI9HM3ZsEScAa', status: 'COMPLETED', interactionDeleted: false }]);
    expect(assessAutomatedEvaluations(states)).toEqual({
      kind: 'final',
      outcome: 'EVALUATED',
      completed: 1,
      failed: 0,
    });
  });
});

describe('statuses compare case-insensitively', () => {
  it.each([
    ['COMPLETED', 'EVALUATED'],
    ['Completed', 'EVALUATED'],
    ['completed', 'EVALUATED'],
    [' completed ', 'EVALUATED'],
    ['FAILED', 'EVALUATION_FAILED'],
    ['Failed', 'EVALUATION_FAILED'],
    ['failed', 'EVALUATION_FAILED'],
    ['PROCESSING', 'pending'],
    ['Processing', 'pending'],
    ['processing', 'pending'],
  ])('list status %j -> %s', (status, expected) => {
    // Act
    const assessment = assessAutomatedEvaluations(automatedStatesFromList(automatedList([{ status }])));

    // Assess
    expect(outcomeOf(assessment)).toBe(expected);
  });

  it.each([
    ['Completed', 'EVALUATED'],
    ['COMPLETED', 'EVALUATED'],
    ['failed', 'EVALUATION_FAILED'],
    ['Processing', 'pending'],
  ])('detail status %j of an automated evaluation -> %s', (status, expected) => {
    // Act
    const assessment = assessAutomatedEvaluations(
      automatedStatesFromDetail(interactionDetail([{ id: 'a-1', type: 'Automated', status }])),
    );

    // Assess
    expect(outcomeOf(assessment)).toBe(expected);
  });
});

describe('the outcome of several automated evaluations', () => {
  it.each([
    ['none at all', [], 'none'],
    ['all completed', ['COMPLETED', 'Completed'], 'EVALUATED'],
    ['one failed, none processing', ['COMPLETED', 'FAILED'], 'EVALUATION_FAILED'],
    ['one failed while another is processing', ['FAILED', 'PROCESSING'], 'pending'],
    ['one completed, one processing', ['COMPLETED', 'PROCESSING'], 'pending'],
    ['a status Zoom added since (kept verbatim)', ['COMPLETED', 'QUEUED'], 'pending'],
    ['a status left out', ['COMPLETED', undefined], 'pending'],
  ])('%s -> %s', (_label, statuses, expected) => {
    // Prepare
    const list = automatedList(statuses.map((status) => ({ status })));

    // Act
    const assessment = assessAutomatedEvaluations(automatedStatesFromList(list));

    // Assess
    expect(outcomeOf(assessment)).toBe(expected);
  });

  it('counts what is pending', () => {
    // Act
    const assessment = assessAutomatedEvaluations(
      automatedStatesFromList(
        automatedList([{ status: 'PROCESSING' }, { status: 'COMPLETED' }, { status: 'processing' }]),
      ),
    );

    // Assess
    expect(assessment).toEqual({ kind: 'pending', total: 3, pending: 2 });
  });

  it('an interaction Zoom reports deleted ends the wait, whatever the statuses', () => {
    // Act
    const assessment = assessAutomatedEvaluations(
      automatedStatesFromList(automatedList([{ status: 'PROCESSING', deleted: true }])),
    );

    // Assess
    expect(assessment).toEqual({ kind: 'deleted' });
  });
});

describe('manual evaluations never count', () => {
  it('a pending manual evaluation beside a completed automated one: EVALUATED', () => {
    // Prepare
    const detail = interactionDetail([
      { id: 'auto-1', type: 'Automated', status: 'COMPLETED' },
      { id: 'manual-1', type: 'Manual', status: 'Pending' },
    ]);

    // Act
    const assessment = assessAutomatedEvaluations(automatedStatesFromDetail(detail));

    // Assess
    expect(outcomeOf(assessment)).toBe('EVALUATED');
  });

  it.each([
    ['Manual', 'Active'],
    ['Manual scoring', 'Pending'],
    [undefined, 'Completed'],
  ])('only a manual evaluation (type %j, %s): no automated evaluation', (type, status) => {
    // Prepare
    const detail = interactionDetail([{ id: 'manual-1', type, status }]);

    // Act
    const assessment = assessAutomatedEvaluations(automatedStatesFromDetail(detail));

    // Assess
    expect(assessment).toEqual({ kind: 'none' });
  });
});
