import { describe, expect, it } from 'vitest';
import type { ZoomQmClient } from '../../../shared/zoom/client.ts';
import { ZoomValidationError } from '../../../shared/zoom/errors.ts';
import type { ZoomOperation } from '../../../shared/zoom/operations.ts';
import {
  type CreateInteractionRequest,
  formatZoomTimestamp,
  type ListInteractionsQuery,
} from '../../../shared/zoom/requests.ts';
import { type FakeReply, json, type RecordedRequest } from '../../helpers/fake-fetch.ts';
import { API_BASE_URL, Harness, rejectionOf } from './support/harness.ts';
import {
  bodyValidator,
  matchSpecPath,
  parameterErrors,
  SPEC_ROUTES,
  specOperation,
  toJsonSchema,
} from './support/openapi.ts';

/** Every field of the POST body, with values the OpenAPI accepts. */
const FULL_BODY = {
  download_url:
    'https://recordings.s3.eu-west-1.amazonaws.com/calls/2026/03/10/call-1.mp3?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=abc123',
  interaction_info: {
    channel_type: 'voice',
    agent_email: 'agent@example.com',
    agent_id: 'ycEUjKmDSnuPwF33KLTxJg',
    consumer_name: 'Jill Chill',
    from: '+12053546173',
    to: '+12095422197',
  },
  start_time: '2026-03-10T09:13:02Z',
  direction: 'inbound',
  queue_id: 'zxcv12m',
  disposition: 'dispostion_a',
  primary_language: 'en-GB',
} as const satisfies CreateInteractionRequest;

interface RequestCase {
  readonly operation: ZoomOperation;
  readonly reply: FakeReply;
  readonly act: (client: ZoomQmClient) => Promise<unknown>;
  /** The query parameters the call must send, as the OpenAPI names them. */
  readonly expectedQuery: Readonly<Record<string, string>>;
}

const emptyPage = { total: 0, page_size: 0, next_page_token: '', data: [] };

const REQUEST_CASES: readonly RequestCase[] = [
  {
    operation: 'createInteraction',
    reply: json(201, { interaction_id: 'QMp3e6_WShCVuifNbrQd4w' }),
    act: (client) => client.createInteraction(FULL_BODY, { idempotencyKey: 'rec-7f3a9c:submission-1' }),
    expectedQuery: {},
  },
  {
    operation: 'listInteractions',
    reply: json(200, { total_records: 0, page_size: 0, next_page_token: '', interactions: [] }),
    act: (client) =>
      client.listInteractionsPage(
        {
          from: '2026-03-01T00:00:00Z',
          to: '2026-03-02T00:00:00Z',
          page_size: 50,
          user_ids: ['ycEUjKmDSnuPwF33KLTxJg', 'vBKuLsR2QeK_mMo0KQsEew'],
          queues: ['Je4zLPZ-SBiLCiebE35ALQ', 'SC3x7iqnRm6QVeIuxSnzuA'],
          channels: ['VIDEO', 'AUDIO'],
          direction: 'inbound',
          dispositions: ['aaa', 'Ping Test'],
          language: ['en', 'ja'],
          scored: true,
          indicator_id: 'aI9HM3ZsEScAa',
          topic: 'thanks',
          engagement_id: 'PH6wferlTACAfBzYGAVOYg',
          time_zone: 'America/Los_Angeles',
        },
        'R4aF9Oj0fVM2hhezJTEmSKaBSkfesDwGy42',
      ),
    expectedQuery: {
      from: '2026-03-01T00:00:00Z',
      to: '2026-03-02T00:00:00Z',
      page_size: '50',
      user_ids: 'ycEUjKmDSnuPwF33KLTxJg,vBKuLsR2QeK_mMo0KQsEew',
      queues: 'Je4zLPZ-SBiLCiebE35ALQ,SC3x7iqnRm6QVeIuxSnzuA',
      channels: 'VIDEO,AUDIO',
      direction: 'inbound',
      dispositions: 'aaa,Ping Test',
      language: 'en,ja',
      scored: 'true',
      indicator_id: 'aI9HM3ZsEScAa',
      topic: 'thanks',
      engagement_id: 'PH6wferlTACAfBzYGAVOYg',
      time_zone: 'America/Los_Angeles',
      next_page_token: 'R4aF9Oj0fVM2hhezJTEmSKaBSkfesDwGy42',
    },
  },
  {
    operation: 'getInteraction',
    reply: json(200, { interaction_info: { interaction_id: 'VgKcwkLoTPy80OyNcUo2Yg' } }),
    act: (client) => client.getInteraction('VgKcwkLoTPy80OyNcUo2Yg'),
    expectedQuery: {},
  },
  {
    operation: 'listAutomatedEvaluations',
    reply: json(200, emptyPage),
    act: (client) =>
      client.listAutomatedEvaluationsPage(
        {
          status: 'COMPLETED',
          agent_id: 'httgPnTgTxq0d65-alfYVw',
          interaction_id: 'X51n17BZQTqKtxwF4mmTIw',
          from: '2026-02-01T19:13:02Z',
          to: '2026-02-02T19:13:05Z',
          page_size: 100,
        },
        'next-automated-page',
      ),
    expectedQuery: {
      status: 'COMPLETED',
      agent_id: 'httgPnTgTxq0d65-alfYVw',
      interaction_id: 'X51n17BZQTqKtxwF4mmTIw',
      from: '2026-02-01T19:13:02Z',
      to: '2026-02-02T19:13:05Z',
      page_size: '100',
      next_page_token: 'next-automated-page',
    },
  },
  {
    operation: 'listEvaluations',
    reply: json(200, emptyPage),
    act: (client) =>
      client.listEvaluationsPage(
        {
          status: 'Canceled',
          agent_ids: ['httgPnTgTxq0d65-alfYVw', 'b0_yDuNGSq65EF8i1f0PcQ'],
          evaluator_id: 'b0_yDuNGSq65EF8i1f0PcQ',
          acknowledgement_status: 'Auto complete',
          interaction_id: 'X51n17BZQTqKtxwF4mmTIw',
          from: '2026-02-01T19:13:02Z',
          to: '2026-02-02T19:13:05Z',
          page_size: 30,
        },
        'next-evaluation-page',
      ),
    expectedQuery: {
      status: 'Canceled',
      agent_ids: 'httgPnTgTxq0d65-alfYVw,b0_yDuNGSq65EF8i1f0PcQ',
      evaluator_id: 'b0_yDuNGSq65EF8i1f0PcQ',
      acknowledgement_status: 'Auto complete',
      interaction_id: 'X51n17BZQTqKtxwF4mmTIw',
      from: '2026-02-01T19:13:02Z',
      to: '2026-02-02T19:13:05Z',
      page_size: '30',
      next_page_token: 'next-evaluation-page',
    },
  },
  {
    operation: 'getEvaluation',
    reply: json(200, { scorecard: { scorecard_id: 'CaBoBGvDSCmYt5GDDxP4-Q' } }),
    act: (client) => client.getEvaluation('aI9HM3ZsEScAa'),
    expectedQuery: {},
  },
];

async function sendOne(testCase: RequestCase): Promise<RecordedRequest> {
  const harness = new Harness();
  harness.http.route(
    SPEC_ROUTES[testCase.operation].method,
    (url) => url.pathname.startsWith('/v2/'),
    testCase.reply,
  );
  await testCase.act(harness.client);
  const [request, ...others] = harness.apiRequests();
  if (request === undefined || others.length > 0) {
    throw new Error(`expected exactly one API request, got ${harness.apiRequests().length}`);
  }
  return request;
}

describe('every operation sends what the OpenAPI declares', () => {
  it.each(REQUEST_CASES)('$operation: method, path and base URL', async (testCase) => {
    // Prepare
    const route = SPEC_ROUTES[testCase.operation];

    // Act
    const request = await sendOne(testCase);

    // Assess
    expect(request.method).toBe(route.method.toUpperCase());
    expect(request.url.href.startsWith(`${API_BASE_URL}/`)).toBe(true);
    const matched = matchSpecPath(route.method, request.url.pathname.replace(/^\/v2/, ''));
    expect(matched?.template).toBe(route.path);
  });

  it.each(REQUEST_CASES)(
    '$operation: every query parameter is declared and valid, none dropped',
    async (testCase) => {
      // Prepare
      const route = SPEC_ROUTES[testCase.operation];
      const declared = new Map(
        (specOperation(route.method, route.path).parameters ?? [])
          .filter((parameter) => parameter.in === 'query')
          .map((parameter) => [parameter.name, parameter]),
      );

      // Act
      const request = await sendOne(testCase);

      // Assess
      const sent = Object.fromEntries(request.url.searchParams.entries());
      expect(sent).toEqual(testCase.expectedQuery);
      for (const [name, value] of Object.entries(sent)) {
        const parameter = declared.get(name);
        expect(parameter, `${name} is not a declared query parameter`).toBeDefined();
        if (parameter !== undefined) {
          expect(parameterErrors(parameter, value), `${name}=${value}`).toBe('');
        }
      }
    },
  );

  it.each(REQUEST_CASES)('$operation: every declared query parameter can be sent', async (testCase) => {
    // Prepare
    const route = SPEC_ROUTES[testCase.operation];
    const declaredNames = (specOperation(route.method, route.path).parameters ?? [])
      .filter((parameter) => parameter.in === 'query')
      .map((parameter) => parameter.name)
      .sort();

    // Act
    const request = await sendOne(testCase);

    // Assess
    expect([...request.url.searchParams.keys()].sort()).toEqual(declaredNames);
  });

  it.each(REQUEST_CASES)('$operation: path parameters match their schema', async (testCase) => {
    // Prepare
    const route = SPEC_ROUTES[testCase.operation];

    // Act
    const request = await sendOne(testCase);

    // Assess
    const matched = matchSpecPath(route.method, request.url.pathname.replace(/^\/v2/, ''));
    const pathParameters = (matched?.operation.parameters ?? []).filter(
      (parameter) => parameter.in === 'path',
    );
    for (const parameter of pathParameters) {
      const value = matched?.pathParameters[parameter.name] ?? '';
      expect(value).not.toBe('');
      expect(parameterErrors(parameter, value)).toBe('');
    }
    expect(Object.keys(matched?.pathParameters ?? {}).sort()).toEqual(
      pathParameters.map((p) => p.name).sort(),
    );
  });

  it.each(REQUEST_CASES)('$operation: headers carry the bearer token and JSON accept', async (testCase) => {
    // Act
    const request = await sendOne(testCase);

    // Assess
    expect(request.headers.get('authorization')).toBe('Bearer access-token-1');
    expect(request.headers.get('accept')).toBe('application/json');
    expect(request.signal).toBeInstanceOf(AbortSignal);
  });

  it('POST /qm/interactions sends the JSON body the requestBody schema accepts, with the Idempotency-Key', async () => {
    // Prepare
    const testCase = REQUEST_CASES.find((candidate) => candidate.operation === 'createInteraction');
    if (testCase === undefined) {
      throw new Error('missing createInteraction case');
    }
    const bodySchema = specOperation('post', '/qm/interactions').requestBody?.content['application/json']
      .schema;
    const validate = bodyValidator.compile(toJsonSchema(bodySchema) as object);

    // Act
    const request = await sendOne(testCase);

    // Assess
    expect(request.headers.get('content-type')).toBe('application/json');
    expect(request.headers.get('idempotency-key')).toBe('rec-7f3a9c:submission-1');
    const body: unknown = JSON.parse(request.body ?? '');
    expect(body).toEqual(FULL_BODY);
    expect(validate(body), bodyValidator.errorsText(validate.errors)).toBe(true);
  });

  it('GET requests carry no body and no Idempotency-Key', async () => {
    // Prepare
    const getCases = REQUEST_CASES.filter((testCase) => SPEC_ROUTES[testCase.operation].method === 'get');

    // Act
    const requests = await Promise.all(getCases.map(sendOne));

    // Assess
    expect(requests).toHaveLength(5);
    for (const request of requests) {
      expect(request.body).toBeUndefined();
      expect(request.headers.has('idempotency-key')).toBe(false);
    }
  });
});

describe('the OpenAPI checks used above can fail', () => {
  it('refuses page_size=100 on GET /qm/interactions (maximum 100, exclusive) and accepts 99', () => {
    // Prepare
    const pageSize = specOperation('get', '/qm/interactions').parameters?.find((p) => p.name === 'page_size');
    if (pageSize === undefined) {
      throw new Error('page_size is not declared');
    }

    // Act
    const refused = parameterErrors(pageSize, '100');
    const accepted = parameterErrors(pageSize, '99');

    // Assess
    expect(refused).not.toBe('');
    expect(accepted).toBe('');
  });

  it('refuses a body outside the requestBody enum', () => {
    // Prepare
    const bodySchema = specOperation('post', '/qm/interactions').requestBody?.content['application/json']
      .schema;
    const validate = bodyValidator.compile(toJsonSchema(bodySchema) as object);

    // Act
    const valid = validate({ ...FULL_BODY, primary_language: 'en' });

    // Assess
    expect(valid).toBe(false);
  });
});

describe('a request the OpenAPI would refuse is never sent', () => {
  const invalidBodies: readonly { readonly name: string; readonly body: unknown; readonly field: string }[] =
    [
      { name: 'no download_url', body: { direction: 'inbound' }, field: 'body.download_url' },
      { name: 'a relative download_url', body: { download_url: '/calls/1.mp3' }, field: 'body.download_url' },
      {
        name: 'a channel outside the enum',
        body: { download_url: FULL_BODY.download_url, interaction_info: { channel_type: 'phone' } },
        field: 'body.interaction_info.channel_type',
      },
      {
        name: 'interaction_info without channel_type',
        body: { download_url: FULL_BODY.download_url, interaction_info: { agent_id: 'a1' } },
        field: 'body.interaction_info.channel_type',
      },
      {
        name: 'a language outside the enum',
        body: { download_url: FULL_BODY.download_url, primary_language: 'en' },
        field: 'body.primary_language',
      },
      {
        name: 'a start time with an offset',
        body: { download_url: FULL_BODY.download_url, start_time: '2026-03-10T09:13:02+01:00' },
        field: 'body.start_time',
      },
      {
        name: 'a phone number that is not E.164',
        body: {
          download_url: FULL_BODY.download_url,
          interaction_info: { channel_type: 'voice', from: '555-0100' },
        },
        field: 'body.interaction_info.from',
      },
      { name: 'an unknown field', body: { download_url: FULL_BODY.download_url, agent: 'x' }, field: 'body' },
    ];

  it.each(invalidBodies)('POST body with $name', async ({ body, field }) => {
    // Prepare
    const harness = new Harness();

    // Act
    const error = await rejectionOf(
      harness.client.createInteraction(body as CreateInteractionRequest, { idempotencyKey: 'key-1' }),
    );

    // Assess
    expect(error).toBeInstanceOf(ZoomValidationError);
    expect((error as ZoomValidationError).fieldErrors.map((fieldError) => fieldError.field)).toContain(field);
    expect((error as ZoomValidationError).failure.httpStatus).toBeUndefined();
    expect(harness.http.requests).toHaveLength(0);
  });

  it.each(['', 'has space', 'x'.repeat(256)])('POST with Idempotency-Key %j', async (idempotencyKey) => {
    // Prepare
    const harness = new Harness();

    // Act
    const error = await rejectionOf(
      harness.client.createInteraction({ download_url: FULL_BODY.download_url }, { idempotencyKey }),
    );

    // Assess
    expect(error).toBeInstanceOf(ZoomValidationError);
    expect(harness.http.requests).toHaveLength(0);
  });

  const invalidQueries: readonly (readonly [string, ListInteractionsQuery])[] = [
    ['a page size above 99', { page_size: 100 }],
    ['a disposition containing a comma', { dispositions: ['a,b'] }],
    ['an unknown time zone', { time_zone: 'Mars/Olympus' }],
    ['a date without seconds', { from: '2026-03-01T00:00Z' }],
  ];

  it.each(invalidQueries)('listInteractions with %s', async (_name, query) => {
    // Prepare
    const harness = new Harness();

    // Act
    const error = await rejectionOf(harness.client.listInteractionsPage(query));

    // Assess
    expect(error).toBeInstanceOf(ZoomValidationError);
    expect(harness.http.requests).toHaveLength(0);
  });

  it('getInteraction with an empty id', async () => {
    // Prepare
    const harness = new Harness();

    // Act
    const error = await rejectionOf(harness.client.getInteraction(' '));

    // Assess
    expect(error).toBeInstanceOf(ZoomValidationError);
    expect(harness.http.requests).toHaveLength(0);
  });

  it('encodes an id so it stays one path segment', async () => {
    // Prepare
    const harness = new Harness();
    harness.http.route('GET', () => true, json(200, { scorecard: {} }));

    // Act
    await harness.client.getEvaluation('a/b c');

    // Assess
    expect(harness.apiRequests()[0]?.url.pathname).toBe('/v2/qm/evaluation/a%2Fb%20c');
  });

  it('formatZoomTimestamp gives the yyyy-MM-ddTHH:mm:ssZ form the queries and body accept', async () => {
    // Prepare
    const harness = new Harness();
    harness.http.route('GET', '/v2/qm/automated_evaluations', json(200, { data: [] }));

    // Act
    const from = formatZoomTimestamp(new Date(Date.UTC(2026, 2, 10, 9, 5, 7, 999)));
    await harness.client.listAutomatedEvaluationsPage({ from });

    // Assess
    expect(from).toBe('2026-03-10T09:05:07Z');
    expect(harness.apiRequests()[0]?.url.searchParams.get('from')).toBe('2026-03-10T09:05:07Z');
  });
});
