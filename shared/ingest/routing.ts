import type { EnvironmentSettings } from '../config/environment.ts';

/**
 * Which Zoom account a recording goes to: the configured route with the longest prefix matching
 * its key (a route naming the bucket wins over one for every bucket at the same length), or the
 * default profile. The profile's account id then keys the recording and its rate limits.
 */
export function profileFor(
  bucket: string,
  key: string,
  settings: Pick<EnvironmentSettings, 'routes' | 'defaultProfile'>,
): string {
  let best: { readonly profile: string; readonly score: number } | undefined;
  for (const route of settings.routes) {
    if ((route.bucket !== undefined && route.bucket !== bucket) || !key.startsWith(route.prefix)) {
      continue;
    }
    // Prefix length first; at equal length a bucket-specific route beats a generic one.
    const score = route.prefix.length * 2 + (route.bucket === undefined ? 0 : 1);
    if (best === undefined || score > best.score) {
      best = { profile: route.profile, score };
    }
  }
  return best?.profile ?? settings.defaultProfile;
}
