import { describe, expect, it } from 'vitest';
import type { ZoomQmClient } from '../../../shared/zoom/client.ts';
import type { ZoomOperation } from '../../../shared/zoom/operations.ts';
import { createInteractionRequestSchema } from '../../../shared/zoom/requests.ts';
import { json } from '../../helpers/fake-fetch.ts';
import { Harness } from './support/harness.ts';
import {
  bodyValidator,
  exampleOf,
  openApi,
  SPEC_ROUTES,
  specOperation,
  toJsonSchema,
} from './support/openapi.ts';
import { referenceOperations } from './support/reference-text.ts';

/** Calls one operation the way a caller would, answering with `example`. */
async function parseThroughClient(operation: ZoomOperation, status: number, example: unknown) {
  const harness = new Harness();
  harness.http.route(
    SPEC_ROUTES[operation].method,
    (url) => url.pathname.startsWith('/v2/'),
    json(status, example),
  );
  const calls: Record<ZoomOperation, (client: ZoomQmClient) => Promise<unknown>> = {
    createInteraction: (client) =>
      client.createInteraction({ download_url: 'https://example.com/a.mp3' }, { idempotencyKey: 'key-1' }),
    listInteractions: (client) => client.listInteractionsPage(),
    getInteraction: (client) => client.getInteraction('VgKcwkLoTPy80OyNcUo2Yg'),
    listAutomatedEvaluations: (client) => client.listAutomatedEvaluationsPage(),
    listEvaluations: (client) => client.listEvaluationsPage(),
    getEvaluation: (client) => client.getEvaluation('aI9HM3ZsEScAa'),
  };
  const parsed = await calls[operation](harness.client);
  return { parsed, unknownValues: harness.unknownValues };
}

function operationOf(method: string, path: string): ZoomOperation {
  const found = Object.entries(SPEC_ROUTES).find(
    ([, route]) => route.method === method.toLowerCase() && route.path === path,
  );
  if (found === undefined) {
    throw new Error(`no client operation for ${method} ${path}`);
  }
  return found[0] as ZoomOperation;
}

/** Every 2xx response of the OpenAPI that has a JSON body, with the example its schema implies. */
const openApiExamples = Object.entries(openApi.paths).flatMap(([path, operations]) =>
  Object.entries(operations).flatMap(([method, operation]) =>
    Object.entries(operation.responses)
      .filter(([status, response]) => status.startsWith('2') && response.content !== undefined)
      .map(([status, response]) => ({
        name: `${method.toUpperCase()} ${path} ${status}`,
        operation: operationOf(method, path),
        status: Number(status),
        example: exampleOf(response.content?.['application/json'].schema),
      })),
  ),
);

const reference = referenceOperations();
const referenceResponseExamples = reference.flatMap((operation) =>
  operation.responseExamples.map((example, index) => ({
    name: `${operation.method} ${operation.path} #${index + 1}`,
    operation: operationOf(operation.method, operation.path),
    status: operation.method === 'POST' ? 201 : 200,
    example,
  })),
);

describe('the examples are all found', () => {
  it('the OpenAPI gives one success example per operation', () => {
    // Act
    const operations = openApiExamples.map((example) => example.operation).sort();

    // Assess
    expect(operations).toEqual(Object.keys(SPEC_ROUTES).sort());
  });

  it('the reference text gives a response example for every operation and a request example for the POST', () => {
    // Act
    const withResponses = referenceResponseExamples.map((example) => example.operation).sort();
    const requestExamples = reference.flatMap((operation) => operation.requestExamples);

    // Assess
    expect(withResponses).toEqual(Object.keys(SPEC_ROUTES).sort());
    expect(requestExamples).toHaveLength(1);
  });
});

describe('every example response parses', () => {
  it.each([...openApiExamples, ...referenceResponseExamples])(
    '$name',
    async ({ operation, status, example }) => {
      // Act
      const { parsed } = await parseThroughClient(operation, status, example);

      // Assess
      expect(parsed).toBeTypeOf('object');
      expect(parsed).not.toBeNull();
    },
  );

  it('the list interactions example keeps its content, normalised', async () => {
    // Prepare
    const example = referenceResponseExamples.find((candidate) => candidate.operation === 'listInteractions');

    // Act
    const { parsed, unknownValues } = await parseThroughClient('listInteractions', 200, example?.example);

    // Assess
    expect(parsed).toMatchObject({
      total_records: 50,
      next_page_token: 'R4aF9Oj0fVM2hhezJTEmSKaBSkfesDwGy42',
      interactions: [
        {
          start_time: '2020-05-01T19:13:02Z',
          interaction_info: {
            interaction_id: 'X51n17BZQTqKtxwF4mmTIw',
            channel_type: 'AUDIO',
            evaluations: [{ evaluation_id: '2c8704b1bc374bb981dd66428ca3eb7b', evaluation_type: 'Manual' }],
          },
          primary_language: 'en-US',
          summary: { evaluation_score: 58.63 },
        },
      ],
    });
    expect(unknownValues).toEqual([]);
  });

  it('the interaction detail example keeps evaluations, transcript and analysis', async () => {
    // Prepare
    const example = referenceResponseExamples.find((candidate) => candidate.operation === 'getInteraction');

    // Act
    const { parsed } = await parseThroughClient('getInteraction', 200, example?.example);

    // Assess
    expect(parsed).toMatchObject({
      interaction_info: {
        interaction_id: 'VgKcwkLoTPy80OyNcUo2Yg',
        evaluations: [
          {
            evaluation_id: 'aI9HM3ZsEScAa',
            evaluation_type: 'Automated',
            evaluation_status_desc: 'COMPLETED',
            score: 85,
            question_comments: [{ question_id: 'q_001', comment_time: 15 }],
          },
        ],
      },
      language: 'en-US',
      transcript_body: { language: 'en-US', speakers: [{ speaker_id: '0', role: 'rep' }] },
      analysis: { topics: [{ topic_name: 'Customer Complaint', type: 'predefined' }] },
      metrics: { talk_speed: [{ value: 121.0898082744702 }] },
    });
  });

  it('the list evaluations example from the OpenAPI reads its channel "VOICE" as AUDIO', async () => {
    // Prepare
    const example = openApiExamples.find((candidate) => candidate.operation === 'listEvaluations');

    // Act
    const { parsed, unknownValues } = await parseThroughClient('listEvaluations', 200, example?.example);

    // Assess
    expect(JSON.stringify(example?.example)).toContain('"channel_type":"VOICE"');
    expect(parsed).toMatchObject({
      data: [{ channel_type: 'AUDIO', status: 'Active', acknowledgement_status: 'Pending' }],
    });
    expect(unknownValues).toEqual([]);
  });
});

describe('the example request is one the client accepts and the OpenAPI validates', () => {
  it('POST /qm/interactions example', () => {
    // Prepare
    const [example] = reference.flatMap((operation) => operation.requestExamples);
    const schema = toJsonSchema(
      specOperation('post', '/qm/interactions').requestBody?.content['application/json'].schema,
    );
    const validate = bodyValidator.compile(schema as object);

    // Act
    const parsed = createInteractionRequestSchema.safeParse(example);

    // Assess
    expect(parsed.success).toBe(true);
    expect(validate(example), bodyValidator.errorsText(validate.errors)).toBe(true);
  });
});
