import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { httpResponseOf, webhookRequestOf } from '../../../functions/webhook.ts';

/** The thin handler's mapping between API Gateway's payload 2.0 and the receiver core. */
const event = (overrides: Partial<APIGatewayProxyEventV2>): APIGatewayProxyEventV2 =>
  ({
    version: '2.0',
    routeKey: 'POST /zoom/webhook',
    rawPath: '/zoom/webhook',
    rawQueryString: '',
    headers: {},
    isBase64Encoded: false,
    ...overrides,
  }) as APIGatewayProxyEventV2;

describe('the webhook handler', () => {
  it('hands the receiver the body as the bytes that were sent, text or base64', () => {
    const body = '{"event":"endpoint.url_validation","payload":{"plainToken":"é"}}';

    const text = webhookRequestOf(event({ body }));
    const encoded = webhookRequestOf(
      event({ body: Buffer.from(body).toString('base64'), isBase64Encoded: true }),
    );

    expect(Buffer.from(text.rawBody).toString('utf8')).toBe(body);
    expect(Buffer.from(encoded.rawBody).equals(Buffer.from(body, 'utf8'))).toBe(true);
  });

  it('reads headers by their lower-case name, whatever case they came in', () => {
    const request = webhookRequestOf(
      event({ headers: { 'X-Zm-Signature': 'v0=abc', 'x-zm-request-timestamp': '1' } }),
    );

    expect(request.header('x-zm-signature')).toBe('v0=abc');
    expect(request.header('x-zm-request-timestamp')).toBe('1');
    expect(request.header('authorization')).toBeUndefined();
  });

  it('answers JSON: the validation tokens, an empty 200, or the refusal', () => {
    expect(httpResponseOf({ status: 200, body: { plainToken: 'p', encryptedToken: 'e' } })).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"plainToken":"p","encryptedToken":"e"}',
    });
    expect(httpResponseOf({ status: 200 })).toMatchObject({ statusCode: 200, body: '' });
    expect(httpResponseOf({ status: 401, body: { error: 'unauthorized' } })).toMatchObject({
      statusCode: 401,
      body: '{"error":"unauthorized"}',
    });
  });
});
