import { describe, expect, it } from 'vitest';
import { parseSince } from '../../../cli/time-window.ts';
import { ConfigError } from '../../../shared/errors.ts';

const now = Date.parse('2026-11-25T12:00:00Z');

describe('parseSince', () => {
  it.each([
    ['90s', now - 90_000],
    ['30m', now - 1_800_000],
    ['24h', now - 86_400_000],
    ['1.5h', now - 5_400_000],
    ['7d', now - 7 * 86_400_000],
    ['2026-11-24', Date.parse('2026-11-24T00:00:00Z')],
    ['2026-11-25T09:30:00Z', Date.parse('2026-11-25T09:30:00Z')],
    ['2026-11-25T09:30:00+01:00', Date.parse('2026-11-25T08:30:00Z')],
  ])('reads %s', (value, expected) => {
    // Act / Assess
    expect(parseSince(value, now)).toBe(expected);
  });

  it.each([
    ['yesterday', 'a duration such as'],
    ['24', 'a duration such as'],
    ['-5m', 'a duration such as'],
    ['2026-11-26', 'in the future'],
    ['401d', 'at most 400 days'],
  ])('refuses %s, saying why', (value, message) => {
    // Act / Assess
    expect(() => parseSince(value, now)).toThrow(ConfigError);
    expect(() => parseSince(value, now)).toThrow(message);
  });
});
