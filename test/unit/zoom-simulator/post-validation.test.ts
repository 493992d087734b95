import { describe, expect, it } from 'vitest';
import { validateAddInteraction } from '../../../local/zoom-simulator/post-validation.ts';
import { parseZoomTime } from '../../../local/zoom-simulator/zoom-time.ts';

describe('zoom simulator: POST body validation', () => {
  it.each([
    ['2025-09-01T19:13:02Z', Date.UTC(2025, 8, 1, 19, 13, 2)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
    ['2025-02-29T00:00:00Z', undefined],
    ['2025-09-01T19:13:02.000Z', undefined],
    ['2025-09-01T19:13:02+00:00', undefined],
    ['2025-09-01T24:00:00Z', undefined],
  ])('parses the Zoom time %s strictly', (text, expected) => {
    // Act
    const parsed = parseZoomTime(text);

    // Assess
    expect(parsed).toBe(expected);
  });

  it('normalises a valid body', () => {
    // Act
    const result = validateAddInteraction(
      JSON.stringify({
        download_url: 'https://bucket.example.com/a.mp3?X-Amz-Signature=1',
        interaction_info: { channel_type: 'video', agent_email: 'a@example.com' },
        start_time: '2025-09-01T19:13:02Z',
        direction: 'outbound',
        primary_language: 'ja',
      }),
    );

    // Assess
    expect(result).toEqual({
      valid: true,
      interaction: expect.objectContaining({
        downloadUrl: 'https://bucket.example.com/a.mp3?X-Amz-Signature=1',
        channelType: 'video',
        agentEmail: 'a@example.com',
        agentId: undefined,
        startTime: Date.UTC(2025, 8, 1, 19, 13, 2),
        direction: 'outbound',
        primaryLanguage: 'ja',
      }),
    });
  });

  it('reports field errors before a bad start time', () => {
    // Act
    const result = validateAddInteraction(JSON.stringify({ start_time: 'soon' }));

    // Assess
    expect(result).toMatchObject({
      valid: false,
      response: { status: 400, body: { code: 300, errors: [{ field: 'download_url' }] } },
    });
  });

  it('treats null optional fields as absent', () => {
    // Act
    const result = validateAddInteraction(
      JSON.stringify({ download_url: 'http://h/a.mp3', interaction_info: null, start_time: null }),
    );

    // Assess
    expect(result).toMatchObject({
      valid: true,
      interaction: { channelType: undefined, startTime: undefined },
    });
  });
});
