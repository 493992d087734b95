import { describe, expect, it } from 'vitest';
import { resolveStartTime } from '../../../shared/ingest/metadata/start-time.ts';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const FIVE_MINUTES = 300_000;

function read(text: string, timeZone = 'UTC') {
  return resolveStartTime(text, timeZone, NOW, FIVE_MINUTES);
}

describe('resolveStartTime', () => {
  it.each([
    ['2026-11-24T10:15:00Z', 'UTC', '2026-11-24T10:15:00Z'],
    ['2026-11-24T10:15:00.750Z', 'UTC', '2026-11-24T10:15:00Z'], // Zoom takes whole seconds
    ['2026-11-24T10:15:00+01:00', 'UTC', '2026-11-24T09:15:00Z'],
    ['2026-11-24T10:15:00-0530', 'UTC', '2026-11-24T15:45:00Z'],
    ['20261124T101500Z', 'UTC', '2026-11-24T10:15:00Z'],
    ['2026-11-24 10:15', 'UTC', '2026-11-24T10:15:00Z'],
    ['2026-11-24T10:15:00', 'Europe/Paris', '2026-11-24T09:15:00Z'],
    ['2026-07-14T10:15:00', 'Europe/Paris', '2026-07-14T08:15:00Z'],
    ['2026-11-24T10:15:00', 'America/New_York', '2026-11-24T15:15:00Z'],
    ['2026-11-24T10:15:00Z', 'America/New_York', '2026-11-24T10:15:00Z'],
  ])('reads %s (zone %s) as %s', (text, timeZone, expected) => {
    // Act
    const result = read(text, timeZone);

    // Assess
    expect(result).toEqual({ ok: true, zoomTimestamp: expected, epochMs: Date.parse(expected) });
  });

  it('refuses a local time the clocks pass twice (DST ends), naming both readings', () => {
    // Act
    const result = read('2026-11-01T01:30:00', 'America/New_York');

    // Assess
    expect(result).toEqual({
      ok: false,
      problem:
        '2026-11-01T01:30:00 happens twice in America/New_York (the clocks go back): give its UTC offset, e.g. 2026-11-01T01:30:00-04:00 or 2026-11-01T01:30:00-05:00',
    });
  });

  it('refuses a local time the clocks skip (DST starts)', () => {
    // Act
    const result = read('2026-03-29T02:30:00', 'Europe/Paris');

    // Assess
    expect(result).toEqual({
      ok: false,
      problem:
        '2026-03-29T02:30:00 does not exist in Europe/Paris (the clocks skip it): give the time with its UTC offset',
    });
  });

  it('accepts the ambiguous hour once its offset is given', () => {
    // Act
    const result = read('2026-11-01T01:30:00-05:00', 'America/New_York');

    // Assess
    expect(result).toEqual({
      ok: true,
      zoomTimestamp: '2026-11-01T06:30:00Z',
      epochMs: Date.parse('2026-11-01T06:30:00Z'),
    });
  });

  it.each([
    ['yesterday', /is not a date and time such as/],
    ['2026-02-30T10:00:00Z', /is not a real calendar date and time/],
    ['2026-11-24T24:00:00Z', /is not a real calendar date and time/],
    ['2026-11-24T10:00:00+15:00', /impossible UTC offset/],
    ['2026-11-25T12:10:00Z', /lies in the future/],
  ])('refuses %s', (text, problem) => {
    // Act
    const result = read(text);

    // Assess
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.problem).toMatch(problem);
  });

  it('allows a start a little ahead of the clock (skew)', () => {
    // Act
    const result = read('2026-11-25T12:04:00Z');

    // Assess
    expect(result.ok).toBe(true);
  });
});
