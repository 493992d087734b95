import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  applyTransition,
  IllegalTransitionError,
  isLegalTransition,
  isTerminal,
  MAX_AUTOMATIC_RESUBMISSIONS,
  RECORDING_STATUSES,
  type RecordingStatus,
  startsNewSubmission,
  TERMINAL_STATUSES,
  TRANSITIONS,
} from '../../../shared/recordings/state-machine.ts';

/**
 * Reads the transition diagram from the module's own doc comment (the one the README repeats), so
 * the table and the diagram people read cannot disagree.
 */
function transitionsFromDiagram(): Map<RecordingStatus, Set<RecordingStatus>> {
  const source = readFileSync(
    new URL('../../../shared/recordings/state-machine.ts', import.meta.url),
    'utf8',
  );
  const block = /```\n([\s\S]*?)```/.exec(source)?.[1] ?? '';
  const statements = block
    .split('\n')
    .map((line) =>
      line
        .replace(/^\s*\*\s?/, '')
        .replace(/\([^)]*\)/g, '')
        .trim(),
    )
    .filter((line) => line !== '')
    .reduce<string[]>((joined, line) => {
      if (line.startsWith('|') && joined.length > 0) {
        joined[joined.length - 1] = `${joined.at(-1)} ${line}`;
      } else {
        joined.push(line);
      }
      return joined;
    }, []);
  const edges = new Map<RecordingStatus, Set<RecordingStatus>>();
  for (const statement of statements) {
    const groups = statement.split('->').map((group) =>
      group
        .split('|')
        .map((status) => status.trim())
        .filter((status): status is RecordingStatus =>
          (RECORDING_STATUSES as readonly string[]).includes(status),
        ),
    );
    for (let index = 0; index + 1 < groups.length; index += 1) {
      for (const from of groups[index] ?? []) {
        const targets = edges.get(from) ?? new Set<RecordingStatus>();
        for (const to of groups[index + 1] ?? []) {
          targets.add(to);
        }
        edges.set(from, targets);
      }
    }
  }
  return edges;
}

describe('the transition table', () => {
  it('is exactly the diagram in the module documentation', () => {
    // Prepare
    const diagram = transitionsFromDiagram();

    // Act
    const table = RECORDING_STATUSES.filter((status) => TRANSITIONS[status].length > 0).map(
      (status) => [status, [...TRANSITIONS[status]].sort()] as const,
    );

    // Assess
    expect(table).toEqual(
      RECORDING_STATUSES.filter((status) => diagram.has(status)).map(
        (status) => [status, [...(diagram.get(status) ?? [])].sort()] as const,
      ),
    );
    expect(diagram.size).toBe(8);
  });

  it('lets every status be reached from RECEIVED', () => {
    // Prepare
    const reached = new Set<RecordingStatus>(['RECEIVED']);
    const queue: RecordingStatus[] = ['RECEIVED'];

    // Act
    for (let status = queue.shift(); status !== undefined; status = queue.shift()) {
      for (const next of TRANSITIONS[status]) {
        if (!reached.has(next)) {
          reached.add(next);
          queue.push(next);
        }
      }
    }

    // Assess
    expect([...reached].sort()).toEqual([...RECORDING_STATUSES].sort());
  });

  it('leaves terminal statuses only through an operator retry, or the link of a NEEDS_REVIEW recording', () => {
    // Prepare
    const terminal = TERMINAL_STATUSES;

    // Act
    const exits = terminal.map((status) => [status, TRANSITIONS[status]] as const);

    // Assess
    for (const [status, targets] of exits) {
      expect(isTerminal(status)).toBe(true);
      expect(
        targets.every(
          (target) => target === 'RESUBMITTED' || (status === 'NEEDS_REVIEW' && target === 'SUBMITTED'),
        ),
        status,
      ).toBe(true);
    }
    expect(RECORDING_STATUSES.filter((status) => !isTerminal(status))).toEqual([
      'RECEIVED',
      'SUBMITTING',
      'SUBMITTED',
      'RESUBMITTED',
    ]);
  });
});

describe('applyTransition', () => {
  const allPairs = RECORDING_STATUSES.flatMap((from) => RECORDING_STATUSES.map((to) => [from, to] as const));
  const illegalPairs = allPairs.filter(([from, to]) => !isLegalTransition(from, to));
  const legalPairs = allPairs.filter(([from, to]) => isLegalTransition(from, to));

  it.each(illegalPairs)('refuses %s -> %s with an error naming both states', (from, to) => {
    // Prepare
    const counters = { submission: 1, autoResubmissions: 0 };

    // Act
    const attempt = () => applyTransition(from, to, counters);

    // Assess
    expect(attempt).toThrow(IllegalTransitionError);
    expect(attempt).toThrow(`Illegal transition ${from} -> ${to}`);
  });

  it.each(legalPairs)('allows %s -> %s', (from, to) => {
    // Prepare
    const counters = { submission: 3, autoResubmissions: 0 };

    // Act
    const after = applyTransition(from, to, counters);

    // Assess
    expect(after.submission).toBe(startsNewSubmission(from, to) ? 4 : 3);
  });

  it('starts a new submission on the automatic resubmission and on an operator retry or link only', () => {
    // Prepare
    const pairs = legalPairs;

    // Act
    const starting = pairs
      .filter(([from, to]) => startsNewSubmission(from, to))
      .map((pair) => pair.join(' -> '));

    // Assess
    expect(starting.sort()).toEqual([
      'FAILED -> RESUBMITTED',
      'NEEDS_REVIEW -> RESUBMITTED',
      'NEEDS_REVIEW -> SUBMITTED',
      'REJECTED -> RESUBMITTED',
      'SUBMITTED -> SUBMITTING',
      'TIMED_OUT -> RESUBMITTED',
    ]);
  });

  it('allows one automatic resubmission and refuses the next with a reason', () => {
    // Prepare
    const first = applyTransition('SUBMITTED', 'SUBMITTING', { submission: 1, autoResubmissions: 0 });

    // Act
    const second = () => applyTransition('SUBMITTED', 'SUBMITTING', first);

    // Assess
    expect(first).toEqual({ submission: 2, autoResubmissions: MAX_AUTOMATIC_RESUBMISSIONS });
    expect(second).toThrow(IllegalTransitionError);
    expect(second).toThrow(
      'Illegal transition SUBMITTED -> SUBMITTING: the automatic resubmission was already used',
    );
  });

  it('gives an operator retry its own automatic resubmission', () => {
    // Prepare
    const exhausted = { submission: 2, autoResubmissions: 1 };

    // Act
    const retried = applyTransition('FAILED', 'RESUBMITTED', exhausted);
    const resubmitting = applyTransition('RESUBMITTED', 'SUBMITTING', retried);
    const automatic = applyTransition('SUBMITTED', 'SUBMITTING', resubmitting);

    // Assess
    expect(retried).toEqual({ submission: 3, autoResubmissions: 0 });
    expect(resubmitting).toEqual({ submission: 3, autoResubmissions: 0 });
    expect(automatic).toEqual({ submission: 4, autoResubmissions: 1 });
  });

  it('explains that a final status has no way out', () => {
    // Prepare
    const counters = { submission: 1, autoResubmissions: 0 };

    // Act
    const attempt = () => applyTransition('EVALUATED', 'SUBMITTING', counters);

    // Assess
    expect(attempt).toThrow('Illegal transition EVALUATED -> SUBMITTING: EVALUATED is final');
  });

  it('names the allowed targets when a status has some', () => {
    // Prepare
    const counters = { submission: 1, autoResubmissions: 0 };

    // Act
    const attempt = () => applyTransition('RECEIVED', 'SUBMITTED', counters);

    // Assess
    expect(attempt).toThrow(
      'Illegal transition RECEIVED -> SUBMITTED: from RECEIVED a recording may only move to SUBMITTING, REJECTED, FAILED',
    );
  });

  it('is a permanent error carrying both states', () => {
    // Prepare
    const states = ['SUBMITTING', 'EVALUATED'] as const;

    // Act
    const error = new IllegalTransitionError(...states);

    // Assess
    expect(error.retryable).toBe(false);
    expect([error.from, error.to]).toEqual(['SUBMITTING', 'EVALUATED']);
    expect(error.name).toBe('IllegalTransitionError');
  });
});
