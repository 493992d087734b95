import { describe, expect, it } from 'vitest';
import {
  KeyTemplateError,
  matchKeyTemplate,
  parseKeyTemplate,
} from '../../../shared/ingest/metadata/key-template.ts';

describe('key templates', () => {
  it('reads the metadata the example template puts in the path', () => {
    // Prepare
    const template = parseKeyTemplate('calls/{date}/{agent_email}/{direction}-{any}.{ext}');

    // Act
    const metadata = matchKeyTemplate(template, 'calls/2026-11-24/jane.doe@example.com/inbound-123.mp3');

    // Assess
    expect(metadata).toEqual({ agentEmail: 'jane.doe@example.com', direction: 'inbound' });
  });

  it('makes a start time of {date} and {time}, and takes a date alone for nothing', () => {
    // Prepare
    const withTime = parseKeyTemplate('{queue_id}/{date}/{time}_{agent_id}.{ext}');
    const dateOnly = parseKeyTemplate('{queue_id}/{date}/{agent_id}.{ext}');

    // Act
    const timed = matchKeyTemplate(withTime, 'q-7/2026-11-24/10-15-30_u123.wav');
    const dated = matchKeyTemplate(dateOnly, 'q-7/2026-11-24/u123.wav');

    // Assess
    expect(timed).toEqual({ queueId: 'q-7', agentId: 'u123', startTime: '2026-11-24T10:15:30' });
    expect(dated).toEqual({ queueId: 'q-7', agentId: 'u123' });
  });

  it('reads every field placeholder within one path segment', () => {
    // Prepare
    const template = parseKeyTemplate(
      '{channel}/{primary_language}/{from}_{to}/{consumer_name}/{disposition}/{start_time}.{ext}',
    );

    // Act
    const metadata = matchKeyTemplate(
      template,
      'voice/en-US/+12053546173_+12095422197/Jill Chill/sold/20261124T101500Z.mp3',
    );

    // Assess
    expect(metadata).toEqual({
      channel: 'voice',
      primaryLanguage: 'en-US',
      fromNumber: '+12053546173',
      toNumber: '+12095422197',
      consumerName: 'Jill Chill',
      disposition: 'sold',
      startTime: '20261124T101500Z',
    });
  });

  it('gives nothing for a key that does not match', () => {
    // Prepare
    const template = parseKeyTemplate('calls/{date}/{agent_email}/{direction}-{any}.{ext}');

    // Act
    const metadata = matchKeyTemplate(template, 'calls/yesterday/inbound-123.mp3');

    // Assess
    expect(metadata).toBeUndefined();
  });

  it('takes regular-expression characters in the template literally', () => {
    // Prepare
    const template = parseKeyTemplate('calls(v2)/{agent_id}+{any}.{ext}');

    // Act
    const matched = matchKeyTemplate(template, 'calls(v2)/u1+x.mp3');
    const unmatched = matchKeyTemplate(template, 'callsv2/u1x.mp3');

    // Assess
    expect(matched).toEqual({ agentId: 'u1' });
    expect(unmatched).toBeUndefined();
  });

  it.each([
    ['', 'must not be empty'],
    ['calls/{agent}.{ext}', 'unknown placeholder {agent}'],
    ['{agent_id}/{agent_id}.{ext}', 'appears more than once'],
    ['{agent_id}{direction}.{ext}', 'placeholders {agent_id} and {direction} must be separated'],
    ['{time}/{agent_id}.{ext}', '{time} needs {date}'],
    ['{date}/{start_time}.{ext}', 'either {start_time} or {date} with {time}'],
    ['calls/{agent_id.{ext}', 'unbalanced'],
    ['{time_zone}/{agent_id}.{ext}', 'unknown placeholder {time_zone}'],
  ])('refuses the template "%s"', (template, message) => {
    // Act / Assess
    expect(() => parseKeyTemplate(template)).toThrow(KeyTemplateError);
    expect(() => parseKeyTemplate(template)).toThrow(message);
  });
});
