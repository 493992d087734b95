/**
 * Seeded randomness. Every random choice the simulator makes (outcomes, durations, content, ids,
 * faults) comes from a named stream derived from the scenario's seed, so a run is reproducible:
 * the same scenario and the same sequence of requests give the same bodies, byte for byte.
 */

export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** True with probability `probability`. */
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** One key of `weights`, chosen with probability proportional to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K;
  /** A standard normal deviate. */
  normal(): number;
  /** A 22-character URL-safe id, the shape of Zoom's interaction and user ids. */
  zoomId(): string;
  /** A 32-character lowercase hex id, the shape of Zoom's evaluation ids. */
  hexId(): string;
}

/** How long something takes, in simulated seconds: a fixed value or a long-tailed distribution. */
export type DurationSpec =
  | { readonly kind: 'fixed'; readonly seconds: number }
  | {
      readonly kind: 'lognormal';
      /** Half of the draws are shorter than this. */
      readonly medianSeconds: number;
      /** The spread of the log: 0.5 is tight, 1.5 has a long tail. */
      readonly sigma: number;
      /** Draws are capped here so a tail cannot exceed every deadline by orders of magnitude. */
      readonly maxSeconds: number;
    };

/** Draws one duration in simulated milliseconds. */
export function sampleDurationMs(spec: DurationSpec, random: Random): number {
  if (spec.kind === 'fixed') return spec.seconds * 1000;
  const seconds = spec.medianSeconds * Math.exp(spec.sigma * random.normal());
  return Math.min(seconds, spec.maxSeconds) * 1000;
}

/** A deterministic stream named by `seed` and any number of labels, e.g. ('content', 17). */
export function createRandom(seed: number | string, ...stream: ReadonlyArray<string | number>): Random {
  const [a, b, c, d] = cyrb128([String(seed), ...stream.map(String)].join('\u0000'));
  const nextUint32 = sfc32(a, b, c, d);
  // sfc32 starts slowly from close seeds: a few discarded rounds decorrelate sibling streams.
  for (let round = 0; round < 12; round += 1) nextUint32();
  const next = (): number => nextUint32() / 4294967296;
  const bytes = (count: number): Uint8Array => {
    const out = new Uint8Array(count);
    for (let index = 0; index < count; index += 1) out[index] = Math.floor(next() * 256);
    return out;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (probability) => next() < probability,
    pick<T>(items: readonly T[]): T {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new RangeError('cannot pick from an empty list');
      return item;
    },
    weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
      const entries = Object.entries(weights) as Array<[K, number]>;
      const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
      if (total <= 0) throw new RangeError('weights must not all be zero');
      let remaining = next() * total;
      for (const [key, weight] of entries) {
        remaining -= weight;
        if (remaining < 0) return key;
      }
      const last = entries.findLast(([, weight]) => weight > 0);
      if (last === undefined) throw new RangeError('weights must not all be zero');
      return last[0];
    },
    normal() {
      // Box-Muller; 1 - next() keeps the logarithm's argument in (0, 1].
      const radius = Math.sqrt(-2 * Math.log(1 - next()));
      return radius * Math.cos(2 * Math.PI * next());
    },
    zoomId: () => Buffer.from(bytes(16)).toString('base64url'),
    hexId: () => Buffer.from(bytes(16)).toString('hex'),
  };
}

/** A 128-bit string hash (public domain, bryc), used only to seed sfc32. */
function cyrb128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    h1 = h2 ^ Math.imul(h1 ^ code, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ code, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ code, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ code, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** Small Fast Counter, a 128-bit-state PRNG that passes PractRand; plenty for a simulator. */
function sfc32(seedA: number, seedB: number, seedC: number, seedD: number): () => number {
  let a = seedA;
  let b = seedB;
  let c = seedC;
  let d = seedD;
  return () => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
}

/** The same id every time for the same seed and labels: scorecards, questions, people. */
export function stableZoomId(seed: number | string, ...labels: ReadonlyArray<string | number>): string {
  return createRandom(seed, 'stable-id', ...labels).zoomId();
}
