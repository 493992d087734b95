import { describe, expect, it } from 'vitest';
import { callLikeWav, generateWav, WAV_HEADER_BYTES } from '../../../local/demo/wav.ts';

/** The fields of a canonical PCM WAV header, read back as any player reads them. */
function readHeader(wav: Buffer) {
  return {
    riff: wav.toString('ascii', 0, 4),
    riffSize: wav.readUInt32LE(4),
    wave: wav.toString('ascii', 8, 12),
    fmt: wav.toString('ascii', 12, 16),
    fmtSize: wav.readUInt32LE(16),
    format: wav.readUInt16LE(20),
    channels: wav.readUInt16LE(22),
    sampleRate: wav.readUInt32LE(24),
    byteRate: wav.readUInt32LE(28),
    blockAlign: wav.readUInt16LE(32),
    bitsPerSample: wav.readUInt16LE(34),
    data: wav.toString('ascii', 36, 40),
    dataSize: wav.readUInt32LE(40),
  };
}

describe('generateWav', () => {
  it('writes a RIFF/WAVE header whose sizes and rates describe the samples that follow', () => {
    // Prepare
    const spec = {
      sampleRate: 8_000,
      tones: [
        { frequencyHz: 440, durationMs: 250 },
        { frequencyHz: 0, durationMs: 250 },
      ],
    };

    // Act
    const wav = generateWav(spec);

    // Assess
    const header = readHeader(wav);
    expect(header).toEqual({
      riff: 'RIFF',
      riffSize: wav.length - 8,
      wave: 'WAVE',
      fmt: 'fmt ',
      fmtSize: 16,
      format: 1,
      channels: 1,
      sampleRate: 8_000,
      byteRate: 16_000,
      blockAlign: 2,
      bitsPerSample: 16,
      data: 'data',
      dataSize: 8_000, // 0.5 s x 8000 samples/s x 2 bytes
    });
    expect(wav.length).toBe(WAV_HEADER_BYTES + header.dataSize);
  });

  it('encodes a tone within the amplitude asked for, and silence as zeros', () => {
    // Act
    const wav = generateWav({
      amplitude: 0.5,
      tones: [
        { frequencyHz: 1_000, durationMs: 100 },
        { frequencyHz: 0, durationMs: 100 },
      ],
    });

    // Assess
    const samples = Array.from({ length: (wav.length - WAV_HEADER_BYTES) / 2 }, (_, index) =>
      wav.readInt16LE(WAV_HEADER_BYTES + index * 2),
    );
    const tone = samples.slice(0, 800);
    const silence = samples.slice(800);
    expect(Math.max(...tone)).toBeGreaterThan(0.45 * 32_767);
    expect(Math.max(...tone.map(Math.abs))).toBeLessThanOrEqual(Math.ceil(0.5 * 32_767));
    expect(silence.every((sample) => sample === 0)).toBe(true);
  });

  it.each([
    ['no tone', { tones: [] }],
    [
      'a tone above the Nyquist frequency',
      { sampleRate: 8_000, tones: [{ frequencyHz: 4_000, durationMs: 10 }] },
    ],
    ['a zero duration', { tones: [{ frequencyHz: 440, durationMs: 0 }] }],
    ['an amplitude above full scale', { amplitude: 1.5, tones: [{ frequencyHz: 440, durationMs: 10 }] }],
    ['an unusable sample rate', { sampleRate: 10, tones: [{ frequencyHz: 1, durationMs: 10 }] }],
  ])('refuses %s', (_label, spec) => {
    // Act / Assess
    expect(() => generateWav(spec)).toThrow(RangeError);
  });
});

describe('callLikeWav', () => {
  it('makes recordings of the asked length whose bytes differ by variant', () => {
    // Act
    const first = callLikeWav(1, 2_000);
    const second = callLikeWav(2, 2_000);

    // Assess
    expect(readHeader(first).dataSize).toBe(2 * 8_000 * 2);
    expect(first.length).toBe(second.length);
    expect(first.equals(second)).toBe(false);
    expect(callLikeWav(1, 2_000).equals(first)).toBe(true);
  });
});
