import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type OperationName,
  operations,
  quirks,
  quirksAt,
  type ScenarioInput,
  startZoomSimulator,
  type ZoomSimulator,
} from '../../../local/zoom-simulator/index.ts';
import { createValidator, differences, responseSchema, schemaPaths, servedPaths } from './contract-tools.ts';
import {
  accessToken,
  callApi,
  interactionBody,
  ManualClock,
  postInteraction,
  type RecordingServer,
  startRecordingServer,
  type ZoomBody,
} from './helpers.ts';

/**
 * Properties that zoom-qm-api.txt documents and zoom-qm-openapi.json lacks (the text is the newer
 * document). The simulator serves them; each is checked to be in the text, word for word.
 */
const documentedOnlyInText: Partial<
  Record<OperationName, ReadonlyArray<{ path: string; textLine: string }>>
> = {
  listEvaluations: [
    { path: 'data[].completion_date', textLine: 'completion_datestring— Estimated completion time.' },
  ],
  getEvaluation: [
    { path: 'scorecard.completion_date', textLine: 'completion_datestring— Estimated completion time.' },
    {
      path: 'scorecard.sections[].score',
      textLine: 'scorenumber— The actual score obtained in this section, not exceeding the total_score.',
    },
    {
      path: 'scorecard.sections[].total_score',
      textLine: 'total_scorenumber— The maximum possible score that can be achieved for this section.',
    },
    {
      path: 'scorecard.sections[].questions[].total_score',
      textLine: 'total_scorenumber— The maximum possible score that can be achieved for this question.',
    },
  ],
};

/** One success response as served: which operation, which request, what body. */
interface Served {
  readonly operation: OperationName;
  readonly request: string;
  readonly body: unknown;
}

/**
 * A full run: every operation, every outcome (COMPLETED, FAILED, no evaluation, manual
 * Completed/Expired/Canceled), every stage (PROCESSING, Pending, Active, final), pagination on
 * every list, and the account's background traffic (all channel types). Deterministic: a manual
 * clock, a fixed seed and a fixed request order, so a strict and a quirks run serve the same data.
 */
function contractScenario(quirksOn: boolean): ScenarioInput {
  return {
    seed: 'contract',
    quirks: quirksOn,
    oauth: { tokenLifetimeSeconds: 2_592_000 },
    rateLimits: {
      limits: {
        LIGHT: { perSecond: null },
        MEDIUM: { perSecond: null },
        HEAVY: { perSecond: null, perDay: null },
      },
    },
    processing: {
      timeScale: 0.001,
      analysis: 600,
      outcomes: { completed: 1, failed: 0, noEvaluation: 0 },
      automatedEvaluations: { min: 2, max: 2, duration: 900 },
      manualEvaluations: { probability: 0, assignedAfter: 3600, completedAfter: 86_400 },
      rules: [
        {
          match: { downloadUrlIncludes: 'manual-completed' },
          outcome: 'completed',
          manualEvaluation: 'completed',
        },
        { match: { downloadUrlIncludes: 'manual-expired' }, outcome: 'failed', manualEvaluation: 'expired' },
        {
          match: { downloadUrlIncludes: 'manual-canceled' },
          outcome: 'completed',
          manualEvaluation: 'canceled',
        },
        { match: { downloadUrlIncludes: 'no-evaluation' }, outcome: 'noEvaluation' },
        { match: { downloadUrlIncludes: 'failed' }, outcome: 'failed' },
      ],
    },
    backgroundInteractions: { count: 10, spanDays: 1 },
  };
}

const recordingPaths = [
  '/ok/manual-completed-1.mp3',
  '/ok/manual-completed-2.mp4',
  '/ok/manual-completed-3.mp3',
  '/ok/manual-completed-4.mp3',
  '/ok/manual-completed-5.mp3',
  '/ok/manual-completed-6.mp3',
  '/ok/manual-expired.mp3',
  '/ok/manual-canceled.mp4',
  '/ok/no-evaluation.mp3',
  '/ok/failed.mp3',
];

async function runFullScenario(recordings: RecordingServer, quirksOn: boolean): Promise<Served[]> {
  const clock = new ManualClock();
  const simulator: ZoomSimulator = await startZoomSimulator({ clock, scenario: contractScenario(quirksOn) });
  const served: Served[] = [];
  try {
    const token = await accessToken(simulator);
    const get = async (operation: OperationName, path: string): Promise<ZoomBody> => {
      const response = await callApi(simulator, token, path);
      if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}`);
      // The two runs listen on different ports: URLs pointing back at the simulator are compared without them.
      const text = (await response.text()).replaceAll(simulator.origin, 'http://simulator');
      const body = JSON.parse(text) as ZoomBody;
      served.push({ operation, request: path, body });
      return body;
    };
    const pageThrough = async (operation: OperationName, path: string): Promise<ZoomBody[]> => {
      const pages: ZoomBody[] = [];
      let nextPageToken = '';
      do {
        const suffix = nextPageToken === '' ? '' : `&next_page_token=${nextPageToken}`;
        const body = await get(operation, `${path}?page_size=3${suffix}`);
        pages.push(body);
        nextPageToken = body.next_page_token ?? '';
      } while (nextPageToken !== '');
      return pages;
    };
    const collect = async () => {
      for (const page of await pageThrough('listInteractions', '/qm/interactions')) {
        for (const item of page.interactions ?? []) {
          await get('getInteraction', `/qm/interactions/${item.interaction_info.interaction_id}`);
        }
      }
      const evaluationPages = [
        ...(await pageThrough('listAutomatedEvaluations', '/qm/automated_evaluations')),
        ...(await pageThrough('listEvaluations', '/qm/evaluation')),
      ];
      for (const evaluation of evaluationPages.flatMap((page) => page.data ?? [])) {
        await get('getEvaluation', `/qm/evaluation/${evaluation.id}`);
      }
    };

    for (const [index, path] of recordingPaths.entries()) {
      const video = path.endsWith('.mp4');
      const body =
        index === 2
          ? { download_url: recordings.url(path) }
          : interactionBody(recordings.url(path), {
              interaction_info: {
                from: '+12053546173',
                to: '+12095422197',
                consumer_name: `Customer ${index}`,
                channel_type: video ? 'video' : 'voice',
                agent_id: `agent-${index % 3}`,
                agent_email: `agent.${index % 3}@example.com`,
              },
              direction: index % 2 === 0 ? 'inbound' : 'outbound',
              primary_language: index % 4 === 0 ? 'de-DE' : 'en-US',
            });
      const posted = await postInteraction(simulator, token, body);
      served.push({ operation: 'addInteraction', request: `POST ${path}`, body: posted.body });
    }
    await simulator.control.downloadsSettled();

    await collect(); // only the background traffic is visible
    clock.advance(600); // analysed: automated evaluations PROCESSING
    await collect();
    clock.advance(900 + 3600); // automated evaluations final, manual ones Pending
    await collect();
    clock.advance(43_200); // manual ones being worked on (Active) or still Pending
    await collect();
    clock.advance(43_200); // manual ones final
    await collect();
    return served;
  } finally {
    await simulator.stop();
  }
}

describe("zoom simulator: contract with Zoom's OpenAPI document", () => {
  let recordings: RecordingServer;
  let strict: Served[];
  let quirked: Served[];
  const validate = createValidator();

  beforeAll(async () => {
    recordings = await startRecordingServer();
    strict = await runFullScenario(recordings, false);
    quirked = await runFullScenario(recordings, true);
  });

  afterAll(async () => {
    await recordings.stop();
  });

  it('served every operation during the run', () => {
    // Prepare
    const expected = operations.map((operation) => operation.name).sort();

    // Act
    const servedOperations = [...new Set(strict.map((entry) => entry.operation))].sort();

    // Assess
    expect(servedOperations).toEqual(expected);
  });

  it('with quirks off, every response validates strictly against its OpenAPI schema', () => {
    // Act
    const invalid = strict.flatMap((entry) => {
      const operation = operations.find((candidate) => candidate.name === entry.operation);
      if (operation === undefined) throw new Error(`unknown operation ${entry.operation}`);
      return validate(operation, entry.body).map(
        (error) =>
          `${entry.request}: ${error.instancePath} ${error.message ?? ''} ${JSON.stringify(error.params)}`,
      );
    });

    // Assess
    expect(invalid).toEqual([]);
  });

  it.each(operations.map((operation) => [operation.name, operation] as const))(
    'with quirks off, %s uses every property of its schema and no other',
    (name, operation) => {
      // Prepare
      const declared = schemaPaths(responseSchema(operation));
      for (const { path } of documentedOnlyInText[name] ?? []) declared.add(path);

      // Act
      const used = new Set(
        strict.filter((entry) => entry.operation === name).flatMap((entry) => [...servedPaths(entry.body)]),
      );

      // Assess
      expect(
        [...declared].filter((path) => !used.has(path)),
        'declared but never served',
      ).toEqual([]);
      expect(
        [...used].filter((path) => !declared.has(path)),
        'served but not declared',
      ).toEqual([]);
    },
  );

  it('serves beyond the OpenAPI schemas only properties the API text documents', () => {
    // Prepare
    const apiText = readFileSync(new URL('../../fixtures/zoom/zoom-qm-api.txt', import.meta.url), 'utf8');

    // Act
    const lines = Object.values(documentedOnlyInText).flatMap((entries) =>
      entries.map((entry) => entry.textLine),
    );

    // Assess
    expect(lines.filter((line) => !apiText.includes(line))).toEqual([]);
  });

  it('with quirks on, every schema violation is a listed quirk that breaks the schema', () => {
    // Act
    const unexplained = quirked.flatMap((entry) => {
      const operation = operations.find((candidate) => candidate.name === entry.operation);
      if (operation === undefined) throw new Error(`unknown operation ${entry.operation}`);
      return validate(operation, entry.body)
        .filter((error) => !quirksAt(entry.operation, error.instancePath).some((quirk) => quirk.breaksSchema))
        .map((error) => `${entry.request}: ${error.instancePath} ${error.message ?? ''}`);
    });

    // Assess
    expect(unexplained).toEqual([]);
  });

  it('with quirks on, every difference from the strict run is a listed quirk, and every quirk is served', () => {
    // Prepare
    const quirksServed = new Set<string>();

    // Act
    const unexplained: string[] = [];
    expect(quirked.map((entry) => entry.request)).toEqual(strict.map((entry) => entry.request));
    for (const [index, strictEntry] of strict.entries()) {
      const quirkEntry = quirked[index];
      for (const difference of differences(strictEntry.body, quirkEntry?.body)) {
        const explanation = quirksAt(strictEntry.operation, difference.pointer).find((quirk) => {
          const rewritten = quirk.rewrite(difference.strict, difference.strictParent);
          return rewritten !== undefined && Object.is(rewritten.value, difference.quirked);
        });
        if (explanation === undefined) {
          unexplained.push(
            `${strictEntry.request}: ${difference.pointer} ${String(difference.strict)} -> ${String(difference.quirked)}`,
          );
        } else {
          quirksServed.add(explanation.id);
        }
      }
    }

    // Assess
    expect(unexplained).toEqual([]);
    expect([...quirksServed].sort()).toEqual(quirks.map((quirk) => quirk.id).sort());
  });
});
