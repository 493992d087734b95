import type { IngestSettings } from '../config/ingest.ts';

/**
 * Which created objects are recordings. A bucket's notifications also announce folder markers
 * (`calls/2026-11-24/`), sidecar files and whatever else lands there; those are skipped with a
 * logged reason, never recorded in the state table (they are not recordings).
 */

export const SKIP_REASONS = [
  'folder-marker',
  'sidecar',
  'outside-prefixes',
  'not-a-recording-suffix',
  'duplicate',
  'superseded',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export type KeyDecision =
  | { readonly recording: true }
  | { readonly recording: false; readonly reason: SkipReason };

type FilterSettings = Pick<IngestSettings, 'recordingPrefixes' | 'recordingSuffixes' | 'sidecar'>;

export function classifyKey(key: string, settings: FilterSettings): KeyDecision {
  if (key.endsWith('/')) {
    return { recording: false, reason: 'folder-marker' };
  }
  const lower = key.toLowerCase();
  if (isSidecarKey(lower, settings)) {
    return { recording: false, reason: 'sidecar' };
  }
  if (!settings.recordingPrefixes.some((prefix) => key.startsWith(prefix))) {
    return { recording: false, reason: 'outside-prefixes' };
  }
  if (!settings.recordingSuffixes.some((suffix) => lower.endsWith(suffix))) {
    return { recording: false, reason: 'not-a-recording-suffix' };
  }
  return { recording: true };
}

function isSidecarKey(lowerKey: string, settings: FilterSettings): boolean {
  const { suffix } = settings.sidecar;
  if (!lowerKey.endsWith(suffix)) {
    return false;
  }
  const recordingKey = lowerKey.slice(0, -suffix.length);
  return settings.recordingSuffixes.some((recordingSuffix) => recordingKey.endsWith(recordingSuffix));
}

/** Where the sidecar of the recording at `key` lives. */
export function sidecarKeyOf(key: string, settings: Pick<IngestSettings, 'sidecar'>): string {
  return `${key}${settings.sidecar.suffix}`;
}
