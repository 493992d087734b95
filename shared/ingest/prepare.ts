import type { IngestSettings } from '../config/ingest.ts';
import type { RecordingMetadata } from '../recordings/recording.ts';
import { mediaKindOf } from './media-type.ts';
import { type KeyTemplate, matchKeyTemplate } from './metadata/key-template.ts';
import { type MetadataResolution, resolveMetadata } from './metadata/resolve.ts';
import { fromObjectMetadata, parseSidecar } from './metadata/sources.ts';
import type { RecordingHead, SidecarRead } from './object-store.ts';
import type { RejectionCode } from './outcomes.ts';

/**
 * Whether a claimed recording can be submitted, from what S3 says about it: its size, its type and
 * its metadata (S3 user metadata, the sidecar JSON, the key template). The decision is one of:
 * submit with this metadata; wait for a sidecar that may still arrive (a delayed re-check, never a
 * sleep); or reject, with a reason a person can act on. The sidecar is read only once the cheap
 * checks have passed.
 */

export type Preparation =
  | { readonly kind: 'ready'; readonly metadata: RecordingMetadata }
  | { readonly kind: 'wait-for-sidecar'; readonly dueAt: number }
  | { readonly kind: 'reject'; readonly code: RejectionCode; readonly reason: string };

export interface PreparationInput {
  readonly key: string;
  readonly head: RecordingHead;
  /** The size the event announced, when HeadObject gives none. */
  readonly announcedSize: number | undefined;
  /** When the recording was uploaded: the sidecar wait runs from there. */
  readonly receivedAt: number;
  readonly now: number;
  readonly settings: IngestSettings;
  readonly template: KeyTemplate | undefined;
  readonly readSidecar: () => Promise<SidecarRead>;
}

export async function prepareSubmission(input: PreparationInput): Promise<Preparation> {
  const { settings, head } = input;
  const size = head.ContentLength ?? input.announcedSize ?? 0;
  if (size === 0) {
    return reject('zero-bytes', 'The object is empty (0 bytes): there is nothing to evaluate');
  }
  if (size > settings.maxRecordingBytes) {
    return reject(
      'too-large',
      `The object is ${size} bytes, more than the ${settings.maxRecordingBytes} bytes allowed (ingest.maxRecordingBytes)`,
    );
  }
  const media = mediaKindOf(head.ContentType, input.key);
  if (!media.supported) {
    return reject('unsupported-type', media.problem);
  }
  const sidecar = await input.readSidecar();
  let sidecarMetadata: ReturnType<typeof fromObjectMetadata> | undefined;
  if (sidecar.found) {
    if (sidecar.tooLarge) {
      return reject(
        'invalid-metadata',
        `The sidecar JSON is larger than ${settings.sidecar.maxBytes} bytes (ingest.sidecar.maxBytes)`,
      );
    }
    const parsed = parseSidecar(sidecar.text);
    if (!parsed.ok) {
      return reject('invalid-metadata', `Invalid metadata: the sidecar JSON ${parsed.problem}`);
    }
    sidecarMetadata = parsed.metadata;
  }
  const resolution = resolveMetadata(
    {
      objectMetadata: fromObjectMetadata(head.Metadata),
      sidecar: sidecarMetadata,
      template: input.template === undefined ? undefined : matchKeyTemplate(input.template, input.key),
      media,
    },
    {
      sourceTimeZone: settings.sourceTimeZone,
      required: settings.requiredMetadata,
      now: input.now,
      maxStartTimeAheadMs: settings.maxStartTimeAheadSeconds * 1000,
    },
  );
  const sidecarMissing = sidecarMetadata === undefined;
  if (resolution.kind === 'resolved' && !(settings.sidecar.required && sidecarMissing)) {
    return { kind: 'ready', metadata: resolution.metadata };
  }
  const waitEnds = input.receivedAt + settings.sidecar.waitSeconds * 1000;
  const sidecarCouldHelp = resolution.kind === 'resolved' || resolution.sidecarCouldHelp;
  if (sidecarMissing && sidecarCouldHelp && input.now < waitEnds) {
    return {
      kind: 'wait-for-sidecar',
      dueAt: Math.min(input.now + settings.sidecar.recheckSeconds * 1000, waitEnds),
    };
  }
  if (resolution.kind === 'resolved') {
    return reject(
      'missing-metadata',
      `Missing metadata: no sidecar JSON (the recording's key + "${settings.sidecar.suffix}") arrived within ${settings.sidecar.waitSeconds} s, and ingest.sidecar.required is set`,
    );
  }
  return metadataRejection(resolution);
}

function reject(code: RejectionCode, reason: string): Preparation {
  return { kind: 'reject', code, reason };
}

function metadataRejection(resolution: Extract<MetadataResolution, { kind: 'incomplete' }>): Preparation {
  const parts = [
    ...(resolution.invalid.length === 0 ? [] : [`invalid metadata: ${resolution.invalid.join('; ')}`]),
    ...(resolution.missing.length === 0
      ? []
      : [
          `missing metadata: ${resolution.missing.join(', ')} (give it as S3 user metadata x-amz-meta-*, in the sidecar JSON, or through the key template)`,
        ]),
  ];
  const code = resolution.unsupportedType
    ? 'unsupported-type'
    : resolution.invalid.length > 0
      ? 'invalid-metadata'
      : 'missing-metadata';
  const reason = parts.join('; ');
  return reject(code, `${reason.charAt(0).toUpperCase()}${reason.slice(1)}`);
}
