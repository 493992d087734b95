import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ScenarioInput } from '../../../local/zoom-simulator/index.ts';
import type { FetchFn } from '../../../shared/zoom/http.ts';
import { collect } from '../../unit/zoom/support/harness.ts';
import { minutes, type RecordingServer, startRecordingServer } from '../zoom-simulator/helpers.ts';
import { type ConnectedClient, SimulatedZoom } from './simulated-zoom.ts';

/**
 * 30 interactions already in the account with every evaluation outcome (completed, failed,
 * manual evaluations completed, expired and canceled), all final after a few minutes.
 */
const scenario: ScenarioInput = {
  seed: 5,
  processing: {
    analysis: 60,
    outcomes: { completed: 6, failed: 2, noEvaluation: 1 },
    automatedEvaluations: { min: 1, max: 2, duration: 60 },
    manualEvaluations: {
      probability: 1,
      assignedAfter: 60,
      completedAfter: 60,
      outcomes: { completed: 2, expired: 1, canceled: 1 },
    },
  },
  backgroundInteractions: { count: 30, spanDays: 2 },
};

const agentEmail = 'ann.lee@example.com';

/** The languages of the scenario's interactions (the posted one and the background ones), as Zoom holds them. */
const scenarioLanguages = ['de-DE', 'en-GB', 'en-US', 'ja'];

/** The real fetch, with the text of every response body kept: what the simulator served, before the client read it. */
function bodyKeepingFetch(bodies: string[]): FetchFn {
  return async (url, init) => {
    const response = await globalThis.fetch(url, init);
    bodies.push(await response.clone().text());
    return response;
  };
}

describe.each([
  {
    mode: 'on (the default)',
    modeScenario: {},
    quirks: true,
    customerEmail: undefined,
    audioChannel: 'VOICE',
  },
  { mode: 'off', modeScenario: { quirks: false }, quirks: false, customerEmail: '', audioChannel: 'AUDIO' },
])(
  'Zoom client against the simulator: quirks mode $mode',
  ({ modeScenario, quirks, customerEmail, audioChannel }) => {
    let recordings: RecordingServer;
    let zoom: SimulatedZoom;
    let connected: ConnectedClient;
    let postedId: string;
    let served: string[];

    beforeAll(async () => {
      recordings = await startRecordingServer();
    });

    afterAll(async () => {
      await recordings.stop();
    });

    beforeEach(async () => {
      zoom = await SimulatedZoom.start({ ...scenario, ...modeScenario });
      served = [];
      connected = zoom.connect({ fetch: bodyKeepingFetch(served) });
      const created = await connected.client.createInteraction(
        {
          download_url: recordings.url('/ok/quirks/call.mp3'),
          interaction_info: { channel_type: 'voice', agent_email: agentEmail, consumer_name: 'Jill Chill' },
          primary_language: 'en-US',
        },
        { idempotencyKey: 'quirks/call/1' },
      );
      postedId = created.interaction_id;
      await zoom.simulator.control.downloadsSettled();
      zoom.clock.advance(minutes(5));
    });

    afterEach(async () => {
      await zoom.stop();
    });

    /** What the simulator says each evaluation is and where it stands now, by evaluation id. */
    function evaluationTruth(): Map<string, { type: string; status: string | undefined }> {
      const analysed = zoom.simulator
        .inspect()
        .interactions.filter((interaction) => interaction.stage === 'analysed');
      return new Map(
        analysed.flatMap((interaction) =>
          interaction.evaluations.map((evaluation) => [
            evaluation.id,
            { type: evaluation.type, status: evaluation.status },
          ]),
        ),
      );
    }

    function analysedIds(): string[] {
      return zoom.simulator
        .inspect()
        .interactions.filter((interaction) => interaction.stage === 'analysed')
        .map((interaction) => interaction.id);
    }

    /** Whether the simulator served `fragment` (e.g. a quirk's spelling) in any response so far. */
    function wasServed(fragment: string): boolean {
      return served.some((body) => body.includes(fragment));
    }

    it('lists interactions with canonical evaluation types ("Manual scoring" read as Manual) and languages', async () => {
      // Prepare
      const truth = evaluationTruth();

      // Act
      const interactions = await collect(connected.client.listInteractions());

      // Assess
      expect(zoom.simulator.inspect().modes.quirks).toBe(quirks);
      expect(interactions.map((item) => item.interaction_info.interaction_id).sort()).toEqual(
        analysedIds().sort(),
      );
      const listed = interactions.flatMap((item) => item.interaction_info.evaluations ?? []);
      expect(listed.map((evaluation) => evaluation.evaluation_type)).toContain('Manual');
      for (const evaluation of listed) {
        expect(evaluation.evaluation_type).toBe(truth.get(evaluation.evaluation_id)?.type);
      }
      const posted = interactions.find((item) => item.interaction_info.interaction_id === postedId);
      expect(posted?.primary_language).toBe('en-US');
      // "en" is served for en-US only: en-GB is never cut to "en" and read back as en-US.
      expect(wasServed('"primary_language":"en"')).toBe(quirks);
      expect([...new Set(interactions.map((item) => item.primary_language))].sort()).toEqual(
        scenarioLanguages,
      );
      expect(connected.unknownValues).toEqual([]);
    });

    it("reads every interaction's detail: statuses of both spellings, language, the customer's email", async () => {
      // Prepare
      const truth = evaluationTruth();
      const ids = analysedIds();

      // Act
      const details = await Promise.all(ids.map((id) => connected.client.getInteraction(id)));

      // Assess
      const evaluations = details.flatMap((detail) => detail.interaction_info.evaluations ?? []);
      const statuses = evaluations.map((evaluation) => evaluation.evaluation_status_desc);
      expect(statuses).toEqual(evaluations.map((evaluation) => truth.get(evaluation.evaluation_id)?.status));
      expect(statuses).toEqual(
        expect.arrayContaining(['COMPLETED', 'FAILED', 'Completed', 'Canceled', 'Expired']),
      );
      const posted = details[ids.indexOf(postedId)];
      expect(posted?.language).toBe('en-US');
      expect(posted?.transcript_body?.language).toBe('en-US');
      const speakers = posted?.transcript_body?.speakers ?? [];
      expect(speakers.find((speaker) => speaker.role === 'rep')?.email_address).toBe(agentEmail);
      expect(speakers.find((speaker) => speaker.role === 'customer')?.email_address).toBe(customerEmail);
      const customerLines = (posted?.transcript_body?.items ?? []).filter(
        (item) => item.speaker_id === speakers.find((speaker) => speaker.role === 'customer')?.speaker_id,
      );
      expect(customerLines.length).toBeGreaterThan(0);
      expect(customerLines.every((item) => item.email === undefined)).toBe(true);
      expect(wasServed('"language":"en"')).toBe(quirks);
      expect([...new Set(details.map((detail) => detail.language))].sort()).toEqual(scenarioLanguages);
      expect(connected.unknownValues).toEqual([]);
    });

    it('lists automated evaluations with their statuses', async () => {
      // Prepare
      const truth = evaluationTruth();

      // Act
      const evaluations = await collect(connected.client.listAutomatedEvaluations());

      // Assess
      expect(evaluations.length).toBeGreaterThan(0);
      expect(evaluations.map((evaluation) => evaluation.status)).toEqual(
        evaluations.map((evaluation) => truth.get(evaluation.id)?.status),
      );
      expect(connected.unknownValues).toEqual([]);
    });

    it('lists manual evaluations and reads their scorecards, each status and acknowledgement spelled one way', async () => {
      // Prepare
      const truth = evaluationTruth();
      const channelOf = new Map(
        (await collect(connected.client.listInteractions())).map((item) => [
          item.interaction_info.interaction_id,
          item.interaction_info.channel_type,
        ]),
      );

      // Act
      const listed = await collect(connected.client.listEvaluations());
      const details = await Promise.all(
        listed.map((evaluation) => connected.client.getEvaluation(evaluation.id)),
      );

      // Assess
      expect(listed.map((evaluation) => evaluation.status)).toEqual(
        listed.map((evaluation) => truth.get(evaluation.id)?.status),
      );
      expect(listed.map((evaluation) => evaluation.status)).toEqual(
        expect.arrayContaining(['Completed', 'Canceled', 'Expired']),
      );
      const acknowledgements = listed.map((evaluation) => evaluation.acknowledgement_status);
      expect(acknowledgements).toContain('Auto complete');
      expect(details.map((detail) => detail.scorecard.acknowledgment_status)).toEqual(acknowledgements);
      const audio = listed.filter((evaluation) => channelOf.get(evaluation.interaction_id ?? '') === 'AUDIO');
      expect(audio.length).toBeGreaterThan(0);
      // Served as "VOICE" in quirks mode (the list example's spelling), read as AUDIO either way.
      expect(wasServed(`"channel_type":"${audioChannel}"`)).toBe(true);
      expect(audio.every((evaluation) => evaluation.channel_type === 'AUDIO')).toBe(true);
      expect(connected.unknownValues).toEqual([]);
    });
  },
);
