import { describe, expect, it } from 'vitest';
import { decidePoll, formatDuration, type PollFacts } from '../../../shared/polling/decision.ts';
import type { AutomatedAssessment } from '../../../shared/polling/evaluations.ts';
import type { Recording } from '../../../shared/recordings/recording.ts';
import { TRANSITIONS } from '../../../shared/recordings/state-machine.ts';
import { aSubmittedRecording, HOUR, MINUTE, pollSettings, SUBMITTED_AT } from './support/fixtures.ts';

const settings = pollSettings({ noEvaluationGraceSeconds: 1_800, notFoundGraceSeconds: 2 * 3_600 });
const none: AutomatedAssessment = { kind: 'none' };
const pending: AutomatedAssessment = { kind: 'pending', total: 2, pending: 1 };

function decide(now: number, facts: PollFacts, recording: Recording = aSubmittedRecording()) {
  return decidePoll({ now, settings, recording }, facts);
}

describe('automated evaluations decide the final status', () => {
  it('all completed: EVALUATED, results collected', () => {
    // Act
    const decision = decide(SUBMITTED_AT + 10 * MINUTE, {
      automated: { kind: 'final', outcome: 'EVALUATED', completed: 2, failed: 0 },
      interaction: 'not-asked',
    });

    // Assess
    expect(decision).toEqual({
      action: 'finish',
      status: 'EVALUATED',
      reason: 'All 2 automated evaluations completed',
      collectResults: true,
    });
  });

  it('one failed: EVALUATION_FAILED, saying how many', () => {
    // Act
    const decision = decide(SUBMITTED_AT + 10 * MINUTE, {
      automated: { kind: 'final', outcome: 'EVALUATION_FAILED', completed: 1, failed: 1 },
      interaction: 'not-asked',
    });

    // Assess
    expect(decision).toMatchObject({
      action: 'finish',
      status: 'EVALUATION_FAILED',
      reason: '1 of 2 automated evaluations failed in Zoom',
    });
  });

  it('still processing: check again later', () => {
    // Act
    const decision = decide(SUBMITTED_AT + 10 * MINUTE, { automated: pending, interaction: 'not-asked' });

    // Assess
    expect(decision).toEqual({
      action: 'wait',
      phase: 'evaluating',
      reason: '1 of 2 automated evaluations processing',
    });
  });

  it('final at the deadline: the result wins over the deadline', () => {
    // Act
    const decision = decide(SUBMITTED_AT + 25 * HOUR, {
      automated: { kind: 'final', outcome: 'EVALUATED', completed: 1, failed: 0 },
      interaction: 'not-asked',
    });

    // Assess
    expect(decision).toMatchObject({ action: 'finish', status: 'EVALUATED' });
  });

  it('still processing at the deadline: TIMED_OUT, with the results so far', () => {
    // Act
    const decision = decide(SUBMITTED_AT + 24 * HOUR, { automated: pending, interaction: 'not-asked' });

    // Assess
    expect(decision).toEqual({
      action: 'finish',
      status: 'TIMED_OUT',
      reason:
        'Not final 24 h after submission (deadline 2026-11-26T10:00:00.000Z): 1 of 2 automated evaluations still processing',
      collectResults: true,
    });
  });

  it('the interaction deleted in Zoom: FAILED, nothing to collect', () => {
    // Act
    const decision = decide(SUBMITTED_AT + HOUR, {
      automated: { kind: 'deleted' },
      interaction: 'not-asked',
    });

    // Assess
    expect(decision).toMatchObject({ action: 'finish', status: 'FAILED', collectResults: false });
  });
});

describe('no automated evaluation listed', () => {
  it('asks for the interaction when the analysis was never seen finished', () => {
    // Act
    const decision = decide(SUBMITTED_AT + 5 * MINUTE, { automated: none, interaction: 'not-asked' });

    // Assess
    expect(decision).toEqual({ action: 'look-up-interaction' });
  });

  it('analysed just now: waits out the grace period', () => {
    // Act
    const decision = decide(SUBMITTED_AT + 5 * MINUTE, { automated: none, interaction: 'found' });

    // Assess
    expect(decision).toEqual({
      action: 'wait',
      phase: 'awaiting-evaluations',
      reason: 'analysed; no automated evaluation yet',
    });
  });

  it('analysed long enough ago (a stored sighting): NO_EVALUATION without asking Zoom again', () => {
    // Act
    const decision = decide(SUBMITTED_AT + HOUR, {
      automated: none,
      interaction: 'not-asked',
      analysisSeenAt: SUBMITTED_AT + 30 * MINUTE,
    });

    // Assess
    expect(decision).toEqual({
      action: 'finish',
      status: 'NO_EVALUATION',
      reason: 'Zoom analysed the interaction but produced no automated evaluation within 30 min',
      collectResults: true,
    });
  });

  it('analysed, the grace period not over: still waiting', () => {
    // Act
    const decision = decide(SUBMITTED_AT + HOUR, {
      automated: none,
      interaction: 'not-asked',
      analysisSeenAt: SUBMITTED_AT + 31 * MINUTE,
    });

    // Assess
    expect(decision).toMatchObject({ action: 'wait', phase: 'awaiting-evaluations' });
  });

  it('a grace period of zero ends it at the first sighting', () => {
    // Act
    const decision = decidePoll(
      {
        now: SUBMITTED_AT + HOUR,
        settings: pollSettings({ noEvaluationGraceSeconds: 0 }),
        recording: aSubmittedRecording(),
      },
      { automated: none, interaction: 'found' },
    );

    // Assess
    expect(decision).toMatchObject({ action: 'finish', status: 'NO_EVALUATION' });
  });
});

describe('Zoom answers 404 (not processed yet)', () => {
  it('shortly after submission: waits', () => {
    // Act
    const decision = decide(SUBMITTED_AT + 10 * MINUTE, { automated: none, interaction: 'not-found' });

    // Assess
    expect(decision).toEqual({
      action: 'wait',
      phase: 'not-found',
      reason: 'not processed by Zoom yet (404)',
    });
  });

  it('past the grace period but the URL still valid: waits (Zoom may still download it)', () => {
    // Prepare
    const recording = aSubmittedRecording({ urlExpiresAt: SUBMITTED_AT + 6 * HOUR });

    // Act
    const decision = decide(
      SUBMITTED_AT + 3 * HOUR,
      { automated: none, interaction: 'not-found' },
      recording,
    );

    // Assess
    expect(decision).toMatchObject({ action: 'wait', phase: 'not-found' });
  });

  it('the URL expired but the grace period not over: waits', () => {
    // Act
    const decision = decide(SUBMITTED_AT + 90 * MINUTE, { automated: none, interaction: 'not-found' });

    // Assess
    expect(decision).toMatchObject({ action: 'wait', phase: 'not-found' });
  });

  it('past the grace period and the URL expired: submits again, once', () => {
    // Act
    const decision = decide(SUBMITTED_AT + 2 * HOUR, { automated: none, interaction: 'not-found' });

    // Assess
    expect(decision).toEqual({
      action: 'resubmit',
      reason:
        'Zoom has not processed submission 1: still not found 2 h after submission, and its download URL expired at 2026-11-25T11:00:00.000Z; submitting again with a fresh URL',
    });
  });

  it('the same after the automatic resubmission was used: FAILED', () => {
    // Prepare
    const recording = aSubmittedRecording({ submission: 2, autoResubmissions: 1 });

    // Act
    const decision = decide(
      SUBMITTED_AT + 2 * HOUR,
      { automated: none, interaction: 'not-found' },
      recording,
    );

    // Assess
    expect(decision).toMatchObject({ action: 'finish', status: 'FAILED', collectResults: false });
    expect(decision.action === 'finish' && decision.reason).toContain(
      'the automatic resubmission was already used',
    );
  });

  it('at the deadline with the URL still valid: TIMED_OUT', () => {
    // Prepare
    const recording = aSubmittedRecording({ urlExpiresAt: SUBMITTED_AT + 48 * HOUR });

    // Act
    const decision = decide(
      SUBMITTED_AT + 24 * HOUR,
      { automated: none, interaction: 'not-found' },
      recording,
    );

    // Assess
    expect(decision).toMatchObject({ action: 'finish', status: 'TIMED_OUT', collectResults: false });
  });
});

describe('every outcome is a transition the state machine allows from SUBMITTED', () => {
  const scenarios: [string, number, PollFacts, Recording][] = [
    [
      'final',
      SUBMITTED_AT,
      {
        automated: { kind: 'final', outcome: 'EVALUATED', completed: 1, failed: 0 },
        interaction: 'not-asked',
      },
      aSubmittedRecording(),
    ],
    [
      'failed',
      SUBMITTED_AT,
      {
        automated: { kind: 'final', outcome: 'EVALUATION_FAILED', completed: 0, failed: 1 },
        interaction: 'not-asked',
      },
      aSubmittedRecording(),
    ],
    [
      'deleted',
      SUBMITTED_AT,
      { automated: { kind: 'deleted' }, interaction: 'not-asked' },
      aSubmittedRecording(),
    ],
    [
      'timed out',
      SUBMITTED_AT + 24 * HOUR,
      { automated: pending, interaction: 'not-asked' },
      aSubmittedRecording(),
    ],
    [
      'no evaluation',
      SUBMITTED_AT + HOUR,
      { automated: none, interaction: 'not-asked', analysisSeenAt: SUBMITTED_AT },
      aSubmittedRecording(),
    ],
    [
      'resubmit',
      SUBMITTED_AT + 3 * HOUR,
      { automated: none, interaction: 'not-found' },
      aSubmittedRecording(),
    ],
    [
      'give up',
      SUBMITTED_AT + 3 * HOUR,
      { automated: none, interaction: 'not-found' },
      aSubmittedRecording({ autoResubmissions: 1 }),
    ],
  ];

  it.each(scenarios)('%s', (_label, now, facts, recording) => {
    // Act
    const decision = decide(now, facts, recording);

    // Assess
    const target =
      decision.action === 'finish'
        ? decision.status
        : decision.action === 'resubmit'
          ? 'SUBMITTING'
          : undefined;
    expect(target).toBeDefined();
    expect(TRANSITIONS.SUBMITTED).toContain(target);
  });
});

describe('durations in reasons', () => {
  it.each([
    [45_000, '45 s'],
    [15 * MINUTE, '15 min'],
    [90 * MINUTE, '90 min'],
    [2 * HOUR, '2 h'],
    [36 * HOUR, '36 h'],
  ])('%i ms reads %s', (ms, text) => {
    // Act / Assess
    expect(formatDuration(ms)).toBe(text);
  });
});
