import * as z from '../zod.ts';
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
  bucket: z.optional(z.string().check(z.minLength(3), z.maxLength(63))),
  /** Key prefix ('' for the whole bucket). The longest matching prefix wins. */
  prefix: z._default(z.string(), ''),
  /** The Zoom profile's name. */
  profile: z.string().check(z.minLength(1)),
});

export type Route = z.output<typeof routeSchema>;

export const environmentSettingsSchema = z
  .strictObject({
    /** The environment's name: part of every resource name, so environments never clash. */
    name: z
      .string()
      .check(z.regex(/^[a-z][a-z0-9-]{0,19}$/, 'lower-case letters, digits and "-", at most 20')),
    /** Every Zoom account this environment submits to. */
    zoomProfiles: z.array(zoomProfileSchema).check(z.minLength(1)),
    /** The profile used when no route matches. */
    defaultProfile: z.string().check(z.minLength(1)),
    /** Bucket/prefix -> profile map; checked longest prefix first. */
    routes: z._default(z.array(routeSchema), []),
    ingest: z.prefault(ingestSettingsSchema, {}),
    polling: z.prefault(pollSettingsSchema, {}),
  })
  .check(
    z.superRefine((settings, context) => {
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
    }),
  );

export type EnvironmentSettings = z.output<typeof environmentSettingsSchema>;
export type EnvironmentSettingsInput = z.input<typeof environmentSettingsSchema>;

/** Validates an environment's settings; a {@link ConfigError} names every invalid field. */
export function parseEnvironmentSettings(input: unknown, fieldPrefix = 'environment'): EnvironmentSettings {
  return parseConfig(environmentSettingsSchema, input, fieldPrefix, 'environment settings');
}
