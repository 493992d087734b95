import { describe, expect, it } from 'vitest';
import { parseEnvironmentSettings } from '../../../shared/config/environment.ts';

const profile = (name: string) => ({ name, secretName: `qm/${name}` });

describe('parseEnvironmentSettings', () => {
  it('applies the defaults of every section', () => {
    // Act
    const settings = parseEnvironmentSettings({
      name: 'prod',
      zoomProfiles: [profile('main')],
      defaultProfile: 'main',
    });

    // Assess
    expect(settings.routes).toEqual([]);
    expect(settings.ingest.sourceTimeZone).toBe('UTC');
    expect(settings.polling.firstDelaySeconds).toBe(60);
  });

  it.each([
    [
      'a duplicate profile name',
      { zoomProfiles: [profile('a'), profile('a')] },
      'environment.zoomProfiles.1.name',
    ],
    [
      'a route to an unknown profile',
      { routes: [{ prefix: 'calls/', profile: 'b' }] },
      'environment.routes.0.profile',
    ],
    [
      'an unknown time zone',
      { ingest: { sourceTimeZone: 'Mars/Olympus' } },
      'environment.ingest.sourceTimeZone',
    ],
    ['an upper-case environment name', { name: 'Prod' }, 'environment.name'],
    ['an unknown field', { zoomProfile: [] }, 'environment: Unrecognized key'],
  ])('refuses %s, naming the field', (_label, override, field) => {
    // Prepare
    const input = { name: 'prod', zoomProfiles: [profile('a')], defaultProfile: 'a', ...override };

    // Act / Assess
    expect(() => parseEnvironmentSettings(input)).toThrow(field);
  });
});
