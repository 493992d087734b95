import { describe, expect, it } from 'vitest';
import {
  isSensitiveName,
  REDACTED,
  redactHeaders,
  redactString,
  redactUrl,
  redactValue,
} from '../../shared/redact.ts';

const SIGNATURE = 'a3f1c9e07b5d4c2e8f6a1b3c5d7e9f0a2b4c6d8e0f1a3b5c7d9e1f3a5b7c9d1e';
const SECURITY_TOKEN = 'IQoJb3JpZ2luX2VjEJr//////////wEaCWV1LXdlc3QtMSJHMEUCIQ';
const PRESIGNED = `https://recordings.s3.eu-west-1.amazonaws.com/calls/2026/a%20b.mp3?versionId=v1&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIAEXAMPLE%2F20260310%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=20260310T120000Z&X-Amz-Expires=3600&X-Amz-Security-Token=${encodeURIComponent(SECURITY_TOKEN)}&X-Amz-SignedHeaders=host&X-Amz-Signature=${SIGNATURE}`;
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJlLXBhcnQ';

describe('redactUrl', () => {
  it('redacts the signature, security token and credential of a presigned S3 URL, keeping the rest', () => {
    // Act
    const redacted = redactUrl(PRESIGNED);

    // Assess
    expect(redacted).not.toContain(SIGNATURE);
    expect(redacted).not.toContain(encodeURIComponent(SECURITY_TOKEN));
    expect(redacted).not.toContain('ASIAEXAMPLE');
    expect(redacted).toBe(
      `https://recordings.s3.eu-west-1.amazonaws.com/calls/2026/a%20b.mp3?versionId=v1&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${REDACTED}&X-Amz-Date=20260310T120000Z&X-Amz-Expires=3600&X-Amz-Security-Token=${REDACTED}&X-Amz-SignedHeaders=host&X-Amz-Signature=${REDACTED}`,
    );
  });

  it.each([
    [
      '/qm/interactions?page_size=99&next_page_token=R4aF9Oj0',
      `/qm/interactions?page_size=99&next_page_token=${REDACTED}`,
    ],
    [
      'https://zoom.test/oauth/token?access_token=abc&x=1',
      `https://zoom.test/oauth/token?access_token=${REDACTED}&x=1`,
    ],
    [
      'https://example.com/file/1?filename=a.mp3&jwt=eyJ.x.y&mode=play',
      `https://example.com/file/1?filename=a.mp3&jwt=${REDACTED}&mode=play`,
    ],
    ['https://user:pw@example.com/x?Signature=s1', `https://${REDACTED}@example.com/x?Signature=${REDACTED}`],
    ['https://api.zoom.us/v2/qm/interactions/abc', 'https://api.zoom.us/v2/qm/interactions/abc'],
  ])('%s', (url, expected) => {
    // Act
    const redacted = redactUrl(url);

    // Assess
    expect(redacted).toBe(expected);
  });
});

describe('redactString', () => {
  it('redacts URLs, bearer and basic credentials, JSON secret fields and JWTs inside text', () => {
    // Prepare
    const message = [
      `Download failed for ${PRESIGNED}.`,
      'Authorization: Bearer tok-12345.abc',
      'Basic Y2xpZW50OnNlY3JldA==',
      '{"access_token":"at-999","client_secret":"cs-888","scope":"qm"}',
      `token ${JWT}`,
      'client_secret=cs-777&grant_type=account_credentials',
    ].join(' | ');

    // Act
    const redacted = redactString(message);

    // Assess
    for (const secret of [
      SIGNATURE,
      'tok-12345',
      'Y2xpZW50OnNlY3JldA==',
      'at-999',
      'cs-888',
      JWT,
      'cs-777',
    ]) {
      expect(redacted).not.toContain(secret);
    }
    expect(redacted).toContain('"scope":"qm"');
    expect(redacted).toContain('grant_type=account_credentials');
    expect(redacted).toContain('X-Amz-Date=20260310T120000Z');
  });

  it('leaves ordinary text alone', () => {
    // Act
    const redacted = redactString('The next page token is invalid or expired.');

    // Assess
    expect(redacted).toBe('The next page token is invalid or expired.');
  });
});

describe('redactHeaders and redactValue', () => {
  it('redacts Authorization, cookies and AWS token headers', () => {
    // Act
    const redacted = redactHeaders(
      new Headers({
        Authorization: 'Bearer t',
        Cookie: 'sid=1',
        'X-Amz-Security-Token': 'st',
        Accept: 'application/json',
      }),
    );

    // Assess
    expect(redacted).toEqual({
      authorization: REDACTED,
      cookie: REDACTED,
      'x-amz-security-token': REDACTED,
      accept: 'application/json',
    });
  });

  it('redacts secret fields deeply, strings inside, errors and their causes, and survives cycles', () => {
    // Prepare
    const cyclic: { name: string; self?: unknown } = { name: 'loop' };
    cyclic.self = cyclic;
    const value = {
      zoomApp: { clientId: 'id-1', clientSecret: 'cs-1', webhook_secret_token: 'wh-1' },
      credentials: { anything: 'cr-1' },
      request: { url: PRESIGNED, headers: { authorization: 'Bearer at-1' } },
      error: new Error(`failed ${PRESIGNED}`, { cause: new Error('Bearer at-2') }),
      list: [{ accessToken: 'at-3' }],
      cyclic,
      count: 3,
    };

    // Act
    const redacted = JSON.stringify(redactValue(value));

    // Assess
    for (const secret of ['cs-1', 'wh-1', 'cr-1', SIGNATURE, 'at-1', 'at-2', 'at-3']) {
      expect(redacted).not.toContain(secret);
    }
    expect(redacted).toContain('"clientId":"id-1"');
    expect(redacted).toContain('"count":3');
    expect(redacted).toContain('[Circular]');
  });

  it.each([
    ['access_token', true],
    ['accessToken', true],
    ['X-Amz-Signature', true],
    ['x-amz-credential', true],
    ['client_secret', true],
    ['next_page_token', true],
    ['password', true],
    ['idempotencyKey', false],
    ['interaction_id', false],
    ['token_type', false],
  ])('%s is sensitive: %s', (name, sensitive) => {
    // Act
    const result = isSensitiveName(name);

    // Assess
    expect(result).toBe(sensitive);
  });
});
