import { describe, expect, it } from 'vitest';
import type { MetadataRequirement } from '../../../shared/config/ingest.ts';
import { mediaKindOf } from '../../../shared/ingest/media-type.ts';
import type { RawMetadata } from '../../../shared/ingest/metadata/fields.ts';
import { type MetadataInputs, resolveMetadata } from '../../../shared/ingest/metadata/resolve.ts';
import {
  decodeEncodedWords,
  fromObjectMetadata,
  parseSidecar,
} from '../../../shared/ingest/metadata/sources.ts';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const voiceByType = { supported: true, channel: 'voice', from: 'content type' } as const;

function resolve(
  sources: { object?: RawMetadata; sidecar?: RawMetadata; template?: RawMetadata },
  options: { required?: MetadataRequirement[]; zone?: string; media?: MetadataInputs['media'] } = {},
) {
  return resolveMetadata(
    {
      objectMetadata: sources.object ?? {},
      sidecar: sources.sidecar,
      template: sources.template,
      media: options.media ?? voiceByType,
    },
    {
      sourceTimeZone: options.zone ?? 'UTC',
      required: options.required ?? ['agent'],
      now: NOW,
      maxStartTimeAheadMs: 300_000,
    },
  );
}

describe('metadata sources', () => {
  it('reads S3 user metadata by its names, with "_" or "-", ignoring other tools\' names', () => {
    // Act
    const metadata = fromObjectMetadata({
      'agent-email': 'jane@example.com',
      queue_id: 'q-1',
      'start-time': '2026-11-24T10:00:00Z',
      'uploaded-by': 'some-tool',
    });

    // Assess
    expect(metadata).toEqual({
      agentEmail: 'jane@example.com',
      queueId: 'q-1',
      startTime: '2026-11-24T10:00:00Z',
    });
  });

  it('decodes the RFC 2047 words S3 returns for non-ASCII metadata', () => {
    // Act
    const base64 = decodeEncodedWords('=?UTF-8?B?SsOpcsO0bWUgRMO8cmVy?=');
    const quoted = decodeEncodedWords('=?UTF-8?Q?Ren=C3=A9e_Fran=C3=A7ois?=');

    // Assess
    expect(base64).toBe('Jérôme Dürer');
    expect(quoted).toBe('Renée François');
  });

  it('reads a sidecar, null meaning absent', () => {
    // Act
    const parsed = parseSidecar('{"agent_id":"u-1","from":"+12053546173","disposition":null}');

    // Assess
    expect(parsed).toEqual({ ok: true, metadata: { agentId: 'u-1', fromNumber: '+12053546173' } });
  });

  it.each([
    ['not json', 'is not valid JSON'],
    ['[1,2]', 'must be one JSON object'],
    ['{"agent_emial":"x@y.z"}', 'unknown field "agent_emial"'],
    ['{"queue_id":7}', 'queue_id: must be a string'],
  ])('refuses the sidecar %s, saying why without echoing values', (text, problem) => {
    // Act
    const parsed = parseSidecar(text);

    // Assess
    expect(parsed.ok).toBe(false);
    expect(parsed.ok === false && parsed.problem).toContain(problem);
    expect(parsed.ok === false && parsed.problem).not.toContain('x@y.z');
  });
});

describe('resolveMetadata: precedence', () => {
  it('takes each field from the highest source: S3 metadata, then sidecar, then key template', () => {
    // Act
    const result = resolve({
      object: { queueId: 'q-object' },
      sidecar: { queueId: 'q-sidecar', disposition: 'from-sidecar', direction: 'outbound' },
      template: {
        queueId: 'q-template',
        disposition: 'from-template',
        direction: 'inbound',
        agentEmail: 'jane@example.com',
      },
    });

    // Assess
    expect(result).toEqual({
      kind: 'resolved',
      metadata: {
        agentEmail: 'jane@example.com',
        queueId: 'q-object',
        disposition: 'from-sidecar',
        direction: 'outbound',
        channel: 'voice',
      },
    });
  });

  it('takes the agent as a whole from the highest source that names one', () => {
    // Act
    const result = resolve({
      sidecar: { agentId: 'u-sidecar' },
      template: { agentEmail: 'template@example.com' },
    });

    // Assess
    expect(result.kind === 'resolved' && result.metadata).toEqual({ agentId: 'u-sidecar', channel: 'voice' });
  });

  it("reads a local start time in the metadata's own time zone before the configured one", () => {
    // Act
    const own = resolve(
      { object: { agentId: 'u', startTime: '2026-11-24T10:00:00', timeZone: 'Asia/Tokyo' } },
      { zone: 'Europe/Paris' },
    );
    const configured = resolve(
      { object: { agentId: 'u', startTime: '2026-11-24T10:00:00' } },
      { zone: 'Europe/Paris' },
    );

    // Assess
    expect(own.kind === 'resolved' && own.metadata.startTime).toBe('2026-11-24T01:00:00Z');
    expect(configured.kind === 'resolved' && configured.metadata.startTime).toBe('2026-11-24T09:00:00Z');
  });

  it("leaves the start time out when no source gives one (never the object's LastModified)", () => {
    // Act
    const result = resolve({ template: { agentEmail: 'jane@example.com' } });

    // Assess
    expect(result.kind === 'resolved' && result.metadata.startTime).toBeUndefined();
  });

  it('lets a stated channel win over the object type, and uses the type otherwise', () => {
    // Act
    const stated = resolve({ object: { agentId: 'u', channel: 'VIDEO' } });
    const byExtension = resolve(
      { object: { agentId: 'u' } },
      { media: { supported: true, channel: 'video', from: 'file extension' } },
    );

    // Assess
    expect(stated.kind === 'resolved' && stated.metadata.channel).toBe('video');
    expect(byExtension.kind === 'resolved' && byExtension.metadata.channel).toBe('video');
  });

  it('normalises case: direction, language codes and channel', () => {
    // Act
    const result = resolve({ object: { agentId: 'u', direction: 'Inbound', primaryLanguage: 'fr_fr' } });

    // Assess
    expect(result.kind === 'resolved' && result.metadata).toMatchObject({
      direction: 'inbound',
      primaryLanguage: 'fr-FR',
    });
  });
});

describe('resolveMetadata: validation', () => {
  it.each([
    [
      { fromNumber: '0612345678' },
      'S3 object metadata: x-amz-meta-from must be an E.164 phone number such as +12053546173',
    ],
    [{ toNumber: '+1 205 354 6173' }, 'S3 object metadata: x-amz-meta-to must be an E.164 phone number'],
    [
      { primaryLanguage: 'klingon' },
      "x-amz-meta-primary-language must be one of Zoom's language codes: en-GB, en-US",
    ],
    [{ direction: 'sideways' }, 'x-amz-meta-direction must be one of inbound, outbound'],
    [{ channel: 'audio' }, 'x-amz-meta-channel must be one of voice, video'],
    [{ agentEmail: 'jane.doe' }, 'x-amz-meta-agent-email must be an email address'],
    [{ agentId: 'two words' }, 'x-amz-meta-agent-id must not contain spaces'],
    [{ startTime: '2026-11-01T01:30:00', timeZone: 'America/New_York' }, 'happens twice in America/New_York'],
    [{ timeZone: 'Mars/Olympus' }, 'x-amz-meta-time-zone must be an IANA time zone'],
  ])('refuses %o with a message naming the source and field, not the value', (object, message) => {
    // Act
    const result = resolve({ object: { agentId: 'u', ...object } });

    // Assess
    expect(result.kind).toBe('incomplete');
    const invalid = result.kind === 'incomplete' ? result.invalid.join('; ') : '';
    expect(invalid).toContain(message);
    const personal = ['fromNumber', 'toNumber', 'agentEmail', 'agentId'] as const;
    for (const field of personal) {
      const value = (object as RawMetadata)[field];
      if (value !== undefined) {
        expect(invalid).not.toContain(value);
      }
    }
  });

  it('names the sidecar field with its JSON name', () => {
    // Act
    const result = resolve({ sidecar: { agentId: 'u', fromNumber: '12' } });

    // Assess
    expect(result.kind === 'incomplete' && result.invalid).toEqual([
      'sidecar JSON: from must be an E.164 phone number such as +12053546173',
    ]);
  });

  it('lists required metadata nothing gave', () => {
    // Act
    const result = resolve({ object: { queueId: 'q' } }, { required: ['agent', 'startTime', 'queueId'] });

    // Assess
    expect(result).toMatchObject({
      kind: 'incomplete',
      invalid: [],
      missing: ['the agent (agent_email or agent_id)', 'start_time'],
      sidecarCouldHelp: true,
    });
  });

  it('knows a sidecar cannot fix what S3 metadata got wrong, but can override the key template', () => {
    // Act
    const wrongInObject = resolve({ object: { agentId: 'u', direction: 'up' } });
    const wrongInTemplate = resolve({ object: { agentId: 'u' }, template: { direction: 'up' } });

    // Assess
    expect(wrongInObject.kind === 'incomplete' && wrongInObject.sidecarCouldHelp).toBe(false);
    expect(wrongInTemplate.kind === 'incomplete' && wrongInTemplate.sidecarCouldHelp).toBe(true);
  });

  it('calls a recording whose type says neither voice nor video an unsupported type', () => {
    // Act
    const result = resolve(
      { object: { agentId: 'u' } },
      { media: { supported: true, channel: undefined, from: 'file extension' } },
    );

    // Assess
    expect(result).toMatchObject({ kind: 'incomplete', unsupportedType: true });
  });
});

describe('mediaKindOf', () => {
  it.each([
    ['audio/mpeg', 'calls/a.bin', { supported: true, channel: 'voice', from: 'content type' }],
    ['video/mp4; codecs="avc1"', 'calls/a.bin', { supported: true, channel: 'video', from: 'content type' }],
    [
      'application/octet-stream',
      'calls/a.WAV',
      { supported: true, channel: 'voice', from: 'file extension' },
    ],
    [undefined, 'calls/a.mov', { supported: true, channel: 'video', from: 'file extension' }],
    ['binary/octet-stream', 'calls/a.xyz', { supported: true, channel: undefined, from: 'file extension' }],
  ])('%s %s -> %o', (contentType, key, kind) => {
    // Act
    const result = mediaKindOf(contentType, key);

    // Assess
    expect(result).toEqual(kind);
  });

  it('refuses a type that is not a recording', () => {
    // Act
    const result = mediaKindOf('text/plain', 'calls/a.mp3');

    // Assess
    expect(result).toEqual({
      supported: false,
      problem:
        "unsupported type: the object's Content-Type is text/plain; qm-ingest submits audio and video recordings only",
    });
  });
});
