import * as z from 'zod';
import { ingestSettingsSchema } from './ingest.ts';
import { parseConfig } from './parse.ts';
import { pollSettingsSchema } from './polling.ts';
import { zoomProfileSchema } from './zoom-profile.ts';

/**
 * The behaviour of one qm-ingest environment (dev, staging, prod, a developer's own...): which Zoom
 * accounts it talks to, which recordings go to which account, how ingest and polling behave. One
 * schema serves the CDK stack (which validates it at synthesis and hands it to the functions), the
 * functions (which validate it again at cold start) and the local runtime.
 */

/**
 * The local runtime's environment name (`npm start`): part of every local resource name, as a
 * deployed environment's name is. Operator commands reach it without `--env`.
 */
export const LOCAL_ENVIRONMENT_NAME = 'local';

/** Sends the recordings under a bucket and key prefix to one Zoom profile. */
const routeSchema = z.strictObject({
  /** The bucket, or every bucket the environment ingests from when omitted. */
  bucket: z.string().min(3).max(63).optional(),
  /** Key prefix ('' for the whole bucket). The longest matching prefix wins. */
  prefix: z.string().default(''),
  /** The Zoom profile's name. */
  profile: z.string().min(1),
});

export type Route = z.output<typeof routeSchema>;

export const environmentSettingsSchema = z
  .strictObject({
    /** The environment's name: part of every resource name, so environments never clash. */
    name: z.string().regex(/^[a-z][a-z0-9-]{0,19}$/, 'lower-case letters, digits and "-", at most 20'),
    /** Every Zoom account this environment submits to. */
    zoomProfiles: z.array(zoomProfileSchema).min(1),
    /** The profile used when no route matches. */
    defaultProfile: z.string().min(1),
    /** Bucket/prefix -> profile map; checked longest prefix first. */
    routes: z.array(routeSchema).default([]),
    ingest: ingestSettingsSchema.prefault({}),
    polling: pollSettingsSchema.prefault({}),
  })
  .superRefine((settings, context) => {
    const names = new Set<string>();
    settings.zoomProfiles.forEach((profile, index) => {
      if (names.has(profile.name)) {
        context.addIssue({
          code: 'custom',
          path: ['zoomProfiles', index, 'name'],
          message: 'duplicate profile name',
        });
      }
      names.add(profile.name);
    });
    if (!names.has(settings.defaultProfile)) {
      context.addIssue({
        code: 'custom',
        path: ['defaultProfile'],
        message: 'names no profile in zoomProfiles',
      });
    }
    settings.routes.forEach((route, index) => {
      if (!names.has(route.profile)) {
        context.addIssue({
          code: 'custom',
          path: ['routes', index, 'profile'],
          message: 'names no profile in zoomProfiles',
        });
      }
    });
  });

export type EnvironmentSettings = z.output<typeof environmentSettingsSchema>;
export type EnvironmentSettingsInput = z.input<typeof environmentSettingsSchema>;

/** Validates an environment's settings; a {@link ConfigError} names every invalid field. */
export function parseEnvironmentSettings(input: unknown, fieldPrefix = 'environment'): EnvironmentSettings {
  return parseConfig(environmentSettingsSchema, input, fieldPrefix, 'environment settings');
}
