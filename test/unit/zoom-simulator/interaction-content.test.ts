import { describe, expect, it } from 'vitest';
import {
  createContentCache,
  interactionContent,
} from '../../../local/zoom-simulator/content/interaction-content.ts';
import { generatedAgents } from '../../../local/zoom-simulator/content/people.ts';
import { InteractionStore } from '../../../local/zoom-simulator/interactions.ts';
import { renderInteractionDetail } from '../../../local/zoom-simulator/render/interaction-bodies.ts';
import { parseScenario } from '../../../local/zoom-simulator/scenario.ts';

function record(transcriptBytes: number, sequenceOffset = 0) {
  const scenario = parseScenario({
    seed: 11,
    processing: { rules: [{ match: { disposition: 'x' }, transcriptBytes }] },
  });
  const store = new InteractionStore({ now: () => Date.parse('2026-03-02T09:00:00Z') }, scenario);
  const agent = generatedAgents(11)[0] ?? { userId: 'u', displayName: 'U', email: 'u@example.com' };
  const input = {
    downloadUrl: 'http://127.0.0.1:1/a.mp3',
    channelType: 'AUDIO' as const,
    agent,
    queue: undefined,
    consumerName: 'Jill Chill',
    from: '+12053546173',
    to: undefined,
    direction: 'inbound' as const,
    disposition: 'x',
    primaryLanguage: undefined,
    startTime: Date.parse('2026-03-02T08:00:00Z'),
  };
  for (let index = 0; index < sequenceOffset; index += 1) store.create(input, 'api');
  return store.create(input, 'api');
}

const toSeconds = (offset: string) => {
  const [hours, minutes, seconds] = offset.split(':').map(Number);
  return (hours ?? 0) * 3600 + (minutes ?? 0) * 60 + (seconds ?? 0);
};

describe('zoom simulator: generated interaction content', () => {
  it.each([6000, 450_000])('sizes the transcript near %i bytes, within 2000 items', (bytes) => {
    // Prepare
    const interaction = record(bytes);
    const context = {
      seed: 11,
      accountId: 'account',
      origin: 'http://127.0.0.1:1',
      now: Date.parse('2026-03-02T10:00:00Z'),
      contentOf: createContentCache(11),
    };

    // Act
    const detail = renderInteractionDetail(interaction, context);

    // Assess
    const { transcript_body: transcriptBody } = detail;
    const transcript = transcriptBody as { items: unknown[] };
    const size = Buffer.byteLength(JSON.stringify(transcript));
    expect(transcript.items.length).toBeLessThanOrEqual(2000);
    expect(size).toBeGreaterThan(bytes * 0.85);
    expect(size).toBeLessThan(bytes * 1.25);
  });

  it("keeps events inside the recording and metrics on the transcript's speakers", () => {
    // Act
    const content = interactionContent(11, record(20_000));

    // Assess
    const durationSeconds = content.durationMinutes * 60;
    for (const event of [...content.silenceEvents, ...content.crosstalkEvents, ...content.holdEvents]) {
      expect(toSeconds(event.startTime)).toBeLessThanOrEqual(toSeconds(event.endTime));
      expect(toSeconds(event.endTime)).toBeLessThanOrEqual(durationSeconds + 1);
    }
    const speakerIds = content.speakers.map((speaker) => speaker.userId).sort();
    expect(content.metrics.talkSpeed.map((metric) => metric.userId).sort()).toEqual(speakerIds);
    expect(content.speakers.find((speaker) => speaker.role === 'customer')?.email).toBeUndefined();
    expect(content.recordingEnd - content.recordingStart).toBeGreaterThan(0);
  });

  it('is the same on every generation, and cached per record', () => {
    // Prepare
    const interaction = record(6000);
    const contentOf = createContentCache(11, 2);

    // Act
    const first = contentOf(interaction);
    const again = contentOf(interaction);
    contentOf(record(6000, 1));
    contentOf(record(6000, 2));
    const afterEviction = contentOf(interaction);

    // Assess
    expect(again).toBe(first);
    expect(afterEviction).not.toBe(first);
    expect(afterEviction).toEqual(first);
    expect(interactionContent(11, interaction)).toEqual(first);
  });
});
