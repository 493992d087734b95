/**
 * What kind of recording an object is, from its Content-Type or, when that says nothing (an
 * upload tool's `application/octet-stream`), its file extension: Zoom's `channel_type` is voice
 * for audio and video for video. Anything else (a PDF, a text file) is not a recording.
 */

export type Channel = 'voice' | 'video';

export type MediaKind =
  | {
      readonly supported: true;
      readonly channel: Channel | undefined;
      readonly from: 'content type' | 'file extension';
    }
  | { readonly supported: false; readonly problem: string };

/** Content types that describe no format, so the extension decides. */
const GENERIC_TYPES = new Set([
  '',
  'application/octet-stream',
  'binary/octet-stream',
  'application/x-download',
]);

const EXTENSION_CHANNELS: ReadonlyMap<string, Channel> = new Map([
  ['mp3', 'voice'],
  ['wav', 'voice'],
  ['m4a', 'voice'],
  ['ogg', 'voice'],
  ['oga', 'voice'],
  ['opus', 'voice'],
  ['flac', 'voice'],
  ['aac', 'voice'],
  ['wma', 'voice'],
  ['amr', 'voice'],
  ['mp4', 'video'],
  ['m4v', 'video'],
  ['mov', 'video'],
  ['webm', 'video'],
  ['mkv', 'video'],
  ['avi', 'video'],
]);

/** The lower-case extension of the key's last segment, without the dot ('' when none). */
export function extensionOf(key: string): string {
  const name = key.slice(key.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/**
 * The channel the object's type implies. An unknown extension with a generic type is supported
 * with no channel: the metadata must then say `channel`.
 */
export function mediaKindOf(contentType: string | undefined, key: string): MediaKind {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type.startsWith('audio/')) {
    return { supported: true, channel: 'voice', from: 'content type' };
  }
  if (type.startsWith('video/')) {
    return { supported: true, channel: 'video', from: 'content type' };
  }
  if (GENERIC_TYPES.has(type)) {
    return { supported: true, channel: EXTENSION_CHANNELS.get(extensionOf(key)), from: 'file extension' };
  }
  return {
    supported: false,
    problem: `unsupported type: the object's Content-Type is ${type}; qm-ingest submits audio and video recordings only`,
  };
}
