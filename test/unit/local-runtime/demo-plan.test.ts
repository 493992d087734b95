import { describe, expect, it } from 'vitest';
import { demoPlan, MAX_DEMO_RECORDINGS } from '../../../local/demo/plan.ts';
import { LOCAL_KEY_TEMPLATE, LOCAL_RECORDING_PREFIX } from '../../../local/runtime/environment.ts';
import { matchKeyTemplate, parseKeyTemplate } from '../../../shared/ingest/metadata/key-template.ts';

const now = new Date('2026-11-25T12:00:00Z');
const plan = (count: number) =>
  demoPlan({ count, now, prefix: LOCAL_RECORDING_PREFIX, sidecarSuffix: '.json' });

describe('demoPlan', () => {
  it('drops the asked number of valid recordings, then one of each kind of bad drop', () => {
    // Act
    const recordings = plan(3);

    // Assess
    expect(
      recordings.filter(
        (recording) => recording.body.kind === 'audio' && recording.expected.status !== 'REJECTED',
      ),
    ).toHaveLength(3);
    expect(recordings.slice(3).map((recording) => recording.expected)).toEqual([
      { status: 'REJECTED', code: 'zero-bytes' },
      { status: 'REJECTED', code: 'unsupported-type' },
      { status: 'REJECTED', code: 'invalid-metadata' },
      { status: 'REJECTED', code: 'missing-metadata' },
      { status: 'REJECTED', code: 'zoom-not-found' },
    ]);
  });

  it('covers every way of giving metadata and every evaluation outcome within seven recordings', () => {
    // Act
    const recordings = plan(7).slice(0, 7);

    // Assess
    expect(recordings.map((recording) => recording.description)).toEqual([
      'S3 object metadata',
      'sidecar JSON arriving late',
      'evaluation fails in Zoom',
      'key template only',
      'sidecar JSON',
      'no automated evaluation',
      'manual evaluation later',
    ]);
    expect(new Set(recordings.map((recording) => recording.expected.status))).toEqual(
      new Set(['EVALUATED', 'EVALUATION_FAILED', 'NO_EVALUATION']),
    );
    expect(recordings.map((recording) => recording.sidecar?.timing)).toEqual([
      undefined,
      'after',
      undefined,
      undefined,
      'before',
      undefined,
      undefined,
    ]);
  });

  it('gives every drop its own key under the recording prefix, with a recording suffix', () => {
    // Act
    const recordings = plan(MAX_DEMO_RECORDINGS);

    // Assess
    const keys = recordings.map((recording) => recording.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.every((key) => key.startsWith(LOCAL_RECORDING_PREFIX) && key.endsWith('.wav'))).toBe(true);
    const variants = recordings.flatMap((recording) =>
      recording.body.kind === 'audio' ? [recording.body.variant] : [],
    );
    expect(new Set(variants).size).toBe(variants.length);
  });

  it('names each sidecar after its recording and gives it the agent', () => {
    // Act
    const sidecars = plan(5).flatMap((recording) =>
      recording.sidecar === undefined ? [] : [{ recording, sidecar: recording.sidecar }],
    );

    // Assess
    expect(sidecars).toHaveLength(2);
    for (const { recording, sidecar } of sidecars) {
      expect(sidecar.key).toBe(`${recording.key}.json`);
      expect(sidecar.document['agent_email']).toBe(recording.agent);
      expect(recording.metadata).toEqual({});
    }
  });

  it('writes the key template recording so the local template reads its agent, direction and start time', () => {
    // Prepare
    const template = parseKeyTemplate(LOCAL_KEY_TEMPLATE);
    const [, , , templated] = plan(4);

    // Act
    const matched = templated === undefined ? undefined : matchKeyTemplate(template, templated.key);

    // Assess
    expect(matched).toMatchObject({ agentEmail: templated?.agent, direction: 'outbound' });
    expect(templated?.metadata).toEqual({});
  });

  it('sets every start time in the past', () => {
    // Act
    const starts = plan(MAX_DEMO_RECORDINGS).flatMap((recording) => {
      const start = recording.metadata['start-time'];
      return start === undefined ? [] : [Date.parse(start)];
    });

    // Assess
    expect(starts.length).toBeGreaterThan(0);
    expect(starts.every((start) => start < now.getTime())).toBe(true);
  });

  it.each([0, MAX_DEMO_RECORDINGS + 1, 2.5])('refuses %s recordings', (count) => {
    // Act / Assess
    expect(() => plan(count)).toThrow(RangeError);
  });
});
