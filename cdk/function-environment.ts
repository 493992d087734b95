import { isDeepStrictEqual } from 'node:util';
import { type EnvironmentSettings, environmentSettingsSchema } from '../shared/config/environment.ts';
import { RUNTIME_VARIABLES, type RuntimeResources, toRuntimeVariables } from '../shared/config/runtime.ts';
import { zoomProfileSchema } from '../shared/config/zoom-profile.ts';
import { ConfigError } from '../shared/errors.ts';

/**
 * The environment variables of every pipeline function: the QM_* variables of runtime.ts, never a
 * secret (credentials stay in Secrets Manager and are read by name). Lambda allows 4 KB of
 * variables in all, so QM_SETTINGS carries the settings without the values that equal their
 * defaults: the function's schema puts them back, giving exactly the settings validated here.
 */

/** QM_SETTINGS may take this much of Lambda's 4 KB, leaving room for the resource names and Powertools. */
export const SETTINGS_VARIABLE_BUDGET_BYTES = 2_800;

export function functionEnvironment(
  settings: EnvironmentSettings,
  resources: RuntimeResources,
): Record<string, string> {
  const settingsJson = JSON.stringify(compactSettings(settings));
  const bytes = Buffer.byteLength(settingsJson, 'utf8');
  if (bytes > SETTINGS_VARIABLE_BUDGET_BYTES) {
    throw new ConfigError(
      `Invalid deployment configuration: deployment.settings: takes ${bytes} bytes as ${RUNTIME_VARIABLES.settings} (defaults left out), more than the ${SETTINGS_VARIABLE_BUDGET_BYTES} Lambda's 4 KB of environment variables leave for it; use fewer Zoom profiles or routes per environment`,
    );
  }
  return { ...toRuntimeVariables({ settings, resources }), [RUNTIME_VARIABLES.settings]: settingsJson };
}

/** `settings` without the values the schema would fill in by itself; parsing the result gives `settings` back. */
export function compactSettings(settings: EnvironmentSettings): Record<string, unknown> {
  const rootDefaults = environmentSettingsSchema.parse({
    name: settings.name,
    zoomProfiles: settings.zoomProfiles,
    defaultProfile: settings.defaultProfile,
  });
  return {
    ...withoutDefaults(settings, rootDefaults),
    name: settings.name,
    zoomProfiles: settings.zoomProfiles.map((profile) => ({
      ...withoutDefaults(
        profile,
        zoomProfileSchema.parse({ name: profile.name, secretName: profile.secretName }),
      ),
      name: profile.name,
      secretName: profile.secretName,
    })),
    defaultProfile: settings.defaultProfile,
  };
}

/** The entries of `value` that differ from `defaults`, recursively through nested objects. */
function withoutDefaults(value: object, defaults: object): Record<string, unknown> {
  const defaultEntries = new Map(Object.entries(defaults));
  const kept: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    const fallback = defaultEntries.get(key);
    if (isDeepStrictEqual(entry, fallback)) {
      continue;
    }
    kept[key] = isPlainObject(entry) && isPlainObject(fallback) ? withoutDefaults(entry, fallback) : entry;
  }
  return kept;
}

function isPlainObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
