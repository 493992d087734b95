import { describe, expect, it } from 'vitest';
import {
  isKnown,
  MANUAL_EVALUATION_STATUSES,
  type UnknownEnumValueReport,
} from '../../../shared/zoom/enums.ts';
import { ZoomResponseSchemaError } from '../../../shared/zoom/errors.ts';
import { createZoomResponseSchemas } from '../../../shared/zoom/schemas.ts';
import { json } from '../../helpers/fake-fetch.ts';
import { Harness, rejectionOf } from './support/harness.ts';

function schemasWithReports() {
  const reports: UnknownEnumValueReport[] = [];
  return { schemas: createZoomResponseSchemas((report) => reports.push(report)), reports };
}

const interactionInList = (info: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  interactions: [
    { start_time: '2026-03-10T09:13:02Z', interaction_info: { interaction_id: 'int-1', ...info }, ...extra },
  ],
});

const interactionDetail = (evaluation: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  interaction_info: { interaction_id: 'int-1', evaluations: [{ evaluation_id: 'ev-1', ...evaluation }] },
  ...extra,
});

describe("Zoom's documented inconsistencies are read as the canonical value", () => {
  it('evaluation_type "Manual scoring" (outside its enum) reads as Manual', () => {
    // Prepare
    const { schemas, reports } = schemasWithReports();

    // Act
    const page = schemas.interactionListPage.parse(
      interactionInList({ evaluations: [{ evaluation_id: 'ev-1', evaluation_type: 'Manual scoring' }] }),
    );

    // Assess
    expect(page.interactions[0]?.interaction_info.evaluations?.[0]?.evaluation_type).toBe('Manual');
    expect(reports).toEqual([]);
  });

  it.each(['Cancled', 'Canceled'])('a manual evaluation status "%s" reads as Canceled', (status) => {
    // Prepare
    const { schemas, reports } = schemasWithReports();

    // Act
    const page = schemas.evaluationListPage.parse({ data: [{ id: 'ev-1', status }] });

    // Assess
    expect(page.data[0]?.status).toBe('Canceled');
    expect(reports).toEqual([]);
  });

  it.each(['Auto Complete', 'Auto complete'])(
    'acknowledgement "%s" reads as "Auto complete" in the list and the detail',
    (status) => {
      // Prepare
      const { schemas, reports } = schemasWithReports();

      // Act
      const page = schemas.evaluationListPage.parse({
        data: [{ id: 'ev-1', acknowledgement_status: status }],
      });
      const detail = schemas.evaluationDetail.parse({ scorecard: { acknowledgment_status: status } });

      // Assess
      expect(page.data[0]?.acknowledgement_status).toBe('Auto complete');
      expect(detail.scorecard.acknowledgment_status).toBe('Auto complete');
      expect(reports).toEqual([]);
    },
  );

  it('"Completed" on an automated evaluation reads as COMPLETED, on a manual one stays Completed', () => {
    // Prepare
    const { schemas, reports } = schemasWithReports();

    // Act
    const automated = schemas.interactionDetail.parse(
      interactionDetail({ evaluation_type: 'Automated', evaluation_status_desc: 'Completed' }),
    );
    const manual = schemas.interactionDetail.parse(
      interactionDetail({ evaluation_type: 'Manual', evaluation_status_desc: 'Completed' }),
    );

    // Assess
    expect(automated.interaction_info.evaluations?.[0]?.evaluation_status_desc).toBe('COMPLETED');
    expect(manual.interaction_info.evaluations?.[0]?.evaluation_status_desc).toBe('Completed');
    expect(reports).toEqual([]);
  });

  it('"Completed" in the automated evaluations list reads as COMPLETED', () => {
    // Prepare
    const { schemas, reports } = schemasWithReports();

    // Act
    const page = schemas.automatedEvaluationListPage.parse({ data: [{ id: 'ae-1', status: 'Completed' }] });

    // Assess
    expect(page.data[0]?.status).toBe('COMPLETED');
    expect(reports).toEqual([]);
  });

  it('language "en" (the enum has en-US) reads as en-US wherever a language appears', () => {
    // Prepare
    const { schemas, reports } = schemasWithReports();

    // Act
    const page = schemas.interactionListPage.parse(interactionInList({}, { primary_language: 'en' }));
    const detail = schemas.interactionDetail.parse({
      interaction_info: { interaction_id: 'int-1' },
      language: 'en',
      transcript_body: { language: 'en' },
    });

    // Assess
    expect(page.interactions[0]?.primary_language).toBe('en-US');
    expect(detail.language).toBe('en-US');
    expect(detail.transcript_body?.language).toBe('en-US');
    expect(reports).toEqual([]);
  });

  it.each([
    ['audio', 'AUDIO'],
    ['Web Chat', 'WEB_CHAT'],
    ['web-chat', 'WEB_CHAT'],
  ])('channel "%s" reads as %s (case and separators ignored)', (raw, canonical) => {
    // Prepare
    const { schemas, reports } = schemasWithReports();

    // Act
    const page = schemas.interactionListPage.parse(interactionInList({ channel_type: raw }));

    // Assess
    expect(page.interactions[0]?.interaction_info.channel_type).toBe(canonical);
    expect(reports).toEqual([]);
  });

  it.each([
    ['EN_us', 'en-US'],
    ['zh-hk', 'zh-HK'],
    ['de', 'de-DE'],
    ['DA', 'da-DK'],
    ['ko', 'ko-KR'],
    ['ja', 'ja'],
    ['EN', 'en-US'],
  ])('language "%s" reads as %s', (raw, canonical) => {
    // Prepare
    const { schemas } = schemasWithReports();

    // Act
    const detail = schemas.interactionDetail.parse({
      interaction_info: { interaction_id: 'int-1' },
      language: raw,
    });

    // Assess
    expect(detail.language).toBe(canonical);
  });

  it.each(['es', 'fr', 'pt', 'zh'])(
    'a bare primary subtag that names more than one language ("%s") is kept as it came and reported',
    (raw) => {
      // Prepare
      const { schemas, reports } = schemasWithReports();

      // Act
      const detail = schemas.interactionDetail.parse({
        interaction_info: { interaction_id: 'int-1' },
        language: raw,
      });

      // Assess
      expect(detail.language).toBe(raw);
      expect(reports).toEqual([{ field: 'interaction.language', value: raw }]);
    },
  );

  it('evaluation channel "VOICE" (the list example\'s spelling) reads as AUDIO', () => {
    // Prepare
    const { schemas, reports } = schemasWithReports();

    // Act
    const page = schemas.evaluationListPage.parse({ data: [{ id: 'ev-1', channel_type: 'voice' }] });

    // Assess
    expect(page.data[0]?.channel_type).toBe('AUDIO');
    expect(reports).toEqual([]);
  });

  it('a transcript speaker with email_address null (an external user) is accepted', () => {
    // Prepare
    const { schemas } = schemasWithReports();

    // Act
    const detail = schemas.interactionDetail.parse({
      interaction_info: { interaction_id: 'int-1' },
      transcript_body: {
        speakers: [
          {
            speaker_id: '1',
            zoom_user_id: null,
            email_address: null,
            username: '+12053546173',
            role: 'customer',
          },
        ],
      },
    });

    // Assess
    expect(detail.transcript_body?.speakers?.[0]).toEqual({
      speaker_id: '1',
      zoom_user_id: undefined,
      email_address: undefined,
      username: '+12053546173',
      role: 'customer',
    });
  });
});

describe('unknown enum values are kept and made countable', () => {
  it('keeps an unknown channel verbatim and reports it with its field', () => {
    // Prepare
    const { schemas, reports } = schemasWithReports();

    // Act
    const page = schemas.interactionListPage.parse(interactionInList({ channel_type: 'HOLOGRAM' }));

    // Assess
    expect(page.interactions[0]?.interaction_info.channel_type).toBe('HOLOGRAM');
    expect(reports).toEqual([{ field: 'interactions.interaction_info.channel_type', value: 'HOLOGRAM' }]);
  });

  it('an unknown status is not one of the known ones, so a caller cannot mistake it for final', () => {
    // Prepare
    const { schemas, reports } = schemasWithReports();

    // Act
    const page = schemas.evaluationListPage.parse({ data: [{ id: 'ev-1', status: 'Archived' }] });
    const status = page.data[0]?.status;

    // Assess
    expect(status).toBe('Archived');
    expect(status !== undefined && isKnown(status, MANUAL_EVALUATION_STATUSES)).toBe(false);
    expect(reports).toEqual([{ field: 'evaluations.status', value: 'Archived' }]);
  });

  it('the client passes every unknown value to its hook, and logs each distinct one once', async () => {
    // Prepare
    const harness = new Harness();
    harness.http.route(
      'GET',
      '/v2/qm/automated_evaluations',
      json(200, {
        data: [
          { id: 'ae-1', status: 'QUEUED' },
          { id: 'ae-2', status: 'QUEUED' },
        ],
      }),
    );

    // Act
    const page = await harness.client.listAutomatedEvaluationsPage();

    // Assess
    expect(page.data.map((evaluation) => evaluation.status)).toEqual(['QUEUED', 'QUEUED']);
    expect(harness.unknownValues).toEqual([
      { field: 'automated_evaluations.status', value: 'QUEUED' },
      { field: 'automated_evaluations.status', value: 'QUEUED' },
    ]);
    expect(harness.logger.fieldsOf('Zoom sent an unknown enum value; kept as is')).toEqual([
      { field: 'automated_evaluations.status', value: 'QUEUED' },
    ]);
  });
});

describe('strict where it matters', () => {
  const strictCases: readonly {
    readonly name: string;
    readonly path: string;
    readonly body: unknown;
    readonly issue: string;
  }[] = [
    {
      name: 'an empty interaction id',
      path: '/v2/qm/interactions',
      body: interactionInList({ interaction_id: '' }),
      issue: 'interactions.0.interaction_info.interaction_id',
    },
    {
      name: 'an interaction without interaction_info',
      path: '/v2/qm/interactions',
      body: { interactions: [{ start_time: '2026-03-10T09:13:02Z' }] },
      issue: 'interactions.0.interaction_info',
    },
    {
      name: 'an evaluation reference without its id',
      path: '/v2/qm/interactions',
      body: interactionInList({ evaluations: [{ evaluation_type: 'Automated' }] }),
      issue: 'interactions.0.interaction_info.evaluations.0.evaluation_id',
    },
    {
      name: 'a list that is not a list',
      path: '/v2/qm/interactions',
      body: { interactions: { interaction_id: 'int-1' } },
      issue: 'interactions',
    },
    {
      name: 'an automated evaluation without an id',
      path: '/v2/qm/automated_evaluations',
      body: { data: [{ status: 'COMPLETED' }] },
      issue: 'data.0.id',
    },
    {
      name: 'a score sent as a string',
      path: '/v2/qm/automated_evaluations',
      body: { data: [{ id: 'ae-1', evaluation_score: '85' }] },
      issue: 'data.0.evaluation_score',
    },
    {
      name: 'a numeric id',
      path: '/v2/qm/evaluation',
      body: { data: [{ id: 42 }] },
      issue: 'data.0.id',
    },
  ];

  it.each(strictCases)('refuses $name with the path, never the value', async ({ path, body, issue }) => {
    // Prepare
    const harness = new Harness();
    harness.http.route('GET', path, json(200, body));
    const calls: Record<string, () => Promise<unknown>> = {
      '/v2/qm/interactions': () => harness.client.listInteractionsPage(),
      '/v2/qm/automated_evaluations': () => harness.client.listAutomatedEvaluationsPage(),
      '/v2/qm/evaluation': () => harness.client.listEvaluationsPage(),
    };

    // Act
    const error = await rejectionOf(calls[path]?.() ?? Promise.resolve());

    // Assess
    expect(error).toBeInstanceOf(ZoomResponseSchemaError);
    const schemaError = error as ZoomResponseSchemaError;
    expect(schemaError.issues.some((text) => text.startsWith(`${issue}:`))).toBe(true);
    expect(schemaError.retryable).toBe(false);
    expect(harness.apiRequests()).toHaveLength(1);
  });

  it('reads null optional fields, empty optional ids and a missing list leniently, and ignores unknown fields', () => {
    // Prepare
    const { schemas } = schemasWithReports();

    // Act
    const page = schemas.interactionListPage.parse({
      total_records: null,
      next_page_token: '',
      surprise: { a: 1 },
    });
    const interaction = schemas.interactionListPage.parse(
      interactionInList({ agent_name: null }, { queue_id: '', duration: null, new_field_from_zoom: true }),
    ).interactions[0];

    // Assess
    expect(page).toEqual({
      total_records: undefined,
      page_size: undefined,
      next_page_token: '',
      interactions: [],
    });
    expect(interaction?.queue_id).toBeUndefined();
    expect(interaction?.duration).toBeUndefined();
    expect(interaction?.interaction_info.agent_name).toBeUndefined();
    expect(interaction !== undefined && 'new_field_from_zoom' in interaction).toBe(false);
  });
});
