import { randomBytes } from 'node:crypto';

/** A source of randomness: `next()` in [0, 1) and `bytes(n)`. Seeded for reproducible runs. */
export interface RandomSource {
  /** `crypto` draws from node:crypto; `seeded` repeats for a seed */
  readonly kind: 'crypto' | 'seeded';
  next(): number;
  bytes(n: number): Uint8Array;
}

/** Cryptographic randomness: the default for ids and secrets. */
export function cryptoRandom(): RandomSource {
  return {
    kind: 'crypto',
    next: () => randomBytes(4).readUInt32BE(0) / 2 ** 32,
    bytes: (n) => randomBytes(n),
  };
}

/**
 * A small seeded generator (sfc32) for reproducible runs: fault probabilities, deterministic ids
 * under `--random-seed`. Not for secrets (IdGenerator draws those from `cryptoRandom`).
 */
export function seededRandom(seed: number | string): RandomSource {
  let h = 1779033703 ^ String(seed).length;
  const s = String(seed);
  for (let i = 0; i < s.length; i++) {
    h = Math.imul(h ^ s.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  const mix = () => {
    h = Math.imul(h ^ (h >>> 16), 2246822507);
    h = Math.imul(h ^ (h >>> 13), 3266489909);
    return (h ^= h >>> 16) >>> 0;
  };
  let a = mix();
  let b = mix();
  let c = mix();
  let d = mix();
  const next32 = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return t >>> 0;
  };
  return {
    kind: 'seeded',
    next: () => next32() / 2 ** 32,
    bytes: (n) => {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i += 4) {
        const v = next32();
        for (let j = 0; j < 4 && i + j < n; j++) out[i + j] = (v >>> (j * 8)) & 0xff;
      }
      return out;
    },
  };
}

/**
 * mulberry32: a tiny seeded generator of numbers in [0, 1), for the benchmarks' and tests' own
 * reproducible choices (generated states, documents, queries). Not for secrets.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
