import { describe, expect, it } from 'vitest';
import {
  type Json,
  matchesEventPattern,
  parseEventPattern,
} from '../../../local/aws/emulator/event-pattern.ts';
import { AwsServiceError } from '../../../local/aws/emulator/service-error.ts';

const EVENT: Json = {
  source: 'qm-ingest',
  'detail-type': 'Evaluation Completed',
  resources: ['arn:1', 'arn:2'],
  detail: {
    score: 72,
    channel: 'Voice-Inbound',
    agent: { team: 'emea' },
    tags: ['vip', 'retry'],
    reviewer: null,
  },
};

function matches(pattern: object): boolean {
  return matchesEventPattern(parseEventPattern(JSON.stringify(pattern)), EVENT);
}

describe('EventBridge event patterns', () => {
  it.each([
    ['exact values', { source: ['other', 'qm-ingest'] }, true],
    ['an exact value that differs', { source: ['other'] }, false],
    ['nested fields', { detail: { agent: { team: ['emea'] } } }, true],
    ['any element of an array field', { detail: { tags: ['retry'] } }, true],
    ['null', { detail: { reviewer: [null] } }, true],
    ['prefix', { 'detail-type': [{ prefix: 'Evaluation' }] }, true],
    ['suffix', { 'detail-type': [{ suffix: 'Failed' }] }, false],
    ['equals-ignore-case', { detail: { channel: [{ 'equals-ignore-case': 'voice-inbound' }] } }, true],
    ['wildcard', { detail: { channel: [{ wildcard: 'Voice-*' }] } }, true],
    ['anything-but a value', { source: [{ 'anything-but': 'qm-ingest' }] }, false],
    ['anything-but a prefix', { source: [{ 'anything-but': { prefix: 'aws.' } }] }, true],
    ['exists: true', { detail: { score: [{ exists: true }] } }, true],
    ['exists: false on a missing field', { detail: { missing: [{ exists: false }] } }, true],
    ['a numeric range', { detail: { score: [{ numeric: ['>=', 50, '<', 80] }] } }, true],
    ['a numeric range the value is outside', { detail: { score: [{ numeric: ['>', 72] }] } }, false],
    ['$or', { $or: [{ source: ['other'] }, { detail: { score: [72] } }] }, true],
    ['a missing field', { detail: { missing: ['x'] } }, false],
  ])('matches %s', (_, pattern, expected) => {
    // Prepare
    const rule = pattern;
    // Act
    const matched = matches(rule);
    // Assess
    expect(matched).toBe(expected);
  });

  it.each([
    ['not JSON', '{'],
    ['an empty pattern', '{}'],
    ['a scalar where a list belongs', '{"source":"qm-ingest"}'],
    ['an unknown matcher', '{"source":[{"cidr":"10.0.0.0/24"}]}'],
    ['a malformed numeric matcher', '{"detail":{"score":[{"numeric":[">"]}]}}'],
  ])('refuses %s', (_, text) => {
    // Prepare
    const pattern = text;
    // Act
    const parse = () => parseEventPattern(pattern);
    // Assess
    expect(parse).toThrow(AwsServiceError);
    expect(parse).toThrow(expect.objectContaining({ code: 'InvalidEventPatternException' }));
  });
});
