import { describe, expect, it } from 'vitest';
import { generatedAgents } from '../../../local/zoom-simulator/content/people.ts';
import {
  automatedStatusAt,
  type InteractionInput,
  InteractionStore,
  manualStatusAt,
  stageAt,
} from '../../../local/zoom-simulator/interactions.ts';
import { parseScenario } from '../../../local/zoom-simulator/scenario.ts';

const start = Date.parse('2026-03-02T09:00:00Z');

function setup(processing: Record<string, unknown>) {
  let now = start;
  const clock = { now: () => now };
  const scenario = parseScenario({ seed: 5, processing });
  const store = new InteractionStore(clock, scenario);
  const input: InteractionInput = {
    downloadUrl: 'http://127.0.0.1:1/rec.mp3',
    channelType: 'AUDIO',
    agent: generatedAgents(5)[0] ?? { userId: 'u', displayName: 'U', email: 'u@example.com' },
    queue: undefined,
    consumerName: undefined,
    from: undefined,
    to: undefined,
    direction: 'inbound',
    disposition: undefined,
    primaryLanguage: undefined,
    startTime: start,
  };
  return { store, input, advance: (ms: number) => (now += ms), now: () => now };
}

const ok = { outcome: 'ok' as const, status: 200, bytes: 10, durationMs: 1, error: undefined };

describe('zoom simulator: interaction lifecycle as a function of the clock', () => {
  it('starts the clock of an interaction when its download finishes, scaled by the time scale', () => {
    // Prepare
    const { store, input, advance, now } = setup({
      timeScale: 0.5,
      analysis: 100,
      outcomes: { completed: 1, failed: 0, noEvaluation: 0 },
      automatedEvaluations: { min: 1, max: 1, duration: 60 },
    });
    const record = store.create(input, 'api');
    const downloading = stageAt(record, now());
    advance(10_000);
    store.completeDownload(record, ok, now());

    // Act
    const stages = [stageAt(record, now())];
    advance(49_999);
    stages.push(stageAt(record, now()));
    advance(1);
    stages.push(stageAt(record, now()));
    const evaluation = record.automated[0];
    const processing = evaluation === undefined ? undefined : automatedStatusAt(evaluation, now());
    advance(30_000);
    const completed = evaluation === undefined ? undefined : automatedStatusAt(evaluation, now());

    // Assess
    expect(downloading).toBe('downloading');
    expect(stages).toEqual(['analysing', 'analysing', 'analysed']);
    expect(processing).toBe('PROCESSING');
    expect(completed).toBe('COMPLETED');
  });

  it('never progresses after a failed download', () => {
    // Prepare
    const { store, input, advance, now } = setup({ timeScale: 1, analysis: 1 });
    const record = store.create(input, 'api');

    // Act
    store.completeDownload(record, { ...ok, outcome: 'http-error', status: 403, error: 'HTTP 403' }, now());
    advance(365 * 86_400_000);

    // Assess
    expect(stageAt(record, now())).toBe('download_failed');
    expect(record.analysisDoneAt).toBeUndefined();
  });

  it('fails the last automated evaluation of a failed interaction and creates none for noEvaluation', () => {
    // Prepare
    const { store, input } = setup({
      automatedEvaluations: { min: 3, max: 3 },
      rules: [
        { match: { downloadUrlIncludes: 'fail' }, outcome: 'failed' },
        { match: { downloadUrlIncludes: 'none' }, outcome: 'noEvaluation', manualEvaluation: 'none' },
      ],
    });

    // Act
    const failed = store.create({ ...input, downloadUrl: 'http://h/fail.mp3' }, 'api');
    const none = store.create({ ...input, downloadUrl: 'http://h/none.mp3' }, 'api');

    // Assess
    expect(failed.automated.map((evaluation) => evaluation.finalStatus)).toEqual([
      'COMPLETED',
      'COMPLETED',
      'FAILED',
    ]);
    expect(none.automated).toEqual([]);
    expect(none.manual).toBeUndefined();
  });

  it('moves manual evaluations Pending -> Active -> Completed, and lets controls bring them forward', () => {
    // Prepare
    const { store, input, advance, now } = setup({
      timeScale: 1,
      analysis: 0,
      manualEvaluations: {
        probability: 1,
        assignedAfter: 60,
        completedAfter: 7200,
        outcomes: { completed: 1, expired: 0, canceled: 0 },
      },
    });
    const record = store.create(input, 'api');
    store.completeDownload(record, ok, now());
    const manual = record.manual;
    if (manual === undefined) throw new Error('expected a manual evaluation');
    advance(60_000);

    // Act
    const pending = manualStatusAt(manual, now());
    const movedForward = store.advanceManualEvaluations(3600_000);
    const active = manualStatusAt(manual, now());
    const finished = store.finishManualEvaluations();
    const completed = manualStatusAt(manual, now());

    // Assess
    expect(pending).toBe('Pending');
    expect(movedForward).toBe(1);
    expect(active).toBe('Active');
    expect(finished).toBe(1);
    expect(completed).toBe('Completed');
    expect(manual.finalAt).toBe(now());
  });

  it('draws the same fate for the same seed and creation order', () => {
    // Prepare
    const first = setup({});
    const second = setup({});

    // Act
    const a = first.store.create(first.input, 'api');
    const b = second.store.create(second.input, 'api');

    // Assess
    expect(b.id).toBe(a.id);
    expect(b.outcome).toBe(a.outcome);
    expect(b.automated.map((evaluation) => evaluation.durationMs)).toEqual(
      a.automated.map((evaluation) => evaluation.durationMs),
    );
  });
});
