/**
 * Small, valid WAV files generated in code: the demo and the local runtime's sample recording are
 * real audio (16-bit PCM, mono) that any player opens and Zoom's downloader fetches, without a
 * binary fixture in the repository. A recording is a sequence of tones and silences.
 */

/** One stretch of sound: a sine tone, or silence when `frequencyHz` is 0. */
export interface ToneSpec {
  readonly frequencyHz: number;
  readonly durationMs: number;
}

export interface WavSpec {
  /** Samples per second; 8 kHz is telephone quality and keeps files small. */
  readonly sampleRate?: number;
  /** Peak amplitude as a share of full scale, (0, 1]. */
  readonly amplitude?: number;
  readonly tones: readonly ToneSpec[];
}

/** The canonical PCM WAV header: RIFF descriptor (12 bytes), `fmt ` chunk (24) and `data` chunk header (8). */
export const WAV_HEADER_BYTES = 44;

const DEFAULT_SAMPLE_RATE = 8_000;
const DEFAULT_AMPLITUDE = 0.4;
const BITS_PER_SAMPLE = 16;
const CHANNELS = 1;
const BYTES_PER_SAMPLE = BITS_PER_SAMPLE / 8;
const PCM_FORMAT = 1;
const FULL_SCALE = 32_767;
/** A few milliseconds of fade at each tone's edges, so tones join without clicks. */
const FADE_MS = 5;

/** The number of samples a tone of `durationMs` takes at `sampleRate`. */
function sampleCount(durationMs: number, sampleRate: number): number {
  return Math.round((durationMs * sampleRate) / 1000);
}

/** Encodes the tones as a complete WAV file. Throws a RangeError on a spec no player could read. */
export function generateWav(spec: WavSpec): Buffer {
  const sampleRate = spec.sampleRate ?? DEFAULT_SAMPLE_RATE;
  const amplitude = spec.amplitude ?? DEFAULT_AMPLITUDE;
  if (!Number.isInteger(sampleRate) || sampleRate < 1_000 || sampleRate > 192_000) {
    throw new RangeError(`sampleRate must be an integer from 1000 to 192000, not ${sampleRate}`);
  }
  if (!(amplitude > 0 && amplitude <= 1)) {
    throw new RangeError(`amplitude must be in (0, 1], not ${amplitude}`);
  }
  if (spec.tones.length === 0) {
    throw new RangeError('a recording needs at least one tone');
  }
  for (const tone of spec.tones) {
    if (!(tone.durationMs > 0) || !(tone.frequencyHz >= 0) || tone.frequencyHz >= sampleRate / 2) {
      throw new RangeError(
        `a tone needs a positive duration and a frequency from 0 to below ${sampleRate / 2} Hz (Nyquist)`,
      );
    }
  }
  const samples = spec.tones.reduce((sum, tone) => sum + sampleCount(tone.durationMs, sampleRate), 0);
  const dataBytes = samples * BYTES_PER_SAMPLE * CHANNELS;
  const wav = Buffer.alloc(WAV_HEADER_BYTES + dataBytes);
  writeHeader(wav, sampleRate, dataBytes);
  let offset = WAV_HEADER_BYTES;
  for (const tone of spec.tones) {
    const count = sampleCount(tone.durationMs, sampleRate);
    const fade = Math.min(Math.floor(count / 2), sampleCount(FADE_MS, sampleRate));
    for (let index = 0; index < count; index++) {
      const envelope = fade === 0 ? 1 : Math.min(1, index / fade, (count - 1 - index) / fade);
      const value =
        tone.frequencyHz === 0
          ? 0
          : Math.sin((2 * Math.PI * tone.frequencyHz * index) / sampleRate) * amplitude * envelope;
      wav.writeInt16LE(Math.round(value * FULL_SCALE), offset);
      offset += BYTES_PER_SAMPLE;
    }
  }
  return wav;
}

function writeHeader(wav: Buffer, sampleRate: number, dataBytes: number): void {
  const blockAlign = CHANNELS * BYTES_PER_SAMPLE;
  wav.write('RIFF', 0, 'ascii');
  // The RIFF chunk's size: everything after these first 8 bytes.
  wav.writeUInt32LE(WAV_HEADER_BYTES - 8 + dataBytes, 4);
  wav.write('WAVE', 8, 'ascii');
  wav.write('fmt ', 12, 'ascii');
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(PCM_FORMAT, 20);
  wav.writeUInt16LE(CHANNELS, 22);
  wav.writeUInt32LE(sampleRate, 24);
  wav.writeUInt32LE(sampleRate * blockAlign, 28);
  wav.writeUInt16LE(blockAlign, 32);
  wav.writeUInt16LE(BITS_PER_SAMPLE, 34);
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(dataBytes, 40);
}

/**
 * A short call-like recording: a dial tone, then alternating "voices" (two pitches standing for
 * the agent and the customer) with pauses. `variant` shifts the pitches, so recordings made with
 * different variants have different bytes (a different content identity).
 */
export function callLikeWav(variant: number, durationMs = 1_500): Buffer {
  const agentHz = 220 + ((variant * 37) % 200);
  const customerHz = 330 + ((variant * 53) % 250);
  const tones: ToneSpec[] = [{ frequencyHz: 425, durationMs: 200 }];
  let remaining = durationMs - 200;
  let speaker = 0;
  while (remaining > 0) {
    const turn = Math.min(remaining, 250);
    tones.push({ frequencyHz: speaker % 2 === 0 ? agentHz : customerHz, durationMs: turn });
    remaining -= turn;
    if (remaining > 0) {
      const pause = Math.min(remaining, 50);
      tones.push({ frequencyHz: 0, durationMs: pause });
      remaining -= pause;
    }
    speaker++;
  }
  return generateWav({ tones });
}
